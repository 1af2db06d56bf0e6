/**
 * `vigil identity export ID --pipeline F [--out FILE]` and
 * `vigil identity forget ID --pipeline F [--yes]`: data-subject access and
 * erasure against whatever the pipeline configures (SQLite or ClickHouse
 * store, checkpoints). Forget without `--yes` only reports what it would
 * erase. Run forget while the pipeline is stopped, or through the API of the
 * running engine (`DELETE /api/identities/:id`): a running engine still
 * holds the identity in memory and would write it into its next checkpoint.
 *
 * Never prints the pseudonym key; the erasure record names the identity
 * only by its keyed hash.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AuditLog } from '../audit/log.js';
import { openAuditStore, signerFor } from '../audit/setup.js';
import { applyEnvOverrides } from '../config/env-overrides.js';
import { loadPipeline, type PipelineConfig } from '../config/pipeline.js';
import { clickhouseConnectionOptions } from '../config/production.js';
import {
  auditErasureRecorder,
  type ErasureRecord,
  type ErasureRecorder,
  NdjsonErasureRecorder,
} from '../privacy/erasure-record.js';
import { exportIdentity, type IdentityExport } from '../privacy/export.js';
import { type ForgetTargets, forgetIdentity } from '../privacy/forget.js';
import {
  ClickHouseHoldings,
  DirectoryHoldings,
  type HoldingsReader,
  SqliteHoldings,
} from '../privacy/holdings.js';
import { pseudonymizerFromEnv } from '../privacy/pseudonym.js';
import { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { openSqliteStore, type SqliteDatabase } from '../store/sqlite-database.js';
import { baselineSettings } from './components.js';

export const DEFAULT_ERASURE_LOG = '.vigil/audit/erasures.ndjson';

interface OpenedStores {
  sqlite?: SqliteDatabase;
  clickhouse?: ClickHouseConnection;
  checkpointDirectory?: string;
  close(): Promise<void>;
}

function openStores(config: PipelineConfig): OpenedStores {
  const sqlite = config.sinks.sqlite ? openSqliteStore(config.sinks.sqlite.path) : undefined;
  const ch = config.sinks.clickhouse;
  const clickhouse = ch ? new ClickHouseConnection(clickhouseConnectionOptions(ch)) : undefined;
  const checkpointDirectory = config.checkpoints.store === 'local' ? config.checkpoints.path : undefined;
  return {
    sqlite,
    clickhouse,
    checkpointDirectory,
    close: async () => {
      sqlite?.close();
      await clickhouse?.close();
    },
  };
}

function readersOf(stores: OpenedStores): HoldingsReader[] {
  const readers: HoldingsReader[] = [];
  if (stores.sqlite) readers.push(new SqliteHoldings(stores.sqlite));
  if (stores.clickhouse) readers.push(new ClickHouseHoldings(stores.clickhouse));
  if (stores.checkpointDirectory) readers.push(new DirectoryHoldings(stores.checkpointDirectory));
  return readers;
}

/** The pipeline's audit chain (in its store), when it has one: erasures are recorded there. */
async function openErasureAudit(
  config: PipelineConfig,
): Promise<{ recorder: ErasureRecorder; close(): Promise<void> } | undefined> {
  const store = await openAuditStore(config);
  if (!store) return undefined;
  const log = await AuditLog.open(store, { chain: config.name, signer: await signerFor(config, false) });
  return {
    recorder: auditErasureRecorder(log),
    close: async () => {
      await log.close();
      await store.close();
    },
  };
}

const configOf = (pipeline: string) => applyEnvOverrides(loadPipeline(pipeline), process.env);

export interface ExportCommandOptions {
  pipeline: string;
  out?: string;
  maxEvents?: number;
}

/** Writes the export to `out` (or returns it for stdout). */
export async function identityExportCommand(
  identity: string,
  options: ExportCommandOptions,
): Promise<IdentityExport> {
  const config = configOf(options.pipeline);
  const stores = openStores(config);
  try {
    // With pseudonymisation on, stored rows carry the pseudonym: read those too.
    const aliases = config.privacy.pseudonymize
      ? [pseudonymizerFromEnv(process.env, 'privacy.pseudonymize is on').pseudonym(identity)]
      : [];
    const document = await exportIdentity(identity, {
      readers: readersOf(stores),
      settings: baselineSettings(config),
      maxEvents: options.maxEvents,
      aliases,
    });
    if (options.out) await writeFile(options.out, `${JSON.stringify(document, null, 2)}\n`);
    return document;
  } finally {
    await stores.close();
  }
}

