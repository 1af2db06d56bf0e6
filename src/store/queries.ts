/**
 * The read side the API (next issue) needs from a store, independent of the
 * engine behind it (ClickHouse server in production, an embedded store on
 * one machine). Times are epoch milliseconds; results are plain objects.
 */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export interface AlertFilter extends Partial<TimeRange> {
  identity?: string;
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
}
