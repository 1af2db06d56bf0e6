/**
 * Opens a pipeline's audit trail: the store its sinks name (the embedded
 * SQLite file when `sinks.sqlite` is set, else ClickHouse when
 * `sinks.clickhouse` is), one chain named after the pipeline, checkpoints
 * signed with the transmitter's key from `signals.keys_dir`. Used by
 * `vigil run`/`vigil demo` (writing) and `vigil audit` (reading).
 *
 * Never creates a signing key when only reading (verify, export).
 */
import type { JWK } from 'jose';
import type { PipelineConfig } from '../config/pipeline.js';
import type { Sink } from '../engine/types.js';
import type { Logger } from '../logging.js';
import { loadExistingSigningKey, loadOrCreateSigningKey } from '../signals/keys.js';
import { SqliteSink } from '../sinks/sqlite.js';
import { ClickHouseConnection } from '../store/clickhouse-connection.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { recordConfigurationIfChanged } from './actions.js';
import { type AuditSigner, auditSigner } from './checkpoints.js';
import { ClickHouseAuditStore } from './clickhouse-store.js';
import { type AuditHook, AuditLog } from './log.js';
import { AuditSink } from './sink.js';
import { SqliteAuditStore } from './sqlite-store.js';
import type { AuditStore } from './store.js';

/** Which store the pipeline's audit trail lives in; undefined when it has none. */
export async function openAuditStore(config: PipelineConfig): Promise<AuditStore | undefined> {
  if (config.sinks.sqlite) return new SqliteAuditStore(config.sinks.sqlite.path);
  const clickhouse = config.sinks.clickhouse;
  if (!clickhouse) return undefined;
  return ClickHouseAuditStore.open(
    new ClickHouseConnection({
      url: clickhouse.url,
      username: clickhouse.username,
      password: clickhouse.password,
      database: clickhouse.database,
      requestTimeoutMs: clickhouse.request_timeout_ms,
    }),
  );
}

/** The signer for checkpoints and bundles; `create` false: undefined when the key does not exist yet. */
export async function signerFor(config: PipelineConfig, create: boolean): Promise<AuditSigner | undefined> {
  const key = create
    ? await loadOrCreateSigningKey(config.signals.keys_dir)
    : await loadExistingSigningKey(config.signals.keys_dir);
  return key && auditSigner(key);
}

export interface PipelineAudit {
  log: AuditLog;
  sink: AuditSink;
  /** Key the checkpoints are signed with (for the API's verify route). */
  publicJwk?: JWK;
  /** Makes appends wait for another connection's open batch (the SQLite store sink) to commit. */
  yieldTo(db: SqliteDatabase): void;
  /** Closes the store (the sink's close has already checkpointed the head). */
  close(): Promise<void>;
}

/**
 * For a running pipeline with a store: opens the chain, records the policy
 * and thresholds when they changed, and returns the log (for API hooks) and
 * the sink (for the engine). Undefined when the pipeline has no store.
 */
export async function openPipelineAudit(
  config: PipelineConfig,
  logger?: Logger,
): Promise<PipelineAudit | undefined> {
  const store = await openAuditStore(config);
  if (!store) return undefined;
  const signer = await signerFor(config, true);
  const log = await AuditLog.open(store, { chain: config.name, signer, logger });
  const recorded = await recordConfigurationIfChanged(log, config);
  logger?.info(
    { chain: log.chain, store: store.name, head_seq: log.headSeq, configuration_changes: recorded.length },
    'audit trail open',
  );
  return {
    log,
    sink: new AuditSink(log),
    publicJwk: signer?.publicJwk,
    yieldTo: (db) => {
      if (store instanceof SqliteAuditStore) store.yieldTo(db);
    },
    close: async () => {
      await log.close();
      await store.close();
    },
  };
}

/**
 * The pipeline's sinks with the audit sink last: the engine flushes sinks in
 * order, so the audit records of a batch are appended after the store sink
 * committed it, and the audit store never waits on the batch's own lock.
 */
export function withAuditSink(sinks: Sink[], audit: PipelineAudit | undefined): Sink[] {
  if (!audit) return sinks;
  for (const sink of sinks) if (sink instanceof SqliteSink) audit.yieldTo(sink.db);
  return [...sinks, audit.sink];
}

/** What the analyst API serves of the trail (routes/audit.ts) and records analyst actions with. */
export interface AuditApi {
  store: AuditStore;
  chain: string;
  publicJwk?: JWK;
  hook: AuditHook;
}

/** The analyst API dependencies with the audit routes and hooks added (unchanged without a trail). */
export function withAuditApi<T extends object>(
  analyst: T | undefined,
  audit: PipelineAudit | undefined,
): (T & { audit?: AuditApi }) | undefined {
  if (!analyst || !audit) return analyst;
  return {
    ...analyst,
    audit: { store: audit.log.store, chain: audit.log.chain, publicJwk: audit.publicJwk, hook: audit.log },
  };
}
