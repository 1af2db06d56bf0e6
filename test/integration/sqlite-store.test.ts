import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine, buildSinks, buildSource } from '../../src/cli/components.js';
import { buildCheckpointStore } from '../../src/cli/production-components.js';
import { loadPipeline, type PipelineConfig, parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { ClickHouseQueryStore } from '../../src/store/clickhouse-queries.js';
import type { QueryStore } from '../../src/store/queries.js';
import { SqliteCheckpointStore } from '../../src/store/sqlite-checkpoints.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteQueryStore } from '../../src/store/sqlite-queries.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-schema.js';
import { authEvent } from '../support/events.js';
import { MemorySource } from '../support/memory.js';
import {
  clickhouse,
  clickhouseUrl,
  freshDatabase,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';

const HOSTILE = [
  "O'Brien",
  "'; DROP TABLE events; --",
  "\\'; SELECT 1; --",
  'back\\slash and "double" quotes',
  "x') OR ('1'='1",
  'new\nline\ttab\0nul',
  '@identity',
  '?',
  'ünïcødé ☃ 𝄞',
];

const ALL_TIME = { fromMs: 0, toMs: Date.UTC(2100, 0, 1) };
const TABLES = ['events', 'alerts', 'decisions', 'signals', 'identity_risk', 'dead_letters'] as const;

const engine = () => buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }));
/** The embedded pipeline (response policy, so decisions and signals are produced) with a file source. */
const embeddedEngine = () => {
  const config = loadPipeline('pipelines/embedded.yaml');
  return buildEngine({ ...config, source: { type: 'file', path: 'unused', format: 'canonical' } });
};

const directory = mkdtempSync(join(tmpdir(), 'vigil-sqlite-'));
let files = 0;
const freshPath = (name: string) => join(directory, `${name}-${files++}.db`);

const open: SqliteDatabase[] = [];
function reader(path: string): { db: SqliteDatabase; queries: SqliteQueryStore } {
  const db = openSqliteStore(path);
  open.push(db);
  return { db, queries: new SqliteQueryStore(db) };
}

function rowCounts(db: SqliteDatabase): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [
      table,
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    ]),
  );
}

async function writeLines(
  lines: readonly string[],
  sinks: () => import('../../src/engine/types.js').Sink[],
  build = engine,
) {
  return runPipeline(new MemorySource(lines), build().processor, sinks(), {
    maxBatchRecords: 500,
    maxWaitMs: 0,
  });
}

/** Every query function with the same arguments as the ClickHouse storage test. */
async function answers(queries: QueryStore, identity: string) {
  return {
    countEvents: await queries.countEvents(),
    alerts: await queries.alerts({ limit: 10_000 }),
    page1: await queries.alerts({ limit: 2, offset: 0 }),
    page2: await queries.alerts({ limit: 2, offset: 2 }),
    filtered: await queries.alerts({ identity, minSeverity: 0.6, limit: 50 }),
    byDetector: await queries.countsByDetector(ALL_TIME),
    top: await queries.topRiskyIdentities(ALL_TIME, 5),
    timeline: await queries.identityTimeline(identity, {}),
    points: await queries.riskOverTime(ALL_TIME, 86_400),
    hourly: await queries.riskOverTime(ALL_TIME, 3600, identity),
  };
}

