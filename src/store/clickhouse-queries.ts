/**
 * QueryStore over ClickHouse: every user value is a bound parameter (see
 * clickhouse-connection.ts); FINAL collapses replayed rows so counts are
 * exact. Time filters use the DateTime column (partition pruning) and the
 * millisecond column (precision).
 */
import type { ClickHouseConnection, SqlParams } from './clickhouse-connection.js';
import { clickhouseDateTime } from './clickhouse-migrations.js';
import type {
  AlertFilter,
  AlertStatus,
  DecisionFilter,
  FeedbackRow,
  FeedbackStore,
  QueryStore,
  RiskPoint,
  RiskyIdentity,
  StoredAlert,
  StoredDecision,
  StoredEvent,
  TimeRange,
} from './queries.js';
import { alertFilterClauses, clampLimit, type Placeholder } from './query-filters.js';

const placeholder: Placeholder = (name, type) => `{${name}:${type}}`;

/** WHERE clauses for a time range over `time`/`time_ms`. */
function timeClauses(range: Partial<TimeRange>, where: string[], params: SqlParams): void {
  if (range.fromMs !== undefined) {
    where.push('time >= toDateTime({from_s:UInt32})', 'time_ms >= {from_ms:UInt64}');
    params.from_s = Math.floor(range.fromMs / 1000);
    params.from_ms = Math.floor(range.fromMs);
  }
  if (range.toMs !== undefined) {
    where.push('time <= toDateTime({to_s:UInt32})', 'time_ms < {to_ms:UInt64}');
    params.to_s = Math.ceil(range.toMs / 1000);
    params.to_ms = Math.floor(range.toMs);
  }
}

const whereSql = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

interface AlertRow extends Omit<StoredAlert, 'evidence' | 'time_ms' | 'status'> {
  time_ms: string | number;
  evidence: string;
}
interface DecisionRow extends Omit<StoredDecision, 'time_ms' | 'risk' | 'detail'> {
  time_ms: string | number;
  risk: string | number;
  detail: string;
}

/** Each alert's latest verdict (ClickHouse 18 has no correlated subqueries: an aggregate to join or test against). */
const LATEST_VERDICTS =
  'SELECT alert_id, argMax(verdict, time_ms) AS verdict FROM {db}.feedback FINAL GROUP BY alert_id';
interface EventRow extends Omit<StoredEvent, 'components' | 'time_ms'> {
  time_ms: string | number;
  components: string;
}

export class ClickHouseQueryStore implements QueryStore, FeedbackStore {
  constructor(private readonly connection: ClickHouseConnection) {}

  async alerts(filter: AlertFilter): Promise<StoredAlert[]> {
    const where: string[] = [];
    const params: SqlParams = {};
    timeClauses(filter, where, params);
    alertFilterClauses(filter, where, params, placeholder);
    if (filter.status === 'open') {
      where.push('id NOT IN (SELECT alert_id FROM {db}.feedback)');
    } else if (filter.status !== undefined) {
      where.push(`id IN (SELECT alert_id FROM (${LATEST_VERDICTS}) WHERE verdict = {status:String})`);
      params.status = filter.status;
    }
    params.limit = clampLimit(filter.limit, 100);
    params.offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const rows = await this.connection.select<AlertRow>(
      `SELECT id, time_ms, identity, identity_type, detector, severity, risk, summary, evidence, event_ids
       FROM {db}.alerts FINAL ${whereSql(where)}
       ORDER BY time_ms DESC, id LIMIT {offset:UInt32}, {limit:UInt32}`,
      params,
    );
    const statuses = await this.statuses(rows.map((row) => row.id));
    return rows.map((row) => ({
      ...row,
      time_ms: Number(row.time_ms),
      evidence: JSON.parse(row.evidence),
      status: statuses.get(row.id) ?? 'open',
    }));
  }

  private async statuses(ids: string[]): Promise<Map<string, AlertStatus>> {
    if (ids.length === 0) return new Map();
    const rows = await this.connection.select<{ alert_id: string; verdict: AlertStatus }>(
      `SELECT alert_id, argMax(verdict, time_ms) AS verdict FROM {db}.feedback FINAL
       WHERE has({ids:Array(String)}, alert_id) GROUP BY alert_id`,
      { ids },
    );
    return new Map(rows.map((row) => [row.alert_id, row.verdict]));
  }

