import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { buildLiveApi } from '../../src/cli/live-api.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { inlineParams, quoteLiteral } from '../../src/store/clickhouse-connection.js';
import { MIGRATIONS, migrate } from '../../src/store/clickhouse-migrations.js';
import { ClickHouseQueryStore } from '../../src/store/clickhouse-queries.js';
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
  "'; DROP TABLE vigil.events; --",
  "\\'; SELECT 1; --",
  'back\\slash and "double" quotes',
  "x') OR ('1'='1",
  'new\nline\ttab\0nul',
  '{identity:String}',
  'ünïcødé ☃ 𝄞',
];

const engine = () => buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }));

describe.skipIf(!servicesAvailable())('ClickHouse storage', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  function sinkFor(database: string, extra: Partial<ConstructorParameters<typeof ClickHouseSink>[0]> = {}) {
    return new ClickHouseSink({
      url: clickhouseUrl(),
      database,
      pipeline: 'test',
      maxRetryMs: 10_000,
      ...extra,
    });
  }

  it('applies the schema migrations once and records them', async () => {
    const connection = clickhouse(freshDatabase('migrate'));
    closers.push(() => connection.close());
    const first = await migrate(connection);
    const second = await migrate(connection);
    expect(first.applied).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(second.applied).toEqual([]);
    const tables = await connection.select<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: connection.database },
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'alerts',
        'checkpoints',
        'dead_letters',
        'decisions',
        'events',
        'feedback',
        'identity_risk',
        'schema_migrations',
        'signals',
      ]),
    );
    const decisionColumns = await connection.select<{ name: string }>(
      'SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String}',
      { db: connection.database, table: 'decisions' },
    );
    expect(decisionColumns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['alert_ids', 'rule', 'mode', 'actor', 'detail']),
    );
  });

  it('stores every scored event once by id even when the same batch is written twice', async () => {
    const database = freshDatabase('dedup');
    const { lines } = simulatedLines(3000);
    for (let pass = 0; pass < 2; pass++) {
      await runPipeline(new MemorySource(lines), engine().processor, [sinkFor(database)], {
        maxBatchRecords: 500,
        maxWaitMs: 0,
      });
    }
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const queries = new ClickHouseQueryStore(connection);
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

  it('stores decisions with what explains them, dead letters, and alert status from feedback', async () => {
    const database = freshDatabase('decisions');
    const { lines } = simulatedLines(20_000);
    const hostile = '{"kind":"auth","id":"x\'); DROP TABLE vigil.events; --"}';
    await runPipeline(new MemorySource([...lines, hostile]), engine().processor, [sinkFor(database)], {
      maxBatchRecords: 2000,
      maxWaitMs: 0,
    });
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const queries = new ClickHouseQueryStore(connection);
    const decisions = await queries.decisions({ limit: 1000 });
    expect(decisions.length).toBeGreaterThan(0);
    const alertIds = new Set((await queries.alerts({ limit: 10_000 })).map((alert) => alert.id));
    const withAlerts = decisions.filter((decision) => decision.alert_ids.length > 0);
    expect(withAlerts.length).toBeGreaterThan(0);
    for (const decision of withAlerts)
      for (const id of decision.alert_ids) expect(alertIds.has(id)).toBe(true);
    for (const decision of decisions) {
      expect(decision.actor).toBe('engine');
      expect(decision.detail).toMatchObject({ policy_version: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(typeof (decision.detail.components as Record<string, number>).detectors).toBe('number');
    }
    const one = decisions[0];
    expect(
      (await queries.decisions({ identity: one.identity, limit: 1000 })).every(
        (d) => d.identity === one.identity,
      ),
    ).toBe(true);
    const letters = await connection.select<{ raw: string; reason: string }>(
      'SELECT raw, reason FROM {db}.dead_letters',
    );
    expect(letters).toEqual([expect.objectContaining({ raw: hostile })]);
    const [first, second] = await queries.alerts({ limit: 2 });
    await queries.recordFeedback({
      id: 'fb-1',
      time_ms: 1000,
      alert_id: first.id,
      verdict: 'true_positive',
      note: "it's real",
      author: 'analyst',
    });
    await queries.recordFeedback({
      id: 'fb-2',
      time_ms: 2000,
      alert_id: second.id,
      verdict: 'true_positive',
      note: '',
      author: 'analyst',
    });
    await queries.recordFeedback({
      id: 'fb-3',
      time_ms: 3000,
      alert_id: second.id,
      verdict: 'false_positive',
      note: '',
      author: 'admin',
    });
    expect((await queries.alerts({ id: first.id }))[0].status).toBe('true_positive');
    expect((await queries.alerts({ id: second.id }))[0].status).toBe('false_positive');
    expect((await queries.alerts({ status: 'true_positive', limit: 10_000 })).map((a) => a.id)).toEqual([
      first.id,
    ]);
    expect((await queries.alerts({ status: 'false_positive', limit: 10_000 })).map((a) => a.id)).toEqual([
      second.id,
    ]);
    const open = await queries.alerts({ status: 'open', limit: 10_000 });
    expect(open.length).toBe(alertIds.size - 2);
    expect(open.every((a) => a.status === 'open')).toBe(true);
  });

  it('serves the analyst API from ClickHouse when the pipeline stores there', async () => {
    const database = freshDatabase('liveapi');
    const { lines } = simulatedLines(3000);
    await runPipeline(new MemorySource(lines), engine().processor, [sinkFor(database)], {
      maxBatchRecords: 1000,
      maxWaitMs: 0,
    });
    const config = parsePipeline({
      source: { type: 'file', path: 'unused' },
      sinks: { clickhouse: { type: 'clickhouse', url: clickhouseUrl(), database } },
    });
    const live = buildLiveApi(config, buildEngine(config));
    try {
      expect(await live.analyst?.readiness?.store?.()).toBe(true);
      expect(await live.analyst?.queries.countEvents()).toBe(3000);
      const [alert] = (await live.analyst?.queries.alerts({ limit: 1 })) ?? [];
      expect(alert.status).toBe('open');
      await live.feedbackStore?.recordFeedback({
        id: 'live-1',
        time_ms: 5,
        alert_id: alert.id,
        verdict: 'false_positive',
        note: '',
        author: 'analyst',
      });
      expect((await live.analyst?.queries.alerts({ id: alert.id }))?.[0].status).toBe('false_positive');
    } finally {
      live.close();
    }
  });

  it('stores identities with quotes and SQL fragments verbatim and finds them by value', async () => {
    const database = freshDatabase('hostile');
    const lines = HOSTILE.map((identity, i) =>
      JSON.stringify(authEvent({ id: `hostile-${i}`, identity, time: Date.UTC(2026, 0, 5, 9, i) })),
    );
    await runPipeline(new MemorySource(lines), engine().processor, [sinkFor(database)], {
      maxBatchRecords: 100,
      maxWaitMs: 0,
    });
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const queries = new ClickHouseQueryStore(connection);
    expect(await queries.countEvents()).toBe(HOSTILE.length);
    for (const identity of HOSTILE) {
      const timeline = await queries.identityTimeline(identity, {});
      expect(timeline.map((e) => e.identity)).toEqual([identity]);
    }
    expect(await queries.alerts({ identity: "' OR 1=1 --" })).toEqual([]);
  });

  it('quotes literals so injection strings come back as the same string', async () => {
    const connection = clickhouse('default');
    closers.push(() => connection.close());
    for (const value of HOSTILE) {
      const sql = inlineParams('SELECT {v:String} AS v', { v: value });
      const rows = await connection.client.query({ query: sql, format: 'JSONEachRow' });
      expect(((await rows.json()) as { v: string }[])[0].v).toBe(value);
    }
    expect(quoteLiteral(["a'b", 1, true])).toBe("['a\\'b', 1, 1]");
    expect(() => quoteLiteral(Number.NaN)).toThrow();
    expect(() => inlineParams('SELECT {missing:String}', {})).toThrow('not bound');
  });
});
