import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClickHouseAuditStore } from '../../src/audit/clickhouse-store.js';
import { AuditLog } from '../../src/audit/log.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { openPipelineAudit, signerFor, withAuditSink } from '../../src/audit/setup.js';
import { recordsOf } from '../../src/audit/store.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { auditVerify } from '../../src/cli/audit.js';
import { baselineSettings, buildEngine } from '../../src/cli/components.js';
import { loadPipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { waitForMutations } from '../../src/privacy/clickhouse-forget.js';
import { auditErasureRecorder, type ErasureRecord } from '../../src/privacy/erasure-record.js';
import { exportIdentity } from '../../src/privacy/export.js';
import { forgetIdentity } from '../../src/privacy/forget.js';
import { ClickHouseHoldings } from '../../src/privacy/holdings.js';
import { mentions } from '../../src/privacy/mentions.js';
import { Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { ClickHouseCheckpointStore } from '../../src/store/clickhouse-checkpoints.js';
import type { ClickHouseConnection } from '../../src/store/clickhouse-connection.js';
import { MemorySource } from '../support/memory.js';
import {
  clickhouse,
  clickhouseUrl,
  freshDatabase,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';

const config = loadPipeline('pipelines/embedded.yaml');

/** `table.column` of every String or Array(String) column in the database that contains `needle`. */
async function columnsContaining(connection: ClickHouseConnection, needle: string): Promise<string[]> {
  const columns = await connection.select<{ table: string; name: string; type: string }>(
    `SELECT table, name, type FROM system.columns
     WHERE database = {database:String} AND (type = 'String' OR type = 'Array(String)')`,
    { database: connection.database },
  );
  const found: string[] = [];
  for (const column of columns) {
    const text = column.type === 'String' ? column.name : `arrayStringConcat(${column.name}, ' ')`;
    const rows = await connection.select<{ n: string | number }>(
      `SELECT count() AS n FROM {db}.${column.table} WHERE position(${text}, {needle:String}) > 0`,
      { needle },
    );
    if (Number(rows[0]?.n) > 0) found.push(`${column.table}.${column.name}`);
  }
  return found;
}

/** Audit records whose subject is the identity or whose subject or payload mention it. */
const naming = (records: readonly AuditRecord[], identity: string) =>
  records.filter(
    (r) =>
      r.subject === identity ||
      mentions(r.subject, identity) ||
      mentions(JSON.stringify(r.payload), identity),
  );

async function chainRecords(database: string, chain: string): Promise<AuditRecord[]> {
  const store = await ClickHouseAuditStore.open(clickhouse(database));
  try {
    const records: AuditRecord[] = [];
    for await (const record of recordsOf(store, chain)) records.push(record);
    return records;
  } finally {
    await store.close();
  }
}

describe.skipIf(!servicesAvailable())('forget an identity (ClickHouse store and checkpoints)', () => {
  const closers: (() => Promise<void>)[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'vigil-privacy-ch-'));
  afterAll(async () => {
    for (const close of closers) await close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('deletes its rows, redacts its mentions, rewrites checkpoints, and waits for the mutations', async () => {
    const database = freshDatabase('privacy');
    // The audit trail, as `vigil run` wires it: chain `test` in the same database, after the store sink.
    const pipelinePath = join(directory, 'pipeline.yaml');
    writeFileSync(
      pipelinePath,
      JSON.stringify({
        name: 'test',
        source: { type: 'file', path: 'unused', format: 'canonical' },
        sinks: { clickhouse: { type: 'clickhouse', url: clickhouseUrl(), database } },
        signals: { keys_dir: join(directory, 'keys') },
      }),
    );
    const auditConfig = loadPipeline(pipelinePath);
    const audit = await openPipelineAudit(auditConfig);
    const { lines } = simulatedLines(4000, 7);
    const engine = buildEngine({ ...config, source: { type: 'file', path: 'unused', format: 'canonical' } });
    await runPipeline(
      new MemorySource(lines),
      engine.processor,
      withAuditSink(
        [new ClickHouseSink({ url: clickhouseUrl(), database, pipeline: 'test', maxRetryMs: 10_000 })],
        audit,
      ),
      { maxBatchRecords: 500, maxWaitMs: 0 },
    );
    await audit?.close();
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const checkpoints = new ClickHouseCheckpointStore(clickhouse(database), 'test');
    const ref = { source: 'auth-events', partition: 2 };
    // Two saves, as a running pipeline makes: the older row holds the identity too.
    await checkpoints.save(ref, { offset: '2000', state: engine.store.snapshot(), savedAtMs: 1000 });
    await checkpoints.save(ref, { offset: '4000', state: engine.store.snapshot(), savedAtMs: 2000 });

    const spray = (
      await connection.select<{ identity: string; evidence: string }>(
        "SELECT identity, evidence FROM {db}.alerts FINAL WHERE detector = 'password_spray'",
      )
    )[0];
    const bystander = spray.identity;
    // A targeted identity with decisions of its own, so the audit chain names it as subject too.
    const decided = new Set(
      (
        await connection.select<{ identity: string }>('SELECT DISTINCT identity FROM {db}.decisions FINAL')
      ).map((row) => row.identity),
    );
    const target = (JSON.parse(spray.evidence).targeted_identities as string[]).find(
      (n) => n !== bystander && decided.has(n),
    )!;
    expect(target).toBeDefined();
    const auditBefore = await chainRecords(database, 'test');
    const namingBefore = naming(auditBefore, target).map((r) => r.seq);
    expect(namingBefore.length).toBeGreaterThan(0);
    expect(await columnsContaining(connection, target)).toContain('audit.subject');
    expect((await auditVerify(pipelinePath)).ok).toBe(true);
    const eventsOf = async (identity: string) =>
      Number(
        (
          await connection.select<{ n: string }>(
            'SELECT count() AS n FROM {db}.events FINAL WHERE identity = {identity:String}',
            { identity },
          )
        )[0].n,
      );
    const bystanderEvents = await eventsOf(bystander);
    expect(await eventsOf(target)).toBeGreaterThan(0);
    expect(await columnsContaining(connection, target)).toContain('checkpoints.state');
    const exported = await exportIdentity(target, {
      readers: [new ClickHouseHoldings(connection)],
      settings: baselineSettings(config),
    });
    expect(exported.state).toHaveLength(1);
    expect(exported.state[0].baseline.events).toBeGreaterThan(0);
    expect(exported.events.count).toBe(await eventsOf(target));

    const records: ErasureRecord[] = [];
    const auditStore = await ClickHouseAuditStore.open(clickhouse(database));
    closers.push(() => auditStore.close());
    const log = await AuditLog.open(auditStore, {
      chain: 'test',
      signer: await signerFor(auditConfig, false),
    });
    const inner = auditErasureRecorder(log);
    const record = await forgetIdentity(
      target,
      { clickhouse: connection },
      {
        recorder: {
          auditChain: inner.auditChain,
          recordErasure: async (r) => {
            records.push(r);
            await inner.recordErasure(r);
          },
        },
        pseudonyms: new Pseudonymizer('integration-test-key-0123456789'),
        actor: 'cli:test',
      },
    );
    await log.close();

    // No mutation is pending when forget returns, and no column anywhere holds the name.
    const pending = await connection.select<{ n: string }>(
      'SELECT count() AS n FROM system.mutations WHERE database = {database:String} AND is_done = 0',
      { database },
    );
    expect(Number(pending[0].n)).toBe(0);
    expect(await columnsContaining(connection, target)).toEqual([]);
    expect(await eventsOf(bystander)).toBe(bystanderEvents);
    const sprayAfter = await connection.select<{ evidence: string }>(
      "SELECT evidence FROM {db}.alerts FINAL WHERE detector = 'password_spray'",
    );
    expect(sprayAfter).toHaveLength(1);
    expect(JSON.parse(sprayAfter[0].evidence).targeted_identities).toContain('[erased]');

    const loaded = await checkpoints.load(ref);
    await checkpoints.close();
    const restored = new StateStore(baselineSettings(config));
    restored.restore(loaded!.state);
    expect(restored.get(target)).toBeUndefined();
    expect(restored.get(bystander)).toBeDefined();
    expect(loaded!.offset).toBe('4000');

    expect(records).toEqual([record]);
    expect(JSON.stringify(record)).not.toContain(target);
    expect(record.counts['clickhouse.events']).toBeGreaterThan(0);
    expect(record.counts['clickhouse.alerts.redacted']).toBeGreaterThanOrEqual(1);
    expect(record.counts['clickhouse.checkpoints.identities']).toBe(1);

    // The audit chain: the records naming it erased in place, listed by the erasure record, and it verifies.
    const auditAfter = await chainRecords(database, 'test');
    expect(auditAfter).toHaveLength(auditBefore.length + 1);
    expect(naming(auditAfter, target)).toEqual([]);
    expect(auditAfter.filter((r) => r.erased).map((r) => r.seq)).toEqual(namingBefore);
    expect(record.erased_seqs).toEqual(namingBefore);
    expect(auditAfter.at(-1)).toMatchObject({ kind: 'erasure', subject: record.subject_hash });
    expect(auditAfter.at(-1)?.payload.erased_seqs).toEqual(namingBefore);
    // One row per erased record on disk (the old copy deleted, not just shadowed under FINAL).
    const rows = await connection.select<{ n: string }>(
      "SELECT count() AS n FROM {db}.audit WHERE chain = 'test'",
    );
    expect(Number(rows[0].n)).toBe(auditBefore.length + 1);
    const report = await auditVerify(pipelinePath);
    expect(report.broken).toBeUndefined();
    expect(report).toMatchObject({ ok: true, records: auditBefore.length + 1, unattested: 0 });
    expect(Object.keys(record.counts).filter((key) => key.startsWith('residual.'))).toEqual([]);
  }, 180_000);

  it('applies retention per table on a server without TTL by deleting expired rows', async () => {
    const database = freshDatabase('retention');
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    // Events from January 2026: older than a week, younger than ten years.
    const { lines } = simulatedLines(1500, 3);
    const sink = new ClickHouseSink({
      url: clickhouseUrl(),
      database,
      pipeline: 'test',
      maxRetryMs: 10_000,
      retentionByTable: { events: 7, alerts: 3650 },
    });
    const engine = buildEngine({ ...config, source: { type: 'file', path: 'unused', format: 'canonical' } });
    await runPipeline(new MemorySource(lines), engine.processor, [sink], {
      maxBatchRecords: 5000,
      maxWaitMs: 0,
    });
    expect((await connection.capabilities()).ttl).toBe(false);
    await waitForMutations(connection);
    const countOf = async (table: string) =>
      Number((await connection.select<{ n: string }>(`SELECT count() AS n FROM {db}.${table}`))[0].n);
    expect(await countOf('events')).toBe(0);
    expect(await countOf('alerts')).toBeGreaterThan(0);
    expect(await countOf('identity_risk')).toBeGreaterThan(0);
  }, 120_000);
});
