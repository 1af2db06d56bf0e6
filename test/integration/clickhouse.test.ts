import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { inlineParams, quoteLiteral } from '../../src/store/clickhouse-connection.js';
import { migrate } from '../../src/store/clickhouse-migrations.js';
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
    expect(first.applied).toEqual([1]);
    expect(second.applied).toEqual([]);
    const tables = await connection.select<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: connection.database },
    );
    expect(tables.map((t) => t.name)).toEqual([
      'alerts',
      'checkpoints',
      'decisions',
      'events',
      'feedback',
      'identity_risk',
      'schema_migrations',
      'signals',
    ]);
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
