import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { openPipelineAudit, signerFor, withAuditSink } from '../../src/audit/setup.js';
import { SqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { recordsOf } from '../../src/audit/store.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { auditVerify } from '../../src/cli/audit.js';
import { baselineSettings, buildEngine } from '../../src/cli/components.js';
import { loadPipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import {
  auditErasureRecorder,
  type ErasureRecord,
  type ErasureRecorder,
} from '../../src/privacy/erasure-record.js';
import { exportIdentity } from '../../src/privacy/export.js';
import { forgetIdentity } from '../../src/privacy/forget.js';
import { DirectoryHoldings, SqliteHoldings } from '../../src/privacy/holdings.js';
import { mentions } from '../../src/privacy/mentions.js';
import { Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { LocalDirectoryCheckpointStore } from '../../src/store/checkpoint-store.js';
import { SqliteCheckpointStore } from '../../src/store/sqlite-checkpoints.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';
import { MemorySource } from '../support/memory.js';
import { simulatedLines } from '../support/services-clients.js';

const config = loadPipeline('pipelines/embedded.yaml');
const settings = baselineSettings(config);
const KEY = 'test-pseudonym-key-0123456789abcdef';

/** Records through the audit chain's recorder and keeps what it was given. */
class KeepingRecorder implements ErasureRecorder {
  readonly records: ErasureRecord[] = [];
  constructor(private readonly inner: ErasureRecorder) {}
  get auditChain() {
    return this.inner.auditChain;
  }
  async recordErasure(record: ErasureRecord): Promise<void> {
    this.records.push(record);
    await this.inner.recordErasure(record);
  }
}

/** Audit records whose subject is the identity or whose subject or payload mention it. */
const naming = (records: readonly AuditRecord[], identity: string) =>
  records.filter(
    (r) =>
      r.subject === identity ||
      mentions(r.subject, identity) ||
      mentions(JSON.stringify(r.payload), identity),
  );

async function chainRecords(dbPath: string): Promise<AuditRecord[]> {
  const store = new SqliteAuditStore(dbPath);
  try {
    const records: AuditRecord[] = [];
    for await (const record of recordsOf(store, 'test')) records.push(record);
    return records;
  } finally {
    await store.close();
  }
}

/** Every text value of every table of the SQLite file that contains `needle` (as a substring), as table names. */
function tablesContaining(db: SqliteDatabase, needle: string): string[] {
  const found: string[] = [];
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
    name: string;
  }[];
  for (const { name } of tables) {
    const columns = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
    for (const column of columns) {
      const row = db
        .prepare(`SELECT count(*) AS n FROM "${name}" WHERE instr(CAST("${column.name}" AS TEXT), ?) > 0`)
        .get(needle) as { n: number };
      if (row.n > 0) found.push(`${name}.${column.name}`);
    }
  }
  return found;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('forget an identity (embedded SQLite store, checkpoints)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-privacy-'));
  const dbPath = join(directory, 'vigil.db');
  const checkpointDir = join(directory, 'checkpoints');
  const pipelinePath = join(directory, 'pipeline.yaml');
  let target = '';
  let bystander = '';
  let withDecisions = '';
  let exportedBefore: Awaited<ReturnType<typeof exportIdentity>>;
  let otherEventsBefore = 0;
  let recorder: KeepingRecorder;
  let record: ErasureRecord;
  /** Seqs of the audit records that named the target before forget. */
  let auditSeqsBefore: number[] = [];
  let auditRecordsBefore = 0;

  beforeAll(async () => {
    // The audit trail's pipeline: the same store, a chain named `test`, checkpoints signed with its key.
    writeFileSync(
      pipelinePath,
      [
        'name: test',
        'source: { type: file, path: unused }',
        `sinks: { sqlite: { type: sqlite, path: ${JSON.stringify(dbPath)} } }`,
        `signals: { keys_dir: ${JSON.stringify(join(directory, 'keys'))} }`,
      ].join('\n'),
    );
    const auditConfig = loadPipeline(pipelinePath);
    const { lines } = simulatedLines(4000, 7);
    const engine = buildEngine({ ...config, source: { type: 'file', path: 'unused', format: 'canonical' } });
    // As `vigil run` wires it: decisions and signals go to the audit chain after the store sink.
    const audit = await openPipelineAudit(auditConfig);
    await runPipeline(
      new MemorySource(lines),
      engine.processor,
      withAuditSink([new SqliteSink({ path: dbPath, pipeline: 'test' })], audit),
      {
        maxBatchRecords: 500,
        maxWaitMs: 0,
      },
    );
    await audit?.close();
    const db = openSqliteStore(dbPath);
    // The target: an identity named in another identity's password-spray alert, so forget must also redact…
    const sprayAlert = db
      .prepare("SELECT identity, evidence FROM alerts WHERE detector = 'password_spray'")
      .get() as {
      identity: string;
      evidence: string;
    };
    const targets = (JSON.parse(sprayAlert.evidence).targeted_identities as string[]).filter(
      (name) => name !== sprayAlert.identity,
    );
    // …and one with decisions of its own, so the audit chain names it as subject too.
    const decided = db.prepare('SELECT 1 FROM decisions WHERE identity = ? LIMIT 1');
    target = targets.find((name) => decided.get(name) !== undefined) ?? '';
    expect(target).not.toBe('');
    bystander = sprayAlert.identity;
    withDecisions = (
      db
        .prepare('SELECT identity FROM decisions GROUP BY identity ORDER BY count(*) DESC, identity LIMIT 1')
        .get() as {
        identity: string;
      }
    ).identity;
    // A malformed record naming the target becomes a dead letter with the raw payload.
    const bad = JSON.stringify({ kind: 'auth', identity: target, time: 'not a time' });
    await runPipeline(
      new MemorySource([bad]),
      engine.processor,
      [new SqliteSink({ path: dbPath, pipeline: 'test' })],
      {
        maxBatchRecords: 10,
        maxWaitMs: 0,
      },
    );
    // Feedback on the bystander's alert whose note names the target.
    db.prepare(
      `INSERT INTO feedback (id, time, time_ms, alert_id, verdict, note, author)
       SELECT 'fb-1', time, time_ms, id, 'false_positive', 'checked with ' || ?, 'analyst' FROM alerts WHERE identity = ? LIMIT 1`,
    ).run(target, bystander);
    // Checkpoints as the partitioned runner writes them: the engine's whole state, in both embedded stores.
    const state = engine.store.snapshot();
    const sqliteCheckpoints = new SqliteCheckpointStore(dbPath, 'test');
    await sqliteCheckpoints.save(
      { source: 'auth-events', partition: 0 },
      { offset: '4001', state, savedAtMs: 1000 },
    );
    await sqliteCheckpoints.close();
    const local = new LocalDirectoryCheckpointStore(checkpointDir, 'test');
    await local.save({ source: 'auth-events', partition: 3 }, { offset: '4001', state, savedAtMs: 1000 });
    otherEventsBefore = (
      db.prepare('SELECT count(*) AS n FROM events WHERE identity = ?').get(bystander) as { n: number }
    ).n;
    exportedBefore = await exportIdentity(withDecisions, {
      readers: [new SqliteHoldings(db), new DirectoryHoldings(checkpointDir)],
      settings,
    });
    db.close();
    // Preconditions: the target is everywhere we will look, and no other name contains it.
    expect(JSON.stringify(state)).toContain(target);
    expect(state.identities.some((row) => row.identity !== target && row.identity.includes(target))).toBe(
      false,
    );
    expect(readFileSync(dbPath).includes(target) || readFileSync(`${dbPath}-wal`).includes(target)).toBe(
      true,
    );

    // The audit chain names the target (its decisions and signals, and others' decisions mentioning it).
    const before = await chainRecords(dbPath);
    auditRecordsBefore = before.length;
    auditSeqsBefore = naming(before, target).map((r) => r.seq);
    expect(auditSeqsBefore.length).toBeGreaterThan(0);
    expect((await auditVerify(pipelinePath)).ok).toBe(true);

    const forgetDb = openSqliteStore(dbPath);
    const auditStore = new SqliteAuditStore(forgetDb);
    const log = await AuditLog.open(auditStore, {
      chain: 'test',
      signer: await signerFor(auditConfig, false),
    });
    recorder = new KeepingRecorder(auditErasureRecorder(log));
    record = await forgetIdentity(
      target,
      { sqlite: forgetDb, checkpointDirectory: checkpointDir },
      { recorder, pseudonyms: new Pseudonymizer(KEY), actor: 'cli:test', now: () => Date.UTC(2026, 10, 25) },
    );
    await log.close();
    forgetDb.close();
  }, 120_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('leaves no row in any table, in any text column, that contains the identity', () => {
    const db = openSqliteStore(dbPath);
    try {
      expect(tablesContaining(db, target)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('erases the audit records naming it, lists them in the erasure record, and the chain still verifies', async () => {
    const after = await chainRecords(dbPath);
    expect(after).toHaveLength(auditRecordsBefore + 1);
    expect(naming(after, target)).toEqual([]);
    expect(after.filter((r) => r.erased).map((r) => r.seq)).toEqual(auditSeqsBefore);
    expect(record.erased_seqs).toEqual(auditSeqsBefore);
    const erasure = after.at(-1);
    expect(erasure).toMatchObject({ kind: 'erasure', subject: record.subject_hash, erased: false });
    expect(erasure?.payload.erased_seqs).toEqual(auditSeqsBefore);
    expect(JSON.stringify(erasure)).not.toContain(target);
    const report = await auditVerify(pipelinePath);
    expect(report.broken).toBeUndefined();
    expect(report).toMatchObject({ ok: true, records: auditRecordsBefore + 1, unattested: 0 });
    expect(Object.keys(record.counts).filter((key) => key.startsWith('residual.'))).toEqual([]);
    expect(record.counts['sqlite.audit.erased']).toBe(auditSeqsBefore.length);
  });

  it('leaves no byte sequence of the identity in the database file or its write-ahead log', () => {
    for (const file of filesUnder(directory).filter((f) => f.startsWith(dbPath))) {
      expect(readFileSync(file).includes(Buffer.from(target)), file).toBe(false);
    }
  });

  it('leaves no trace in the checkpoint files, and a fresh restore knows nothing of the identity', async () => {
    for (const file of filesUnder(checkpointDir)) expect(readFileSync(file, 'utf8')).not.toContain(target);
    for (const checkpoints of [
      new LocalDirectoryCheckpointStore(checkpointDir, 'test'),
      new SqliteCheckpointStore(dbPath, 'test'),
    ]) {
      const partition = checkpoints instanceof SqliteCheckpointStore ? 0 : 3;
      const loaded = await checkpoints.load({ source: 'auth-events', partition });
      await checkpoints.close();
      expect(loaded).toBeDefined();
      const restored = new StateStore(settings);
      restored.restore(loaded!.state);
      expect(restored.get(target)).toBeUndefined();
      expect(restored.get(bystander)).toBeDefined();
      expect(JSON.stringify(restored.snapshot())).not.toContain(target);
      expect(restored.size).toBeGreaterThan(40);
    }
  });

  it("keeps other identities' data, with the mention in their alert redacted", () => {
    const db = openSqliteStore(dbPath);
    try {
      const events = db.prepare('SELECT count(*) AS n FROM events WHERE identity = ?').get(bystander) as {
        n: number;
      };
      expect(events.n).toBe(otherEventsBefore);
      const spray = db.prepare("SELECT evidence FROM alerts WHERE detector = 'password_spray'").get() as {
        evidence: string;
      };
      const targets = JSON.parse(spray.evidence).targeted_identities as string[];
      expect(targets).toContain('[erased]');
      expect(targets).toContain(bystander);
      const note = db.prepare("SELECT note FROM feedback WHERE id = 'fb-1'").get() as { note: string };
      expect(note.note).toBe('checked with [erased]');
    } finally {
      db.close();
    }
  });

  it('records the erasure with a keyed hash and counts, never the identity', () => {
    expect(recorder.records).toEqual([record]);
    expect(JSON.stringify(record)).not.toContain(target);
    expect(record.subject_hash).toBe(new Pseudonymizer(KEY).pseudonym(target));
    expect(record.actor).toBe('cli:test');
    expect(record.time).toBe('2026-11-25T00:00:00.000Z');
    expect(record.counts['sqlite.events']).toBeGreaterThan(0);
    expect(record.counts['sqlite.dead_letters']).toBe(1);
    expect(record.counts['sqlite.alerts.redacted']).toBeGreaterThanOrEqual(1);
    expect(record.counts['sqlite.checkpoints.identities']).toBe(1);
    expect(record.counts['checkpoints.identities']).toBe(1);
  });

  it('exported, before forgetting, the baseline, alerts and decisions of an identity', () => {
    const exported = exportedBefore;
    expect(exported.identity).toBe(withDecisions);
    expect(exported.decisions.length).toBeGreaterThan(0);
    expect(exported.decisions.every((d) => d.identity === withDecisions)).toBe(true);
    expect(exported.alerts.length).toBeGreaterThan(0);
    expect(exported.alerts.every((a) => a.identity === withDecisions)).toBe(true);
    // One state entry per checkpoint holding it (SQLite row and local file).
    expect(exported.state.map((s) => s.where).sort()).toEqual(['directory', 'sqlite']);
    const baseline = exported.state[0].baseline;
    expect(baseline.events).toBeGreaterThan(0);
    expect(baseline.hours_of_day_utc.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    expect(Object.values(baseline.known).some((values) => values.length > 0)).toBe(true);
    expect(exported.state[0].raw.identity).toBe(withDecisions);
    expect(exported.events.count).toBeGreaterThan(0);
    expect(exported.events.items.every((e) => e.identity === withDecisions)).toBe(true);
  });
});
