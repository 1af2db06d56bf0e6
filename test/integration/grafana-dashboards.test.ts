/**
 * The Grafana dashboards in dashboards/json: their structure against the
 * provisioning files (data source uids, defined template variables, known
 * macros, the compose mounts), and every panel's and variable's SQL run
 * against a real ClickHouse filled by Vigil's ClickHouse sink, after the
 * plugin's macros and the template variables are replaced the way Grafana
 * and grafana-clickhouse-datasource replace them. Must never fake the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import type { ClickHouseConnection } from '../../src/store/clickhouse-connection.js';
import { ClickHouseQueryStore } from '../../src/store/clickhouse-queries.js';
import { MemorySource } from '../support/memory.js';
import {
  clickhouse,
  clickhouseUrl,
  freshDatabase,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';

const ROOT = 'dashboards';

interface DataSourceRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId: string;
  datasource?: DataSourceRef;
  rawSql?: string;
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: DataSourceRef;
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  datasource?: DataSourceRef;
  query?: string | { rawSql: string };
  includeAll?: boolean;
  multi?: boolean;
  current?: { value?: string | string[] };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboards = readdirSync(join(ROOT, 'json'))
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(join(ROOT, 'json', file), 'utf8')) as Dashboard,
  }));

const datasources = readdirSync(join(ROOT, 'provisioning/datasources')).flatMap(
  (file) =>
    (
      parse(readFileSync(join(ROOT, 'provisioning/datasources', file), 'utf8')) as {
        datasources: DataSourceRef[];
      }
    ).datasources,
);

const variableSql = (variable: Variable): string | undefined =>
  variable.type !== 'query'
    ? undefined
    : typeof variable.query === 'string'
      ? variable.query
      : variable.query?.rawSql;

/** Every SQL text of a dashboard: panel targets and query variables. */
function sqlOf(dashboard: Dashboard): { where: string; sql: string }[] {
  const out: { where: string; sql: string }[] = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      out.push({ where: `${dashboard.uid} / ${panel.title} / ${target.refId}`, sql: target.rawSql ?? '' });
    }
  }
  for (const variable of dashboard.templating.list) {
    const sql = variableSql(variable);
    if (sql !== undefined) out.push({ where: `${dashboard.uid} / variable ${variable.name}`, sql });
  }
  return out;
}

const VARIABLE_REF = /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g;
const MACROS = new Set(['timeFilter', 'fromTime', 'toTime', 'interval_s', 'conditionalAll']);

/** Template variables an SQL text references (Grafana's `$__` macros and built-ins excluded). */
function referencedVariables(sql: string): string[] {
  return [...sql.matchAll(VARIABLE_REF)].map((m) => m[1] ?? m[3]).filter((name) => !name.startsWith('__'));
}

/** What the variables are set to: every option (Grafana's "All") or the listed values. */
type Selection = Record<string, { all: boolean; values: string[] }>;

interface RenderContext {
  database: string;
  fromS: number;
  toS: number;
  intervalS: number;
  selection: Selection;
}

