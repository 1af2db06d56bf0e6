/**
 * Effectiveness metrics of a labelled replay: precision and recall at the
 * operating threshold, alert volume, time to detect, time from alert to
 * enforcement, step-up friction and the share of signals acknowledged
 * (definitions in docs/effectiveness.md). Precision and recall come from the
 * detection report of labels.ts (one definition of "detected" and "false
 * alert"); this module adds the timing and friction figures.
 *
 * Pure computation over what it is handed: never reads files, clocks or the
 * store, and keeps only small per-incident and per-alert state (no per-event
 * arrays), so a replay of millions of events can feed it.
 */
import type { AlertRecord } from '../engine/types.js';
import type { DecisionRecord } from '../risk/decisions.js';
import type { DurationSummary, EffectivenessReport } from './effectiveness-report.js';
import type { DetectionReport, EventLabel } from './labels.js';

export const DAY_MS = 86_400_000;

/** What the metrics need of an alert. */
export type AlertFacts = Pick<AlertRecord, 'id' | 'time' | 'identity' | 'event_ids'>;

/** What the metrics need of a decision; `alert_ids` links it to alerts when the engine records them. */
export type DecisionFacts = Pick<DecisionRecord, 'time' | 'identity' | 'action' | 'mode' | 'event_id'> & {
  alert_ids?: readonly string[];
};

/** Delivery state of the signals, where known: SETs handed to receivers and SETs they acknowledged. */
export interface SignalDelivery {
  sent: number;
  acknowledged: number;
}

/** `numerator / denominator`, or null when the denominator is 0 (nothing to measure). */
export const ratioOrNull = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

/** A decision that reached an enforcement point: enforce mode and an action other than allow. */
export const isEnforced = (decision: Pick<DecisionFacts, 'mode' | 'action'>): boolean =>
  decision.mode === 'enforce' && decision.action !== 'allow';

/**
 * Nearest-rank percentile (the smallest value with at least p% of the values
 * at or below it: rank ⌈p/100 · n⌉ of the ascending values). Null when empty.
 */
export function nearestRankPercentile(ascending: ArrayLike<number>, p: number): number | null {
  const n = ascending.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return ascending[rank - 1];
}

/** Count, mean, nearest-rank median and p95 of durations given in ms, reported in seconds. */
export function summarizeDurations(durationsMs: readonly number[]): DurationSummary {
  const sorted = Float64Array.from(durationsMs).sort();
  if (sorted.length === 0) return { count: 0, mean_seconds: null, median_seconds: null, p95_seconds: null };
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean_seconds: sum / sorted.length / 1000,
    median_seconds: (nearestRankPercentile(sorted, 50) as number) / 1000,
    p95_seconds: (nearestRankPercentile(sorted, 95) as number) / 1000,
  };
}

/**
 * Time to detect, per detected incident: from the incident's first labelled
 * event to the earliest alert touching any of its events (ms, never negative).
 */
export function timesToDetect(
  labels: ReadonlyMap<string, EventLabel>,
  firstEventTime: ReadonlyMap<string, number>,
  alerts: readonly AlertFacts[],
): number[] {
  const firstAlert = new Map<string, number>();
  for (const alert of alerts) {
    for (const id of alert.event_ids) {
      const incident = labels.get(id)?.incident;
      if (incident === undefined) continue;
      const seen = firstAlert.get(incident);
      if (seen === undefined || alert.time < seen) firstAlert.set(incident, alert.time);
    }
  }
  const out: number[] = [];
  for (const [incident, alertTime] of firstAlert) {
    const start = firstEventTime.get(incident);
    if (start !== undefined) out.push(Math.max(0, alertTime - start));
  }
  return out;
}

