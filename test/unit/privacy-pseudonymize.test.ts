import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { loadPipeline, parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { VigilError } from '../../src/errors.js';
import { isPseudonym, Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { PseudonymizingSink, SqlitePseudonymDirectory } from '../../src/privacy/pseudonymizing-sink.js';
import { assertPseudonymizable, withPseudonyms } from '../../src/privacy/store-sinks.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteQueryStore } from '../../src/store/sqlite-queries.js';
import { analystServer, bearer } from '../support/api-server.js';
import { MemorySink, MemorySource } from '../support/memory.js';
import { simulatedLines } from '../support/services-clients.js';

const KEY = 'pseudonym-test-key-0123456789abcdef';
const config = loadPipeline('pipelines/embedded.yaml');

describe('pseudonymised store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-pseudo-'));
  const path = join(directory, 'vigil.db');
  const { lines, identities } = simulatedLines(3000, 7);
  const memory = new MemorySink();
  let db: SqliteDatabase;
  let someone = '';

  /** One run through a fresh sink and a fresh pseudonymizer (as after a restart), over `slice`. */
  async function run(slice: readonly string[]) {
    const engine = buildEngine({ ...config, source: { type: 'file', path: 'unused', format: 'canonical' } });
    const store = new SqliteSink({ path, pipeline: 'test' });
    const sink = new PseudonymizingSink(
      store,
      new Pseudonymizer(KEY),
      new SqlitePseudonymDirectory(store.db),
    );
    await runPipeline(new MemorySource(slice), engine.processor, [sink, memory], {
      maxBatchRecords: 500,
      maxWaitMs: 0,
    });
  }

  beforeAll(async () => {
    await run(lines.slice(0, 1500));
    await run(lines.slice(1500));
    db = openSqliteStore(path);
    someone = (
      db.prepare('SELECT identity FROM pseudonyms ORDER BY identity LIMIT 1').get() as { identity: string }
    ).identity;
  }, 60_000);
  afterAll(() => {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('stores every identity column as a pseudonym, the same one across restarts', () => {
    for (const [table, column] of [
      ['events', 'identity'],
      ['alerts', 'identity'],
      ['decisions', 'identity'],
      ['identity_risk', 'identity'],
      ['signals', 'subject'],
    ]) {
      const values = (
        db.prepare(`SELECT DISTINCT ${column} AS v FROM ${table}`).all() as { v: string }[]
      ).map((row) => row.v);
      expect(values.length, table).toBeGreaterThan(0);
      expect(values.every(isPseudonym), table).toBe(true);
    }
    // Both runs wrote the same identities under the same pseudonyms: one directory row per identity.
    const distinct = new Set(identities).size;
    const mapped = (db.prepare('SELECT count(*) AS n FROM pseudonyms').get() as { n: number }).n;
    expect(mapped).toBe(distinct);
    const scored = (db.prepare('SELECT count(DISTINCT identity) AS n FROM events').get() as { n: number }).n;
    expect(scored).toBe(distinct);
  });

  it("keeps a record's own identity out of its stored text", () => {
    const alerts = db.prepare('SELECT summary, evidence FROM alerts').all() as {
      summary: string;
      evidence: string;
    }[];
    const names = new Set(identities);
    const ownMentions = (
      db.prepare('SELECT identity, summary FROM alerts').all() as { identity: string; summary: string }[]
    )
      .map((row) => ({
        real: new SqlitePseudonymDirectory(db).identityOf(row.identity)!,
        summary: row.summary,
      }))
      .filter((row) => row.summary.includes(row.real));
    expect(alerts.length).toBeGreaterThan(0);
    expect(ownMentions).toEqual([]);
    expect(names.size).toBeGreaterThan(10);
  });

  it('leaves signals for enforcement points with real subjects', () => {
    const signals = memory.outputs.flatMap((output) => output.signals ?? []);
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((signal) => !isPseudonym(signal.key) && identities.includes(signal.key))).toBe(true);
  });

  it('reveals real identities only to the roles allowed', async () => {
    const pseudonyms = new Pseudonymizer(KEY);
    const app = await analystServer(new SqliteQueryStore(db), {
      reveal: { directory: new SqlitePseudonymDirectory(db), pseudonyms, revealRoles: ['admin'] },
    });
    const url = `/api/identities/${encodeURIComponent(someone)}`;
    const asAdmin = await app.inject({ method: 'GET', url, headers: bearer('admin') });
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.json().identity).toBe(someone);
    const asViewer = await app.inject({ method: 'GET', url, headers: bearer('viewer') });
    expect(asViewer.statusCode).toBe(200);
    expect(asViewer.json().identity).toBe(pseudonyms.pseudonym(someone));
    expect(asViewer.body).not.toContain(someone);
    const list = await app.inject({
      method: 'GET',
      url: '/api/identities?limit=50',
      headers: bearer('analyst'),
    });
    expect(list.json().identities.every((row: { identity: string }) => isPseudonym(row.identity))).toBe(true);
    const listAdmin = await app.inject({
      method: 'GET',
      url: '/api/identities?limit=50',
      headers: bearer('admin'),
    });
    expect(listAdmin.json().identities.some((row: { identity: string }) => isPseudonym(row.identity))).toBe(
      false,
    );
    await app.close();
  });

  it('refuses to start without the key when enabled, naming it', () => {
    const pseudonymizing = parsePipeline({
      source: { type: 'file', path: 'x' },
      sinks: { sqlite: { type: 'sqlite', path: join(directory, 'other.db') } },
      privacy: { pseudonymize: true },
    });
    const sink = new SqliteSink({ path: join(directory, 'other.db'), pipeline: 'x' });
    try {
      expect(() => withPseudonyms(pseudonymizing, sink, {})).toThrow(VigilError);
      expect(() => withPseudonyms(pseudonymizing, sink, {})).toThrow(/VIGIL_PSEUDONYM_KEY/);
      expect(withPseudonyms(pseudonymizing, sink, { VIGIL_PSEUDONYM_KEY: KEY })).toBeInstanceOf(
        PseudonymizingSink,
      );
      const off = parsePipeline({ source: { type: 'file', path: 'x' } });
      expect(off.privacy).toEqual({ pseudonymize: false, reveal_roles: ['admin'] });
      expect(withPseudonyms(off, sink, {})).toBe(sink);
      const withClickHouse = parsePipeline({
        source: { type: 'file', path: 'x' },
        sinks: { sqlite: { type: 'sqlite', path: 'x.db' }, clickhouse: { type: 'clickhouse' } },
        privacy: { pseudonymize: true },
      });
      expect(() => assertPseudonymizable(withClickHouse)).toThrow(/privacy\.pseudonymize/);
    } finally {
      void sink.close();
    }
  });
});