/** Arguments of the call whose `(` is at `open`, split at top-level commas, and the index after `)`. */
function callArguments(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(sql.slice(start, i));
        return { args, end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  throw new Error(`unbalanced parentheses after ${sql.slice(open, open + 40)}`);
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The SQL the data source would send: `$__conditionalAll(cond, $var)` becomes
 * `1=1` when the variable selects All (the plugin's rule) and `cond`
 * otherwise; the time macros become the plugin's expansions (toDateTime of
 * Unix seconds); `${var:singlequote}` quotes each value; `vigil.` becomes the
 * test database.
 */
function render(sql: string, context: RenderContext): string {
  let out = sql;
  const macro = '$__conditionalAll(';
  for (let at = out.lastIndexOf(macro); at !== -1; at = out.lastIndexOf(macro)) {
    const { args, end } = callArguments(out, at + macro.length - 1);
    if (args.length !== 2) throw new Error(`$__conditionalAll takes 2 arguments: ${out.slice(at, end)}`);
    const name = args[1].trim().replace(/^\$\{?|\}$/g, '');
    const selected = context.selection[name];
    if (!selected) throw new Error(`variable ${name} has no value`);
    out = out.slice(0, at) + (selected.all ? '1=1' : args[0]) + out.slice(end);
  }
  const from = `toDateTime(${context.fromS})`;
  const to = `toDateTime(${context.toS})`;
  out = out
    .replace(
      /\$__timeFilter\(([^()]+)\)/g,
      (_m, column: string) => `${column} >= ${from} AND ${column} <= ${to}`,
    )
    .replaceAll('$__fromTime', from)
    .replaceAll('$__toTime', to)
    .replaceAll('$__interval_s', String(context.intervalS));
  out = out.replace(VARIABLE_REF, (match, braced: string | undefined, format: string | undefined, bare) => {
    const name = braced ?? bare;
    const selected = context.selection[name];
    if (!selected) throw new Error(`variable ${name} has no value (${match})`);
    if (format === 'singlequote') return selected.values.map(quote).join(',');
    if (format !== undefined) throw new Error(`format ${format} is not handled by the test`);
    return selected.values.join(',');
  });
  if (out.includes('$')) throw new Error(`unreplaced macro or variable in: ${out}`);
  return out.replace(/\bvigil\.(?=[a-z_]+\b)/g, `${context.database}.`);
}

describe('Grafana dashboards: structure', () => {
  it('ships the overview, alerts, identity, response and pipeline dashboards with unique uids and titles', () => {
    expect(dashboards.map((d) => d.file)).toEqual(
      expect.arrayContaining([
        'vigil-alerts.json',
        'vigil-identity.json',
        'vigil-overview.json',
        'vigil-pipeline.json',
        'vigil-response.json',
      ]),
    );
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.uid, file).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(dashboard.title, file).not.toBe('');
      expect(dashboard.panels.length, file).toBeGreaterThan(0);
    }
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(dashboards.length);
  });

  it('gives every panel a unique id and a provisioned data source, and every target SQL', () => {
    const known = new Map(datasources.map((ds) => [ds.uid, ds.type]));
    for (const { dashboard } of dashboards) {
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size, dashboard.uid).toBe(ids.length);
      const refs = [
        ...dashboard.panels.flatMap((panel) => [
          panel.datasource,
          ...(panel.targets ?? []).map((t) => t.datasource),
        ]),
        ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.datasource),
      ];
      for (const ref of refs) {
        expect(ref?.uid, dashboard.uid).toBeDefined();
        expect(known.has(ref?.uid), `${dashboard.uid}: data source ${ref?.uid}`).toBe(true);
        expect(ref?.type).toBe(known.get(ref?.uid));
      }
      for (const panel of dashboard.panels) {
        expect(panel.targets?.length, `${dashboard.uid} / ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.rawSql?.trim()).toMatch(/^SELECT /);
      }
    }
  });

  it('defines every template variable the SQL references and uses only the plugin macros', () => {
    for (const { dashboard } of dashboards) {
      const defined = new Set(dashboard.templating.list.map((v) => v.name));
      expect(defined.size, dashboard.uid).toBe(dashboard.templating.list.length);
      for (const { where, sql } of sqlOf(dashboard)) {
        for (const name of referencedVariables(sql))
          expect(defined.has(name), `${where}: $${name}`).toBe(true);
        for (const [, name] of sql.matchAll(/\$__(\w+)/g))
          expect(MACROS.has(name), `${where}: $__${name}`).toBe(true);
        expect(sql, where).not.toMatch(/toStartOfInterval|\$__timeInterval/); // not in ClickHouse 18.16
      }
    }
  });

  it('is mounted where the dashboard provider and Grafana look for it', () => {
    const provider = parse(readFileSync(join(ROOT, 'provisioning/dashboards/vigil.yaml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const volumes = compose.services.grafana.volumes ?? [];
    expect(volumes).toContain(`./dashboards/json:${provider.providers[0].options.path}:ro`);
    expect(volumes).toContain('./dashboards/provisioning:/etc/grafana/provisioning:ro');
  });

  it('renders macros and variables the way the data source does', () => {
    const context: RenderContext = {
      database: 'db_1',
      fromS: 100,
      toS: 200,
      intervalS: 60,
      selection: {
        detector: { all: true, values: ['a', 'b'] },
        identity: { all: false, values: ["o'brien"] },
        mode: { all: false, values: ['enforce', 'monitor'] },
      },
    };
    // Grafana's own `${name:format}` syntax, not a JavaScript template.
    const sql =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax
      'SELECT 1 FROM vigil.alerts WHERE $__timeFilter(time) AND $__conditionalAll(detector IN (${detector:singlequote}), $detector) AND $__conditionalAll(mode IN (${mode:singlequote}), $mode) AND identity = ${identity:singlequote} AND x = intDiv(1, $__interval_s)';
    expect(render(sql, context)).toBe(
      "SELECT 1 FROM db_1.alerts WHERE time >= toDateTime(100) AND time <= toDateTime(200) AND 1=1 AND mode IN ('enforce','monitor') AND identity = 'o\\'brien' AND x = intDiv(1, 60)",
    );
    expect(() => render('SELECT $nope', context)).toThrow('nope');
  });
});

describe.skipIf(!servicesAvailable())('Grafana dashboards: SQL against ClickHouse', () => {
  const database = freshDatabase('grafana');
  const EVENTS = 20_000;
  let identities: string[];
  const MALFORMED = ['{"kind":"auth","id":"no-time"}', 'not json at all'];
  let connection: ClickHouseConnection;
  let base: Omit<RenderContext, 'selection'>;
  let falsePositive: string;
  let truePositive: string;
  let alertCount: number;

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const result = await connection.client.query({ query: sql, format: 'JSONEachRow' });
    return (await result.json()) as Record<string, unknown>[];
  }

  /** What Grafana selects by default: All, the variable's current value, or the first option of its query. */
  async function defaults(dashboard: Dashboard): Promise<Selection> {
    const selection: Selection = {};
    for (const variable of dashboard.templating.list) {
      const sql = variableSql(variable);
      const options =
        sql === undefined
          ? String(variable.query ?? '')
              .split(',')
              .filter(Boolean)
          : (await rows(render(sql, { ...base, selection }))).map((row) => String(Object.values(row)[0]));
      const current = variable.current?.value;
      if (variable.includeAll) selection[variable.name] = { all: true, values: options };
      else if (typeof current === 'string' && (variable.type === 'textbox' || options.includes(current)))
        selection[variable.name] = { all: false, values: [current] };
      else selection[variable.name] = { all: false, values: options.slice(0, 1) };
    }
    return selection;
  }

  const dashboard = (uid: string) => {
    const found = dashboards.find((d) => d.dashboard.uid === uid)?.dashboard;
    if (!found) throw new Error(`no dashboard ${uid}`);
    return found;
  };
  const target = (uid: string, title: string, refId = 'A') => {
    const panel = dashboard(uid).panels.find((p) => p.title === title);
    const sql = panel?.targets?.find((t) => t.refId === refId)?.rawSql;
    if (!sql) throw new Error(`no panel "${title}" in ${uid}`);
    return sql;
  };
  async function run(uid: string, title: string, changes: Selection = {}, refId = 'A') {
    const selection = { ...(await defaults(dashboard(uid))), ...changes };
    return rows(render(target(uid, title, refId), { ...base, selection }));
  }

  beforeAll(async () => {
    const simulated = simulatedLines(EVENTS);
    identities = simulated.identities;
    const sink = new ClickHouseSink({ url: clickhouseUrl(), database, pipeline: 'test', maxRetryMs: 10_000 });
    const engine = buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }));
    await runPipeline(new MemorySource([...simulated.lines, ...MALFORMED]), engine.processor, [sink], {
      maxBatchRecords: 2000,
      maxWaitMs: 0,
    });
    connection = clickhouse(database);
    const [range] = await rows(`SELECT toUInt32(min(time)) AS from_s FROM ${database}.events`);
    // Dead letters carry the time Vigil received them (now), scored events the simulated time.
    base = {
      database,
      fromS: Number(range.from_s) - 3600,
      toS: Math.ceil(Date.now() / 1000) + 3600,
      intervalS: 3600,
    };
    const queries = new ClickHouseQueryStore(connection);
    const alerts = await queries.alerts({ limit: 10_000 });
    alertCount = alerts.length;
    [falsePositive, truePositive] = [alerts[0].id, alerts[1].id];
    const verdict = (id: string, alert: string, time_ms: number, value: 'true_positive' | 'false_positive') =>
      queries.recordFeedback({ id, time_ms, alert_id: alert, verdict: value, note: '', author: 'analyst' });
    // The latest verdict by time wins, whatever the insert order.
    await verdict('fb-late', falsePositive, 3000, 'false_positive');
    await verdict('fb-early', falsePositive, 1000, 'true_positive');
    await verdict('fb-other', truePositive, 2000, 'true_positive');
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
  });

  it('runs every panel and variable query with the default values and with one value per variable', async () => {
    let ran = 0;
    for (const { dashboard: d } of dashboards) {
      const selection = await defaults(d);
      // Each multi-value variable narrowed to its first option: the other branch of $__conditionalAll.
      const narrowed: Selection = Object.fromEntries(
        Object.entries(selection).map(([name, s]) => [name, { all: false, values: s.values.slice(0, 1) }]),
      );
      for (const variant of [selection, narrowed]) {
        for (const { where, sql } of sqlOf(d)) {
          const result = await rows(render(sql, { ...base, selection: variant })).catch((error: Error) => {
            throw new Error(`${where}: ${error.message}`);
          });
          expect(Array.isArray(result), where).toBe(true);
          ran++;
        }
      }
    }
    expect(ran).toBeGreaterThanOrEqual(60);
  });

  it('returns rows in the key panels', async () => {
    const keyPanels: [string, string][] = [
      ['vigil-overview', 'Scored events per minute'],
      ['vigil-overview', 'Average and peak risk'],
      ['vigil-overview', 'Latest alerts'],
      ['vigil-alerts', 'Alerts per detector'],
      ['vigil-alerts', 'Alerts'],
      ['vigil-identity', 'Risk over time'],
      ['vigil-identity', 'Activity by hour of week (UTC)'],
      ['vigil-identity', 'Events with risk and explanation'],
      ['vigil-response', 'Decisions by action'],
      ['vigil-response', 'Recent decisions'],
      ['vigil-response', 'Signals by event type'],
      ['vigil-response', 'Recent signals'],
      ['vigil-pipeline', 'Scored events per second by kind'],
      ['vigil-pipeline', 'Dead letters by reason'],
      ['vigil-pipeline', 'Latest dead letters'],
      ['vigil-pipeline', 'Store freshness'],
    ];
    for (const [uid, title] of keyPanels)
      expect((await run(uid, title)).length, `${uid} / ${title}`).toBeGreaterThan(0);
  });

  it('filters alerts by status from the latest verdict, by detector, identity and severity', async () => {
    const ids = async (changes: Selection) =>
      (await run('vigil-alerts', 'Alerts', changes)).map((row) => row.id);
    expect(await ids({ status: { all: false, values: ['false_positive'] } })).toEqual([falsePositive]);
    expect(await ids({ status: { all: false, values: ['true_positive'] } })).toEqual([truePositive]);
    expect(await ids({ status: { all: false, values: ['open'] } })).toHaveLength(alertCount - 2);
    expect(await ids({})).toHaveLength(alertCount);

    const all = await run('vigil-alerts', 'Alerts');
    const detector = String(all[0].detector);
    const one = await run('vigil-alerts', 'Alerts', { detector: { all: false, values: [detector] } });
    expect(one.length).toBe(all.filter((row) => row.detector === detector).length);
    const identity = String(all[0].identity);
    const mine = await run('vigil-alerts', 'Alerts', { identity: { all: false, values: [identity] } });
    expect(mine.length).toBe(all.filter((row) => row.identity === identity).length);
    const severe = await run('vigil-alerts', 'Alerts', { min_severity: { all: false, values: ['0.9'] } });
    expect(severe.length).toBe(all.filter((row) => Number(row.severity) >= 0.9).length);
    const perDetector = await run('vigil-alerts', 'Alerts per detector', {
      detector: { all: false, values: [detector] },
    });
    expect(new Set(perDetector.map((row) => row.detector))).toEqual(new Set([detector]));
    expect(perDetector.reduce((n, row) => n + Number(row.alerts), 0)).toBe(one.length);
  });

  it('shows one identity: every event in the hour-of-week grid and its explained events', async () => {
    const selection = await defaults(dashboard('vigil-identity'));
    const identity = selection.identity.values[0];
    const expected = identities.filter((id) => id === identity).length;
    expect(expected).toBeGreaterThan(0);
    const grid = await run('vigil-identity', 'Activity by hour of week (UTC)');
    expect(grid.reduce((n, row) => n + Number(row.total), 0)).toBe(expected);
    for (const row of grid) {
      const hours = Array.from({ length: 24 }, (_, h) => Number(row[String(h).padStart(2, '0')]));
      expect(hours.reduce((a, b) => a + b, 0)).toBe(Number(row.total));
    }
    const events = await run('vigil-identity', 'Events with risk and explanation');
    expect(events.length).toBe(Math.min(500, expected));
    // The default identity is the riskiest one, so some of its events raised alerts that explain them.
    expect(events.some((row) => String(row.explanation).length > 0 && String(row.detectors).length > 0)).toBe(
      true,
    );
    const risky = await run('vigil-identity', 'Events with risk and explanation', {
      min_risk: { all: false, values: ['50'] },
    });
    expect(risky.length).toBeGreaterThan(0);
    expect(risky.every((row) => Number(row.risk) >= 50)).toBe(true);
  });

  it('reports store freshness and the dead letters per reason', async () => {
    const fresh = await run('vigil-pipeline', 'Store freshness');
    const byTable = new Map(fresh.map((row) => [row.store_table, row]));
    expect(Number(byTable.get('events')?.rows)).toBe(EVENTS);
    expect(Number(byTable.get('dead_letters')?.rows)).toBe(MALFORMED.length);
    expect(byTable.get('events')?.lag_s).not.toBeNull();
    expect(byTable.get('checkpoints')?.lag_s).toBeNull();
    const letters = await run('vigil-pipeline', 'Dead letters by reason');
    expect(letters.reduce((n, row) => n + Number(row.dead_letters), 0)).toBe(MALFORMED.length);
  });
});
