/**
 * The read side the API (next issue) needs from a store, independent of the
 * engine behind it (ClickHouse server in production, an embedded store on
 * one machine). Times are epoch milliseconds; results are plain objects.
 */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** An alert's triage state: open until an analyst gives a verdict (the latest verdict counts). */
export type AlertStatus = 'open' | 'true_positive' | 'false_positive';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'true_positive', 'false_positive'];

export interface AlertFilter extends Partial<TimeRange> {
  /** One alert by id. */
  id?: string;
  identity?: string;
  status?: AlertStatus;
  detector?: string;
  minSeverity?: number;
  limit?: number;
  offset?: number;
}

export interface StoredAlert {
  id: string;
  time_ms: number;
  identity: string;
  identity_type: string;
  detector: string;
  severity: number;
  risk: number;
  summary: string;
  evidence: Record<string, unknown>;
  event_ids: string[];
  status: AlertStatus;
}

export interface DecisionFilter extends Partial<TimeRange> {
  identity?: string;
  action?: string;
  limit?: number;
  offset?: number;
}

export interface StoredDecision {
  id: string;
  time_ms: number;
  identity: string;
  action: string;
  rule: string;
  /** enforce, dry_run or allowlisted. */
  mode: string;
  /** `engine`, or the role of the analyst who acted. */
  actor: string;
  /** Accumulated identity risk after the deciding event. */
  risk: number;
  reason: string;
  alert_ids: string[];
  /** Deciding event, detectors, components, levels, policy version, hold, SET ids (sinks/clickhouse-rows.ts decisionDetail). */
  detail: Record<string, unknown>;
}

/** An analyst's verdict as stored (the feedback table). */
export interface FeedbackRow {
  id: string;
  time_ms: number;
  alert_id: string;
  verdict: string;
  note: string;
  author: string;
}

/** The write side for analyst feedback (the engine's sinks write everything else). */
export interface FeedbackStore {
  recordFeedback(row: FeedbackRow): Promise<void>;
}

export interface StoredEvent {
  event_id: string;
  time_ms: number;
  kind: string;
  identity: string;
  risk: number;
  components: Record<string, number>;
  detectors: string[];
}

export interface RiskyIdentity {
  identity: string;
  max_risk: number;
  events: number;
  last_seen_ms: number;
}

export interface RiskPoint {
  bucket_ms: number;
  avg_risk: number;
  max_risk: number;
  events: number;
}

export interface QueryStore {
  alerts(filter: AlertFilter): Promise<StoredAlert[]>;
  identityTimeline(identity: string, range: Partial<TimeRange>, limit?: number): Promise<StoredEvent[]>;
  topRiskyIdentities(range: TimeRange, limit?: number): Promise<RiskyIdentity[]>;
  riskOverTime(range: TimeRange, bucketSeconds: number, identity?: string): Promise<RiskPoint[]>;
  countsByDetector(range: TimeRange): Promise<Record<string, number>>;
  /** Exact number of distinct scored events (replays collapsed). */
  countEvents(range?: Partial<TimeRange>): Promise<number>;
  /** Response decisions, newest first. */
  decisions(filter: DecisionFilter): Promise<StoredDecision[]>;
}
