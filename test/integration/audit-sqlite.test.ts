import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyBundleText } from '../../src/audit/bundle.js';
import { openPipelineAudit, withAuditSink } from '../../src/audit/setup.js';
import { auditExport, auditVerify } from '../../src/cli/audit.js';
import { buildEngine, buildSinks, buildSource } from '../../src/cli/components.js';
import { main } from '../../src/cli/main.js';
import { loadPipeline, type PipelineConfig } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { simulate } from '../../src/simulator/index.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';

const directory = mkdtempSync(join(tmpdir(), 'vigil-audit-sqlite-'));
const pipelinePath = join(directory, 'pipeline.yaml');
const databasePath = join(directory, 'vigil.db');

/** Runs the pipeline file's input through engine → SQLite store sink → audit sink, as `vigil run` wires them. */
async function runOnce(config: PipelineConfig): Promise<void> {
  const audit = await openPipelineAudit(config);
  const engine = buildEngine(config);
  await runPipeline(buildSource(config), engine.processor, withAuditSink(buildSinks(config), audit), {
    maxBatchRecords: 500,
    maxWaitMs: 0,
  });
  await audit?.close();
}

const rows = (db: SqliteDatabase) =>
  db.prepare('SELECT seq, kind, ref, hash FROM audit WHERE chain = ? ORDER BY seq').all('audit-it') as {
    seq: number;
    kind: string;
    ref: string;
    hash: string;
  }[];

/** Runs `fn` against the database, then puts the audit table back as it was. */
function tampered(fn: (db: SqliteDatabase) => void): () => void {
  const db = openSqliteStore(databasePath);
  db.exec('CREATE TEMP TABLE saved AS SELECT * FROM audit');
  fn(db);
  return () => {
    db.exec('DELETE FROM audit; INSERT INTO audit SELECT * FROM saved; DROP TABLE saved');
    db.close();
  };
}

describe('the audit trail in the embedded store', () => {
  let config: PipelineConfig;
  beforeAll(async () => {
    const input = join(directory, 'events.ndjson');
    const lines = [...simulate({ seed: 7, events: 6000 })].map((s) => JSON.stringify(s.event));
    writeFileSync(input, `${lines.join('\n')}\n`);
    writeFileSync(
      pipelinePath,
      JSON.stringify({
        name: 'audit-it',
        source: { type: 'file', path: input, format: 'canonical' },
        sinks: { sqlite: { type: 'sqlite', path: databasePath } },
        signals: { keys_dir: join(directory, 'keys'), outbox_dir: join(directory, 'outbox') },
      }),
    );
    config = loadPipeline(pipelinePath);
    await runOnce(config);
  }, 60_000);
  afterAll(() => vi.restoreAllMocks());

  it('holds the policy, thresholds, decisions and signals of a run, and verifies', async () => {
    const db = openSqliteStore(databasePath);
    const kinds = new Set(rows(db).map((r) => r.kind));
    db.close();
    expect([...kinds].sort()).toEqual(['decision', 'policy_change', 'signal', 'threshold_change']);
    const report = await auditVerify(pipelinePath);
    expect(report).toMatchObject({ ok: true, unattested: 0 });
    expect(report.checkpoints.valid).toBeGreaterThan(0);
  });

  it('adds nothing when the same input is replayed (a restart from scratch)', async () => {
    const db = openSqliteStore(databasePath);
    const before = rows(db);
    await runOnce(config);
    expect(rows(db)).toEqual(before);
    db.close();
  });

  it('names the record an SQL UPDATE changed, one a DELETE removed, and one an INSERT slipped in', async () => {
    const cases: [string, (db: SqliteDatabase) => void, { problem: string; seq: number }][] = [
      [
        'update',
        (db) => db.prepare('UPDATE audit SET payload = \'{"rule":"nothing to see"}\' WHERE seq = 7').run(),
        { problem: 'modified', seq: 7 },
      ],
      [
        'delete',
        (db) => db.prepare('DELETE FROM audit WHERE seq = 12').run(),
        { problem: 'deleted', seq: 12 },
      ],
      [
        'insert',
        (db) => {
          // Make room at seq 5 the way SQL allows (renumber the rest up), then put a copy of record 4 there.
          db.exec(
            'UPDATE audit SET seq = -seq - 1 WHERE seq >= 5; UPDATE audit SET seq = -seq WHERE seq < 0',
          );
          db.exec(
            `INSERT INTO audit SELECT chain, 5, time, time_ms, kind, actor, subject, ref || '-copy', payload,
             content_digest, erased, prev_hash, hash FROM audit WHERE seq = 4`,
          );
        },
        { problem: 'inserted', seq: 5 },
      ],
    ];
    for (const [name, change, expected] of cases) {
      const restore = tampered(change);
      try {
        expect((await auditVerify(pipelinePath)).broken, name).toMatchObject(expected);
      } finally {
        restore();
      }
    }
    expect((await auditVerify(pipelinePath)).ok).toBe(true);
  });

  it('`vigil audit verify` exits 0 on the intact chain and 1 on a broken one', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['node', 'vigil', 'audit', 'verify', '--pipeline', pipelinePath])).toBe(0);
    expect(String(out.mock.calls.at(-1)?.[0])).toMatch(/^OK chain "audit-it"/);
    const restore = tampered((db) => db.prepare('DELETE FROM audit WHERE seq = 3').run());
    try {
      expect(await main(['node', 'vigil', 'audit', 'verify', '--pipeline', pipelinePath])).toBe(1);
      expect(String(out.mock.calls.at(-1)?.[0])).toMatch(/BROKEN .* record 3 \(deleted\)/);
    } finally {
      restore();
      out.mockRestore();
    }
  });

  it('exports a bundle that verifies offline, and fails after a one-byte change', async () => {
    const out = join(directory, 'bundle.json');
    const result = await auditExport({ pipeline: pipelinePath, fromMs: 0, toMs: Date.now() + 60_000, out });
    expect(result.records).toBeGreaterThan(10);
    const text = readFileSync(out, 'utf8');
    expect(await verifyBundleText(text)).toMatchObject({ ok: true });
    const at = text.indexOf('"subject":"') + 12;
    const altered = `${text.slice(0, at)}${text[at] === 'x' ? 'y' : 'x'}${text.slice(at + 1)}`;
    expect((await verifyBundleText(altered)).ok).toBe(false);
  });
});
