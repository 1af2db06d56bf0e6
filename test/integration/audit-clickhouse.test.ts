import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundleText } from '../../src/audit/bundle.js';
import { ClickHouseAuditStore } from '../../src/audit/clickhouse-store.js';
import { AuditLog } from '../../src/audit/log.js';
import { openPipelineAudit, signerFor, withAuditSink } from '../../src/audit/setup.js';
import { recordsOf } from '../../src/audit/store.js';
import { verifyChain } from '../../src/audit/verify.js';
import { auditExport, auditVerify } from '../../src/cli/audit.js';
import { buildEngine, buildSinks } from '../../src/cli/components.js';
import { loadPipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import type { ClickHouseConnection } from '../../src/store/clickhouse-connection.js';
import { clickhouseDateTime } from '../../src/store/clickhouse-migrations.js';
import { MemorySource } from '../support/memory.js';
import {
  clickhouse,
  clickhouseUrl,
  freshDatabase,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';

const CHAIN = 'audit-ch';
const RECORD_COLUMNS =
  'chain, seq, time, time_ms, kind, actor, subject, ref, payload, content_digest, erased, prev_hash, hash';

describe.skipIf(!servicesAvailable())('the audit trail in ClickHouse', () => {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-audit-ch-'));
  const database = freshDatabase('audit');
  const pipelinePath = join(directory, 'pipeline.yaml');
  const connections: ClickHouseConnection[] = [];
  const connect = (name: string) => {
    const connection = clickhouse(name);
    connections.push(connection);
    return connection;
  };
  afterAll(async () => {
    for (const connection of connections) await connection.close();
  });

  /** Verifies a copy of the chain in a fresh database, made by `select` (a SELECT over the original's rows). */
  async function verifyCopy(select: string) {
    const copyName = freshDatabase('audit_copy');
    const copy = await ClickHouseAuditStore.open(connect(copyName));
    const source = connect(database);
    await source.command(`INSERT INTO ${copyName}.audit (${RECORD_COLUMNS}) ${select}`);
    await source.command(`INSERT INTO ${copyName}.audit_checkpoints SELECT * FROM {db}.audit_checkpoints`);
    const signer = await signerFor(loadPipeline(pipelinePath), false);
    return verifyChain({
      chain: CHAIN,
      records: recordsOf(copy, CHAIN),
      checkpoints: await copy.checkpoints(CHAIN),
      publicJwk: signer?.publicJwk,
    });
  }

  it('records a pipeline run through the ClickHouse sink, and verifies it', async () => {
    writeFileSync(
      pipelinePath,
      JSON.stringify({
        name: CHAIN,
        source: { type: 'file', path: 'unused', format: 'canonical' },
        sinks: { clickhouse: { type: 'clickhouse', url: clickhouseUrl(), database } },
        signals: { keys_dir: join(directory, 'keys'), outbox_dir: join(directory, 'outbox') },
      }),
    );
    const config = loadPipeline(pipelinePath);
    const audit = await openPipelineAudit(config);
    expect(audit).toBeDefined();
    const { lines } = simulatedLines(6000);
    await runPipeline(
      new MemorySource(lines),
      buildEngine(config).processor,
      withAuditSink(buildSinks(config), audit),
      {
        maxBatchRecords: 500,
        maxWaitMs: 0,
      },
    );
    await audit?.close();
    const report = await auditVerify(pipelinePath);
    expect(report).toMatchObject({ ok: true, first_seq: 1, unattested: 0 });
    expect(report.records).toBeGreaterThan(20);
    const tables = await connect(database).select<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'audit%' ORDER BY name",
      { db: database },
    );
    expect(tables.map((t) => t.name)).toEqual(['audit', 'audit_checkpoints']);
  }, 120_000);

  it('skips decisions and signals a replay repeats', async () => {
    const config = loadPipeline(pipelinePath);
    const before = (await auditVerify(pipelinePath)).records;
    const audit = await openPipelineAudit(config);
    const { lines } = simulatedLines(6000);
    await runPipeline(new MemorySource(lines), buildEngine(config).processor, withAuditSink([], audit), {
      maxBatchRecords: 500,
      maxWaitMs: 0,
    });
    await audit?.close();
    expect(audit?.log.duplicatesSkipped).toBe(before - 2);
    expect((await auditVerify(pipelinePath)).records).toBe(before);
  }, 120_000);

  it('names a record overwritten in place (same chain and seq, other content)', async () => {
    const connection = connect(database);
    const store = await ClickHouseAuditStore.open(connect(database));
    const [victim] = await store.records(CHAIN, 9, 1);
    await connection.insert('audit', [
      {
        ...victim,
        time: clickhouseDateTime(victim.time),
        time_ms: victim.time,
        payload: JSON.stringify({ ...victim.payload, rule: 'nothing to see' }),
      },
    ]);
    const report = await auditVerify(pipelinePath);
    expect(report.broken).toMatchObject({ problem: 'modified', seq: 9 });
    // Put it back (the newest row for a key wins under FINAL).
    await connection.insert('audit', [
      {
        ...victim,
        time: clickhouseDateTime(victim.time),
        time_ms: victim.time,
        payload: JSON.stringify(victim.payload),
      },
    ]);
    expect((await auditVerify(pipelinePath)).ok).toBe(true);
  });

  it('names a deleted record and an inserted one', async () => {
    const deleted = await verifyCopy(`SELECT ${RECORD_COLUMNS} FROM {db}.audit FINAL WHERE seq != 6`);
    expect(deleted.broken).toMatchObject({ problem: 'deleted', seq: 6 });
    const inserted = await verifyCopy(
      `SELECT chain, if(seq >= 4, seq + 1, seq) AS seq, time, time_ms, kind, actor, subject, ref, payload,
              content_digest, erased, prev_hash, hash
       FROM {db}.audit FINAL
       UNION ALL
       SELECT chain, 4, time, time_ms, 'manual_reset', 'admin', subject, 'forged', payload, content_digest, erased,
              prev_hash, hash
       FROM {db}.audit FINAL WHERE seq = 3`,
    );
    expect(inserted.broken).toMatchObject({ problem: 'inserted', seq: 4 });
  });

  it('exports a bundle that verifies offline', async () => {
    const out = join(directory, 'bundle.json');
    const result = await auditExport({ pipeline: pipelinePath, fromMs: 0, toMs: Date.now() + 60_000, out });
    expect(result.records).toBeGreaterThan(20);
    expect(await verifyBundleText(readFileSync(out, 'utf8'))).toMatchObject({ ok: true });
  });

  it('opens a chain again where it ended', async () => {
    const store = await ClickHouseAuditStore.open(connect(database));
    const head = await store.head(CHAIN);
    const log = await AuditLog.open(store, { chain: CHAIN });
    expect(log.headSeq).toBe(head?.seq);
    const [record] = await log.append([
      { kind: 'feedback', actor: 'analyst', subject: 'u', payload: { x: 1 } },
    ]);
    expect(record).toMatchObject({ seq: (head?.seq ?? 0) + 1, prev_hash: head?.hash });
  });
});
