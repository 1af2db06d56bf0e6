/**
 * QueryStore over the embedded SQLite file: the same questions, ordering,
 * pagination and limits as ClickHouseQueryStore (clickhouse-queries.ts), so
 * the API answers the same whichever store is behind it. Rows are unique by
 * id (PRIMARY KEY), so no FINAL is needed for exact counts. Every user value
 * is a bound parameter; statements are prepared once per shape.
 *
 * Time ranges are half-open on the millisecond column, [fromMs, toMs), as
 * in ClickHouse. Risk buckets are computed from the whole-second `time`.
 */
import type { Database, Statement } from 'better-sqlite3';
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
import { WriterGate } from './sqlite-writers.js';

const placeholder: Placeholder = (name) => `@${name}`;

type Params = Record<string, string | number>;

/** WHERE clauses for a time range over `time_ms`. */
function timeClauses(range: Partial<TimeRange>, where: string[], params: Params): void {
  if (range.fromMs !== undefined) {
    where.push('time_ms >= @from_ms');
    params.from_ms = Math.floor(range.fromMs);
  }
  if (range.toMs !== undefined) {
    where.push('time_ms < @to_ms');
    params.to_ms = Math.floor(range.toMs);
  }
}

const whereSql = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

interface AlertRow extends Omit<StoredAlert, 'evidence' | 'event_ids' | 'status'> {
  evidence: string;
  event_ids: string;
  status: AlertStatus | null;
}
interface DecisionRow extends Omit<StoredDecision, 'alert_ids' | 'detail'> {
  alert_ids: string;
  detail: string;
}

/** The latest verdict on the alert (NULL when none): the alert's status. */
const LATEST_VERDICT = `(SELECT f.verdict FROM feedback f WHERE f.alert_id = alerts.id
  ORDER BY f.time_ms DESC, f.id DESC LIMIT 1)`;
interface EventRow extends Omit<StoredEvent, 'components' | 'detectors'> {
  components: string;
  detectors: string;
}

export class SqliteQueryStore implements QueryStore, FeedbackStore {
  /** Prepared statements by SQL text: the shapes are few (which filters are present). */
  private readonly statements = new Map<string, Statement>();

  /** Verdicts wait for the store sink's open batch transaction (sqlite-writers.ts). */
  readonly writers = new WriterGate('storing a verdict');

  constructor(private readonly db: Database) {}

  private all<Row>(sql: string, params: Params): Row[] {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement.all(params) as Row[];
  }

  async alerts(filter: AlertFilter): Promise<StoredAlert[]> {
    const where: string[] = [];
    const params: Params = {};
    timeClauses(filter, where, params);
    alertFilterClauses(filter, where, params, placeholder);
    if (filter.status !== undefined) {
      where.push(`COALESCE(${LATEST_VERDICT}, 'open') = @status`);
      params.status = filter.status;
    }
    params.limit = clampLimit(filter.limit, 100);
    params.offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const rows = this.all<AlertRow>(
      `SELECT id, time_ms, identity, identity_type, detector, severity, risk, summary, evidence, event_ids,
              ${LATEST_VERDICT} AS status
       FROM alerts ${whereSql(where)} ORDER BY time_ms DESC, id LIMIT @limit OFFSET @offset`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      status: row.status ?? 'open',
      evidence: JSON.parse(row.evidence),
      event_ids: JSON.parse(row.event_ids),
    }));
  }

  async identityTimeline(
    identity: string,
    range: Partial<TimeRange>,
    limit?: number,
  ): Promise<StoredEvent[]> {
    const where = ['identity = @identity'];
    const params: Params = { identity, limit: clampLimit(limit, 500) };
    timeClauses(range, where, params);
    const rows = this.all<EventRow>(
      `SELECT event_id, time_ms, kind, identity, risk, components, detectors
       FROM events ${whereSql(where)} ORDER BY time_ms, event_id LIMIT @limit`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      components: JSON.parse(row.components),
      detectors: JSON.parse(row.detectors),
    }));
  }

  async topRiskyIdentities(range: TimeRange, limit?: number): Promise<RiskyIdentity[]> {
    const where: string[] = [];
    const params: Params = { limit: clampLimit(limit, 20) };
    timeClauses(range, where, params);
    return this.all<RiskyIdentity>(
      `SELECT identity, max(risk) AS max_risk, count(*) AS events, max(time_ms) AS last_seen_ms
       FROM events ${whereSql(where)}
       GROUP BY identity ORDER BY max_risk DESC, identity LIMIT @limit`,
      params,
    );
  }

  async riskOverTime(range: TimeRange, bucketSeconds: number, identity?: string): Promise<RiskPoint[]> {
    const where: string[] = [];
    const params: Params = { bucket: Math.max(1, Math.floor(bucketSeconds)) };
    timeClauses(range, where, params);
    if (identity !== undefined) {
      where.push('identity = @identity');
      params.identity = identity;
    }
    const rows = this.all<{ bucket_s: number; avg_risk: number; max_risk: number; events: number }>(
      `SELECT (time / CAST(@bucket AS INTEGER)) * CAST(@bucket AS INTEGER) AS bucket_s,
              avg(risk) AS avg_risk, max(risk) AS max_risk, count(*) AS events
       FROM events ${whereSql(where)} GROUP BY bucket_s ORDER BY bucket_s`,
      params,
    );
    return rows.map((row) => ({
      bucket_ms: row.bucket_s * 1000,
      avg_risk: row.avg_risk,
      max_risk: row.max_risk,
      events: row.events,
    }));
  }

  async countsByDetector(range: TimeRange): Promise<Record<string, number>> {
    const where: string[] = [];
    const params: Params = {};
    timeClauses(range, where, params);
    const rows = this.all<{ detector: string; alerts: number }>(
      `SELECT detector, count(*) AS alerts FROM alerts ${whereSql(where)} GROUP BY detector ORDER BY detector`,
      params,
    );
    return Object.fromEntries(rows.map((row) => [row.detector, row.alerts]));
  }

  async countEvents(range: Partial<TimeRange> = {}): Promise<number> {
    const where: string[] = [];
    const params: Params = {};
    timeClauses(range, where, params);
    const rows = this.all<{ n: number }>(`SELECT count(*) AS n FROM events ${whereSql(where)}`, params);
    return rows[0]?.n ?? 0;
  }

  async decisions(filter: DecisionFilter): Promise<StoredDecision[]> {
    const where: string[] = [];
    const params: Params = {
      limit: clampLimit(filter.limit, 100),
      offset: Math.max(0, Math.floor(filter.offset ?? 0)),
    };
    timeClauses(filter, where, params);
    if (filter.identity !== undefined) {
      where.push('identity = @identity');
      params.identity = filter.identity;
    }
    if (filter.action !== undefined) {
      where.push('action = @action');
      params.action = filter.action;
    }
    const rows = this.all<DecisionRow>(
      `SELECT id, time_ms, identity, action, rule, mode, actor, risk, reason, alert_ids, detail
       FROM decisions ${whereSql(where)} ORDER BY time_ms DESC, id LIMIT @limit OFFSET @offset`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      alert_ids: JSON.parse(row.alert_ids),
      detail: JSON.parse(row.detail),
    }));
  }

  async recordFeedback(row: FeedbackRow): Promise<void> {
    await this.writers.idle();
    this.db
      .prepare(
        `INSERT OR REPLACE INTO feedback (id, time, time_ms, alert_id, verdict, note, author)
         VALUES (@id, @time, @time_ms, @alert_id, @verdict, @note, @author)`,
      )
      .run({ ...row, time: Math.floor(row.time_ms / 1000) });
  }
}