afterAll(() => {
  for (const db of open) db.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('embedded SQLite store', () => {
  it('applies the schema migrations once and records them', () => {
    const path = freshPath('migrate');
    const { db } = reader(path);
    const again = openSqliteStore(path);
    again.close();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual([
      'alerts',
      'audit',
      'audit_checkpoints',
      'checkpoints',
      'dead_letters',
      'decisions',
      'events',
      'feedback',
      'identity_risk',
      'pseudonyms',
      'schema_migrations',
      'signals',
    ]);
    // Each migration ran exactly once, though the store was opened twice.
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      [...SQLITE_MIGRATIONS].map((m) => ({ version: m.version })).sort((a, b) => a.version - b.version),
    );
    const columns = (db.prepare('PRAGMA table_info(decisions)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toEqual(expect.arrayContaining(['alert_ids', 'rule', 'mode', 'actor', 'detail']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('stores every scored event once by id even when the same batch is written twice', async () => {
    const path = freshPath('dedup');
    const { lines } = simulatedLines(3000);
    for (let pass = 0; pass < 2; pass++) {
      await writeLines(lines, () => [new SqliteSink({ path, pipeline: 'test' })]);
    }
    const { queries } = reader(path);
    expect(await queries.countEvents()).toBe(3000);
    const alerts = await queries.alerts({ limit: 10_000 });
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
    const byDetector = await queries.countsByDetector({ fromMs: 0, toMs: Date.now() });
    expect(Object.values(byDetector).reduce((a, b) => a + b, 0)).toBe(alerts.length);
    const top = await queries.topRiskyIdentities({ fromMs: 0, toMs: Date.now() }, 5);
    expect(top).toHaveLength(5);
    expect(top[0].max_risk).toBeGreaterThanOrEqual(top[4].max_risk);
    const timeline = await queries.identityTimeline(top[0].identity, {});
    expect(timeline.every((e) => e.identity === top[0].identity)).toBe(true);
    const points = await queries.riskOverTime({ fromMs: 0, toMs: Date.now() }, 86_400);
    expect(points.reduce((n, p) => n + p.events, 0)).toBe(3000);
    const page1 = await queries.alerts({ limit: 2, offset: 0 });
    const page2 = await queries.alerts({ limit: 2, offset: 2 });
    expect(page1.map((a) => a.id)).toEqual(alerts.slice(0, 2).map((a) => a.id));
    expect(page2.map((a) => a.id)).toEqual(alerts.slice(2, 4).map((a) => a.id));
  });

  it('leaves the same row counts in every table when the same batch is written twice', async () => {
    const path = freshPath('idempotent');
    const { lines } = simulatedLines(4000, 11);
    const withBadLines = [...lines, '{not json', JSON.stringify({ kind: 'auth' }), 'x'.repeat(70_000)];
    await writeLines(withBadLines, () => [new SqliteSink({ path, pipeline: 'test' })], embeddedEngine);
    const { db } = reader(path);
    const once = rowCounts(db);
    await writeLines(withBadLines, () => [new SqliteSink({ path, pipeline: 'test' })], embeddedEngine);
    expect(rowCounts(db)).toEqual(once);
    expect(once.events).toBe(4000);
    expect(once.dead_letters).toBe(3);
    expect(once.alerts).toBeGreaterThan(0);
    expect(once.decisions).toBeGreaterThan(0);
    expect(once.signals).toBeGreaterThan(0);
  });

  it('stores identities with quotes and SQL fragments verbatim and finds them by value', async () => {
    const path = freshPath('hostile');
    const lines = HOSTILE.map((identity, i) =>
      JSON.stringify(authEvent({ id: `hostile-${i}`, identity, time: Date.UTC(2026, 0, 5, 9, i) })),
    );
    await writeLines(lines, () => [new SqliteSink({ path, pipeline: "p'; DROP TABLE alerts; --" })]);
    const { db, queries } = reader(path);
    expect(await queries.countEvents()).toBe(HOSTILE.length);
    for (const identity of HOSTILE) {
      const timeline = await queries.identityTimeline(identity, {});
      expect(timeline.map((e) => e.identity)).toEqual([identity]);
      expect(await queries.riskOverTime(ALL_TIME, 60, identity)).toHaveLength(1);
    }
    expect(await queries.alerts({ identity: "' OR 1=1 --" })).toEqual([]);
    expect(await queries.alerts({ detector: "x' OR '1'='1" })).toEqual([]);
    expect(db.prepare('SELECT DISTINCT pipeline FROM events').all()).toEqual([
      { pipeline: "p'; DROP TABLE alerts; --" },
    ]);
  });

  it('answers time ranges as half-open [from, to) on the millisecond', async () => {
    const path = freshPath('range');
    const t = Date.UTC(2026, 0, 5, 9, 0, 0, 500);
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify(authEvent({ id: `r-${i}`, identity: 'range@example.com', time: t + i * 1000 })),
    );
    await writeLines(lines, () => [new SqliteSink({ path, pipeline: 'test' })]);
    const { queries } = reader(path);
    expect(await queries.countEvents({ fromMs: t, toMs: t + 2000 })).toBe(2);
    expect(await queries.countEvents({ fromMs: t + 1 })).toBe(2);
    expect(await queries.countEvents({ toMs: t })).toBe(0);
    const timeline = await queries.identityTimeline('range@example.com', {}, 2);
    expect(timeline.map((e) => e.event_id)).toEqual(['r-0', 'r-1']);
  });

  it('commits a batch only on flush: a batch written but never flushed leaves nothing', async () => {
    const path = freshPath('rollback');
    const sink = new SqliteSink({ path, pipeline: 'test' });
    const processor = engine().processor;
    const { lines } = simulatedLines(200);
    await sink.write(
      processor.process(lines.slice(0, 100).map((value) => ({ value, origin: { source: 't' } }))),
    );
    await sink.flush();
    await sink.write(
      processor.process(lines.slice(100).map((value) => ({ value, origin: { source: 't' } }))),
    );
    const { queries } = reader(path);
    expect(await queries.countEvents()).toBe(100);
    await sink.close();
    expect(await queries.countEvents()).toBe(100);
  });

  it('rolls the open batch back when a write fails, so a later flush commits nothing of it', async () => {
    const path = freshPath('failed-write');
    const sink = new SqliteSink({ path, pipeline: 'test' });
    const good = {
      event_id: 'good',
      time: Date.UTC(2026, 0, 5),
      kind: 'auth' as const,
      identity: 'a',
      risk: 1,
      components: {},
    };
    const bad = { ...good, event_id: 'bad', identity: null as unknown as string };
    const output = (scores: (typeof good)[]) => ({ scores, alerts: [], deadLetters: [] });
    await expect(sink.write(output([good, bad]))).rejects.toThrow(/NOT NULL/);
    await sink.flush();
    const { queries } = reader(path);
    expect(await queries.countEvents()).toBe(0);
    await sink.write(output([good]));
    await sink.flush();
    expect(await queries.countEvents()).toBe(1);
    await sink.close();
  });

  it('deletes rows older than the retention period, measured on the wall clock', async () => {
    const path = freshPath('retention');
    const old = Date.UTC(2026, 0, 5, 9);
    const recent = Date.UTC(2026, 2, 1, 9);
    const lines = [
      JSON.stringify(authEvent({ id: 'old', identity: 'old@example.com', time: old })),
      JSON.stringify(authEvent({ id: 'recent', identity: 'recent@example.com', time: recent })),
    ];
    let now = Date.UTC(2026, 1, 1);
    const sink = () => [
      new SqliteSink({
        path,
        pipeline: 'test',
        retentionDays: 10,
        retentionEveryMs: 3_600_000,
        now: () => now,
      }),
    ];
    await writeLines(lines, sink);
    const { queries } = reader(path);
    expect((await queries.topRiskyIdentities(ALL_TIME)).map((r) => r.identity)).toEqual([
      'recent@example.com',
    ]);
    now = Date.UTC(2026, 3, 1);
    await writeLines([], sink);
    expect(await queries.countEvents()).toBe(1);
    await writeLines([JSON.stringify(authEvent({ id: 'again', time: recent }))], sink);
    expect(await queries.countEvents()).toBe(0);
  });

  it('runs retention at most once per period within one sink', async () => {
    const path = freshPath('retention-period');
    let now = Date.UTC(2026, 0, 6);
    const sink = new SqliteSink({
      path,
      pipeline: 'test',
      retentionDays: 1,
      retentionEveryMs: 3_600_000,
      now: () => now,
    });
    const processor = engine().processor;
    const batch = (id: string) =>
      processor.process([
        { value: JSON.stringify(authEvent({ id, time: Date.UTC(2026, 0, 5, 9) })), origin: { source: 't' } },
      ]);
    await sink.write(batch('first'));
    await sink.flush();
    const { queries } = reader(path);
    expect(await queries.countEvents()).toBe(1);
    now += 2 * 86_400_000;
    await sink.write(batch('second'));
    await sink.flush();
    expect(await queries.countEvents()).toBe(0);
    await sink.write(batch('third'));
    await sink.flush();
    now += 30 * 60_000;
    await sink.write(batch('fourth'));
    await sink.flush();
    expect(await queries.countEvents()).toBe(2);
    now += 31 * 60_000;
    await sink.flush();
    expect(await queries.countEvents()).toBe(0);
    await sink.close();
  });

  it('keeps the newest checkpoint per partition', async () => {
    const path = freshPath('checkpoints');
    const store = new SqliteCheckpointStore(path, 'test');
    const ref = { source: "topic'x", partition: 3 };
    expect(await store.load(ref)).toBeUndefined();
    const state = engine().store.snapshot();
    await store.save(ref, { offset: '20', state, savedAtMs: 2000 });
    await store.save(ref, { offset: '10', state, savedAtMs: 1000 });
    expect((await store.load(ref))?.offset).toBe('20');
    await store.save(ref, { offset: '30', state, savedAtMs: 3000 });
    expect(await store.load(ref)).toEqual({ offset: '30', state, savedAtMs: 3000 });
    await store.close();
  });

  it("keeps checkpoints in the sqlite sink's file when checkpoints.store is sqlite", async () => {
    const path = freshPath('checkpoints-config');
    const config = parsePipeline({
      name: 'kafka-one-machine',
      source: { type: 'file', path: 'unused' },
      checkpoints: { store: 'sqlite' },
      sinks: { sqlite: { type: 'sqlite', path } },
    });
    const store = buildCheckpointStore(config);
    await store.save(
      { source: 'auth-events', partition: 0 },
      { offset: '7', state: engine().store.snapshot(), savedAtMs: 1 },
    );
    await store.close();
    const { db } = reader(path);
    expect(db.prepare('SELECT pipeline, source, partition, offset FROM checkpoints').all()).toEqual([
      { pipeline: 'kafka-one-machine', source: 'auth-events', partition: 0, offset: '7' },
    ]);
    expect(() => buildCheckpointStore({ ...config, sinks: {} })).toThrow(/checkpoints\.store/);
  });

  it('a demo-like run (simulator, 5000 events) through the runner leaves exactly 5000 event rows', async () => {
    const path = freshPath('demo');
    const config: PipelineConfig = parsePipeline({
      name: 'demo',
      source: { type: 'simulator', seed: 42, rate: 1_000_000, events: 5000, users: 120, workloads: 14 },
      batch: { max_events: 2048, max_wait_ms: 250 },
      sinks: { sqlite: { type: 'sqlite', path } },
    });
    const stats = await runPipeline(buildSource(config), buildEngine(config).processor, buildSinks(config), {
      maxBatchRecords: config.batch.max_events,
      maxWaitMs: config.batch.max_wait_ms,
    });
    const { db, queries } = reader(path);
    expect(stats.scored).toBe(5000);
    expect(await queries.countEvents()).toBe(5000);
    expect(rowCounts(db).alerts).toBe(stats.alerts);
    expect(db.prepare('SELECT DISTINCT pipeline FROM events').all()).toEqual([{ pipeline: 'demo' }]);
  });

  it('rejects a sqlite sink without a path, naming the key', () => {
    expect(() =>
      parsePipeline({ source: { type: 'file', path: 'x' }, sinks: { sqlite: { type: 'sqlite' } } }),
    ).toThrow(/sinks\.sqlite\.path/);
    expect(() =>
      parsePipeline({
        source: { type: 'file', path: 'x' },
        sinks: { sqlite: { type: 'sqlite', path: 'a.db', retention_days: 0 } },
      }),
    ).toThrow(/sinks\.sqlite\.retention_days/);
  });
});

describe.skipIf(!servicesAvailable())('embedded SQLite store against ClickHouse', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('answers every query function exactly as the ClickHouse store does for the same input', async () => {
    const database = freshDatabase('parity');
    const path = freshPath('parity');
    const { lines } = simulatedLines(3000);
    await writeLines(lines, () => [
      new ClickHouseSink({ url: clickhouseUrl(), database, pipeline: 'test', maxRetryMs: 10_000 }),
      new SqliteSink({ path, pipeline: 'test' }),
    ]);
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const { queries } = reader(path);
    const top = await queries.topRiskyIdentities(ALL_TIME, 1);
    const fromSqlite = await answers(queries, top[0].identity);
    const fromClickHouse = await answers(new ClickHouseQueryStore(connection), top[0].identity);
    expect(fromSqlite.alerts.length).toBeGreaterThan(0);
    expect(fromSqlite.filtered.length).toBeGreaterThan(0);
    // Averages are sums of floats in a different order: equal to 1e-9, everything else exactly.
    const roundAverages = (points: { avg_risk: number }[]) =>
      points.map((p) => ({ ...p, avg_risk: Math.round(p.avg_risk * 1e9) / 1e9 }));
    expect({
      ...fromSqlite,
      points: roundAverages(fromSqlite.points),
      hourly: roundAverages(fromSqlite.hourly),
    }).toEqual({
      ...fromClickHouse,
      points: roundAverages(fromClickHouse.points),
      hourly: roundAverages(fromClickHouse.hourly),
    });
  });
});