export interface ForgetCommandOptions {
  pipeline: string;
  yes: boolean;
  actor: string;
  /** Where erasure records go when the pipeline has no audit trail (one JSON line each). */
  erasureLog?: string;
  recorder?: ErasureRecorder;
  env?: NodeJS.ProcessEnv;
}

export type ForgetCommandResult =
  | { erased: true; record: ErasureRecord }
  | { erased: false; wouldErase: Record<string, number> };

export async function identityForgetCommand(
  identity: string,
  options: ForgetCommandOptions,
): Promise<ForgetCommandResult> {
  const config = configOf(options.pipeline);
  const pseudonyms = pseudonymizerFromEnv(
    options.env ?? process.env,
    'it keys the erased identity in the audit log',
  );
  const stores = openStores(config);
  try {
    if (!options.yes) {
      const found = await exportIdentity(identity, {
        readers: readersOf(stores),
        settings: baselineSettings(config),
      });
      return {
        erased: false,
        wouldErase: {
          state_entries: found.state.length,
          alerts: found.alerts.length,
          decisions: found.decisions.length,
          signals: found.signals.length,
          feedback: found.feedback.length,
          risk_snapshots: found.risk_snapshots.length,
          events: found.events.count,
        },
      };
    }
    const targets: ForgetTargets = {
      sqlite: stores.sqlite,
      clickhouse: stores.clickhouse,
      checkpointDirectory: stores.checkpointDirectory,
    };
    const audit = options.recorder ? undefined : await openErasureAudit(config);
    try {
      const record = await forgetIdentity(identity, targets, {
        recorder:
          options.recorder ??
          audit?.recorder ??
          new NdjsonErasureRecorder(options.erasureLog ?? DEFAULT_ERASURE_LOG),
        pseudonyms,
        actor: options.actor,
      });
      return { erased: true, record };
    } finally {
      await audit?.close();
    }
  } finally {
    await stores.close();
  }
}

/** Adds `vigil identity export|forget` to the program; `setExitCode` reports a refused forget (2). */
export function registerIdentityCommands(program: Command, setExitCode: (code: number) => void): void {
  const identity = program
    .command('identity')
    .description('privacy operations on one identity: export what Vigil holds, or forget it');
  identity
    .command('export <id>')
    .description(
      'write everything held about the identity (baseline, model state, risk, alerts, decisions) as JSON',
    )
    .requiredOption('--pipeline <file>', 'pipeline YAML (its store and checkpoints are read)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--max-events <n>', 'scored events included (newest first; the total is always counted)', (v) =>
      Number.parseInt(v, 10),
    )
    .action(async (id: string, o) => {
      const document = await identityExportCommand(id, {
        pipeline: o.pipeline,
        out: o.out,
        maxEvents: o.maxEvents,
      });
      if (!o.out) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      else process.stderr.write(`vigil: export written to ${o.out}\n`);
    });
  identity
    .command('forget <id>')
    .description(
      'erase the identity from state, store and checkpoints, and record the erasure (needs VIGIL_PSEUDONYM_KEY)',
    )
    .requiredOption('--pipeline <file>', 'pipeline YAML (its store and checkpoints are changed)')
    .option('--yes', 'really erase (without it, only report what would be erased)')
    .option('--actor <name>', 'who asks, for the audit record', `cli:${process.env.USER ?? 'unknown'}`)
    .option('--erasure-log <file>', 'erasure records (JSON lines)', DEFAULT_ERASURE_LOG)
    .action(async (id: string, o) => {
      const result = await identityForgetCommand(id, {
        pipeline: o.pipeline,
        yes: o.yes === true,
        actor: o.actor,
        erasureLog: o.erasureLog,
      });
      if (result.erased) {
        process.stdout.write(`${JSON.stringify(result.record)}\n`);
        return;
      }
      process.stdout.write(`${JSON.stringify({ would_erase: result.wouldErase })}\n`);
      process.stderr.write('vigil: nothing erased; run again with --yes to erase\n');
      setExitCode(2);
    });
}