/** Index of the first value ≥ `time` in an ascending array (length when none). */
function firstAtOrAfter(ascending: readonly number[], time: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ascending[mid] < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Time from alert to enforcement, per alert that was followed by one: to the
 * first enforced decision that names the alert in `alert_ids`, or else to the
 * first enforced decision for the same identity at or after the alert (ms).
 * Alerts never followed by an enforced decision are left out.
 */
export function timesToEnforce(alerts: readonly AlertFacts[], decisions: readonly DecisionFacts[]): number[] {
  const byIdentity = new Map<string, number[]>();
  const linked = new Map<string, number>();
  for (const decision of decisions) {
    if (!isEnforced(decision)) continue;
    const times = byIdentity.get(decision.identity) ?? [];
    byIdentity.set(decision.identity, times);
    times.push(decision.time);
    for (const alertId of decision.alert_ids ?? []) {
      const seen = linked.get(alertId);
      if (seen === undefined || decision.time < seen) linked.set(alertId, decision.time);
    }
  }
  for (const times of byIdentity.values()) times.sort((a, b) => a - b);
  const out: number[] = [];
  for (const alert of alerts) {
    const link = linked.get(alert.id);
    if (link !== undefined) {
      out.push(Math.max(0, link - alert.time));
      continue;
    }
    const times = byIdentity.get(alert.identity);
    if (!times) continue;
    const index = firstAtOrAfter(times, alert.time);
    if (index < times.length) out.push(times[index] - alert.time);
  }
  return out;
}

/** Enforced step-ups whose deciding event is not labelled as an attack. */
export function benignStepUps(
  decisions: readonly DecisionFacts[],
  labels: ReadonlyMap<string, EventLabel>,
): number {
  let count = 0;
  for (const decision of decisions) {
    if (decision.action === 'step_up' && isEnforced(decision) && !labels.has(decision.event_id)) count++;
  }
  return count;
}

/** Alerts per day of event time, or null when the span is empty. */
export const alertsPerDay = (alerts: number, spanMs: number): number | null =>
  spanMs > 0 ? alerts / (spanMs / DAY_MS) : null;

/**
 * Accumulates a replay's events, alerts and decisions (fed batch by batch),
 * then reports against the labels. Events cost one identity-set entry and,
 * for labelled events, one per-incident minimum; alerts and decisions are
 * kept (they are few next to events).
 */
export class EffectivenessTally {
  private readonly identities = new Set<string>();
  private readonly firstEventTime = new Map<string, number>();
  private readonly alerts: AlertFacts[] = [];
  private readonly decisions: DecisionFacts[] = [];
  private firstTime = Number.POSITIVE_INFINITY;
  private lastTime = Number.NEGATIVE_INFINITY;
  private benignSignIns = 0;

  constructor(
    private readonly labels: ReadonlyMap<string, EventLabel>,
    private readonly operatingThreshold: number | null = null,
  ) {}

  /** Every scored event (its id, event time and identity). */
  addEvent(eventId: string, time: number, identity: string): void {
    this.identities.add(identity);
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
    const incident = this.labels.get(eventId)?.incident;
    if (incident === undefined) return;
    const seen = this.firstEventTime.get(incident);
    if (seen === undefined || time < seen) this.firstEventTime.set(incident, time);
  }

  /** An auth sign-in event; counted when it is not labelled as an attack. */
  addSignIn(eventId: string): void {
    if (!this.labels.has(eventId)) this.benignSignIns++;
  }

  addAlert(alert: AlertFacts): void {
    this.alerts.push({
      id: alert.id,
      time: alert.time,
      identity: alert.identity,
      event_ids: alert.event_ids,
    });
  }

  addDecision(decision: DecisionFacts): void {
    this.decisions.push(decision);
  }

  /**
   * The report. `detection` is labels.ts's report over the same replay (absent
   * without labels: precision, recall and time to detect are then null).
   */
  report(detection?: DetectionReport, signals?: SignalDelivery): EffectivenessReport {
    const spanMs = this.lastTime > this.firstTime ? this.lastTime - this.firstTime : 0;
    const alerts = this.alerts.length;
    const falseAlerts = detection?.falseAlerts ?? 0;
    const trueAlerts = detection ? detection.alerts - detection.falseAlerts : 0;
    const stepUps = benignStepUps(this.decisions, this.labels);
    return {
      source: 'replay',
      operating_threshold: this.operatingThreshold,
      span_ms: spanMs,
      alerts,
      identities: this.identities.size,
      true_alerts: trueAlerts,
      false_alerts: falseAlerts,
      precision: detection ? ratioOrNull(trueAlerts, detection.alerts) : null,
      incidents: detection ? detection.incidents : null,
      detected_incidents: detection ? detection.detectedIncidents : null,
      recall: detection ? ratioOrNull(detection.detectedIncidents, detection.incidents) : null,
      alerts_per_day: alertsPerDay(alerts, spanMs),
      alerts_per_1000_identities: ratioOrNull(alerts * 1000, this.identities.size),
      time_to_detect: summarizeDurations(
        detection ? timesToDetect(this.labels, this.firstEventTime, this.alerts) : [],
      ),
      time_to_enforce: summarizeDurations(timesToEnforce(this.alerts, this.decisions)),
      benign_sign_ins: this.benignSignIns,
      benign_step_ups: stepUps,
      stepup_friction_per_1000: ratioOrNull(stepUps * 1000, this.benignSignIns),
      signals_sent: signals ? signals.sent : null,
      signals_acknowledged: signals ? signals.acknowledged : null,
      signals_acknowledged_ratio: signals ? ratioOrNull(signals.acknowledged, signals.sent) : null,
    };
  }
}