  async identityTimeline(
    identity: string,
    range: Partial<TimeRange>,
    limit?: number,
  ): Promise<StoredEvent[]> {
    const where = ['identity = {identity:String}'];
    const params: SqlParams = { identity, limit: clampLimit(limit, 500) };
    timeClauses(range, where, params);
    const rows = await this.connection.select<EventRow>(
      `SELECT event_id, time_ms, kind, identity, risk, components, detectors
       FROM {db}.events FINAL ${whereSql(where)} ORDER BY time_ms, event_id LIMIT {limit:UInt32}`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      time_ms: Number(row.time_ms),
      components: JSON.parse(row.components),
    }));
  }

  async topRiskyIdentities(range: TimeRange, limit?: number): Promise<RiskyIdentity[]> {
    const where: string[] = [];
    const params: SqlParams = { limit: clampLimit(limit, 20) };
    timeClauses(range, where, params);
    const rows = await this.connection.select<Record<string, string | number>>(
      `SELECT identity, max(risk) AS max_risk, count() AS events, max(time_ms) AS last_seen_ms
       FROM {db}.events FINAL ${whereSql(where)}
       GROUP BY identity ORDER BY max_risk DESC, identity LIMIT {limit:UInt32}`,
      params,
    );
    return rows.map((row) => ({
      identity: String(row.identity),
      max_risk: Number(row.max_risk),
      events: Number(row.events),
      last_seen_ms: Number(row.last_seen_ms),
    }));
  }

  async riskOverTime(range: TimeRange, bucketSeconds: number, identity?: string): Promise<RiskPoint[]> {
    const where: string[] = [];
    const params: SqlParams = { bucket: Math.max(1, Math.floor(bucketSeconds)) };
    timeClauses(range, where, params);
    if (identity !== undefined) {
      where.push('identity = {identity:String}');
      params.identity = identity;
    }
    const rows = await this.connection.select<Record<string, string | number>>(
      `SELECT intDiv(toUInt32(time), {bucket:UInt32}) * {bucket:UInt32} AS bucket_s,
              avg(risk) AS avg_risk, max(risk) AS max_risk, count() AS events
       FROM {db}.events FINAL ${whereSql(where)} GROUP BY bucket_s ORDER BY bucket_s`,
      params,
    );
    return rows.map((row) => ({
      bucket_ms: Number(row.bucket_s) * 1000,
      avg_risk: Number(row.avg_risk),
      max_risk: Number(row.max_risk),
      events: Number(row.events),
    }));
  }

  async countsByDetector(range: TimeRange): Promise<Record<string, number>> {
    const where: string[] = [];
    const params: SqlParams = {};
    timeClauses(range, where, params);
    const rows = await this.connection.select<{ detector: string; alerts: string | number }>(
      `SELECT detector, count() AS alerts FROM {db}.alerts FINAL ${whereSql(where)} GROUP BY detector ORDER BY detector`,
      params,
    );
    return Object.fromEntries(rows.map((row) => [row.detector, Number(row.alerts)]));
  }

  async countEvents(range: Partial<TimeRange> = {}): Promise<number> {
    const where: string[] = [];
    const params: SqlParams = {};
    timeClauses(range, where, params);
    const rows = await this.connection.select<{ n: string | number }>(
      `SELECT count() AS n FROM {db}.events FINAL ${whereSql(where)}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async decisions(filter: DecisionFilter): Promise<StoredDecision[]> {
    const where: string[] = [];
    const params: SqlParams = {
      limit: clampLimit(filter.limit, 100),
      offset: Math.max(0, Math.floor(filter.offset ?? 0)),
    };
    timeClauses(filter, where, params);
    if (filter.identity !== undefined) {
      where.push('identity = {identity:String}');
      params.identity = filter.identity;
    }
    if (filter.action !== undefined) {
      where.push('action = {action:String}');
      params.action = filter.action;
    }
    const rows = await this.connection.select<DecisionRow>(
      `SELECT id, time_ms, identity, action, rule, mode, actor, risk, reason, alert_ids, detail
       FROM {db}.decisions FINAL ${whereSql(where)}
       ORDER BY time_ms DESC, id LIMIT {offset:UInt32}, {limit:UInt32}`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      time_ms: Number(row.time_ms),
      risk: Number(row.risk),
      detail: JSON.parse(row.detail || '{}'),
    }));
  }

  async recordFeedback(row: FeedbackRow): Promise<void> {
    await this.connection.insert('feedback', [
      { ...row, time: clickhouseDateTime(row.time_ms), time_ms: Math.floor(row.time_ms) },
    ]);
  }
}
