/**
 * Production effectiveness over a recent window of event time: the running
 * engine hands it each batch's output (`observe`, once per batch), and the
 * API and the Prometheus exporter ask for `report()`, which is cached for
 * `refreshMs` so a scrape storm costs nothing. Precision comes from analyst
 * verdicts (true / false positive), acknowledgement from the push
 * deliverers' counters; both are injected as callbacks because they live in
 * the transmitter, not here.
 *
 * Memory is bounded: alerts and enforced decisions in the window (each list
 * capped, oldest dropped first), per-hour counters of auth events, and the
 * last-seen time of identities (capped). Never does I/O, never holds events.
 */
import type { BatchOutput } from '../engine/types.js';
import {
  type AlertFacts,
  alertsPerDay,
  type DecisionFacts,
  isEnforced,
  ratioOrNull,
  type SignalDelivery,
  summarizeDurations,
  timesToEnforce,
} from './effectiveness.js';
import type { EffectivenessReport } from './effectiveness-report.js';

const HOUR_MS = 3_600_000;

/** Analyst verdict counts (src/api/feedback.ts). */
export interface VerdictCounts {
  true_positive: number;
  false_positive: number;
}

export interface EffectivenessWindowOptions {
  /** Event-time window the volume and timing figures cover (default 24 h). */
  windowMs?: number;
  /** Alerts, enforced decisions and identities kept at most (default 100,000 each). */
  capacity?: number;
  /** A report is recomputed at most this often (wall clock; default 15 s). */
  refreshMs?: number;
  /** The alert threshold in force (`alerts.min_severity`). */
  operatingThreshold?: number;
  now?: () => number;
}

export interface EffectivenessInputs {
  verdicts?: () => VerdictCounts;
  delivery?: () => SignalDelivery | undefined;
}

export class EffectivenessWindow {
  private readonly windowMs: number;
  private readonly capacity: number;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private alerts: AlertFacts[] = [];
  private decisions: DecisionFacts[] = [];
  private readonly lastSeen = new Map<string, number>();
  /** Auth events per hour of event time (hour index → count). */
  private readonly authPerHour = new Map<number, number>();
  private latest = Number.NEGATIVE_INFINITY;
  private earliest = Number.POSITIVE_INFINITY;
  private cached: { at: number; report: EffectivenessReport } | undefined;
  private inputs: EffectivenessInputs = {};

  constructor(private readonly options: EffectivenessWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 24 * HOUR_MS;
    this.capacity = options.capacity ?? 100_000;
    this.refreshMs = options.refreshMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  /** Where verdict counts and delivery state come from (set once the transmitter exists). */
  attach(inputs: EffectivenessInputs): void {
    this.inputs = { ...this.inputs, ...inputs };
    this.cached = undefined;
  }

  /** One batch's output: a loop over its records, no per-event allocation beyond map entries. */
  observe(output: BatchOutput): void {
    for (const score of output.scores) {
      const time = score.time;
      if (time > this.latest) this.latest = time;
      if (time < this.earliest) this.earliest = time;
      this.lastSeen.delete(score.identity);
      this.lastSeen.set(score.identity, time);
      if (score.kind !== 'auth') continue;
      const hour = Math.floor(time / HOUR_MS);
      this.authPerHour.set(hour, (this.authPerHour.get(hour) ?? 0) + 1);
    }
    while (this.lastSeen.size > this.capacity) this.lastSeen.delete(this.lastSeen.keys().next().value!);
    for (const alert of output.alerts) {
      this.alerts.push({
        id: alert.id,
        time: alert.time,
        identity: alert.identity,
        event_ids: alert.event_ids,
      });
    }
    for (const decision of output.decisions ?? []) {
      if (!isEnforced(decision)) continue;
      this.decisions.push({
        time: decision.time,
        identity: decision.identity,
        action: decision.action,
        mode: decision.mode,
        event_id: decision.event_id,
        alert_ids: decision.alert_ids,
      });
    }
    if (this.alerts.length > this.capacity) this.alerts = this.alerts.slice(-this.capacity);
    if (this.decisions.length > this.capacity) this.decisions = this.decisions.slice(-this.capacity);
  }

  /** The current report (recomputed at most every `refreshMs`). */
  report(): EffectivenessReport {
    const at = this.now();
    if (this.cached && at - this.cached.at < this.refreshMs) return this.cached.report;
    const report = this.compute();
    this.cached = { at, report };
    return report;
  }

  private evict(): number {
    const from = this.latest - this.windowMs;
    this.alerts = this.alerts.filter((alert) => alert.time >= from);
    this.decisions = this.decisions.filter((decision) => decision.time >= from);
    for (const [identity, time] of this.lastSeen) if (time < from) this.lastSeen.delete(identity);
    const firstHour = Math.floor(from / HOUR_MS);
    for (const hour of this.authPerHour.keys()) if (hour < firstHour) this.authPerHour.delete(hour);
    return from;
  }

  private compute(): EffectivenessReport {
    const empty = this.latest === Number.NEGATIVE_INFINITY;
    const from = empty ? 0 : this.evict();
    const spanMs = empty ? 0 : this.latest - Math.max(from, this.earliest);
    let authEvents = 0;
    for (const count of this.authPerHour.values()) authEvents += count;
    let stepUps = 0;
    for (const decision of this.decisions) if (decision.action === 'step_up') stepUps++;
    const verdicts = this.inputs.verdicts?.();
    const delivery = this.inputs.delivery?.();
    const alerts = this.alerts.length;
    return {
      source: 'production',
      operating_threshold: this.options.operatingThreshold ?? null,
      span_ms: spanMs,
      alerts,
      identities: this.lastSeen.size,
      true_alerts: verdicts?.true_positive ?? 0,
      false_alerts: verdicts?.false_positive ?? 0,
      precision: verdicts
        ? ratioOrNull(verdicts.true_positive, verdicts.true_positive + verdicts.false_positive)
        : null,
      incidents: null,
      detected_incidents: null,
      recall: null,
      alerts_per_day: alertsPerDay(alerts, spanMs),
      alerts_per_1000_identities: ratioOrNull(alerts * 1000, this.lastSeen.size),
      time_to_detect: summarizeDurations([]),
      time_to_enforce: summarizeDurations(timesToEnforce(this.alerts, this.decisions)),
      benign_sign_ins: authEvents,
      benign_step_ups: stepUps,
      stepup_friction_per_1000: ratioOrNull(stepUps * 1000, authEvents),
      signals_sent: delivery ? delivery.sent : null,
      signals_acknowledged: delivery ? delivery.acknowledged : null,
      signals_acknowledged_ratio: delivery ? ratioOrNull(delivery.acknowledged, delivery.sent) : null,
    };
  }
}

/** What acknowledgement needs of a push deliverer (src/signals/push.ts), structurally. */
export interface DeliveryCounters {
  stats: { delivered: number; rejected: number };
  outbox: { size: number };
}

/**
 * Delivery state of push receivers: acknowledged = delivered (2xx); sent =
 * delivered + rejected + still pending. Undefined without receivers.
 */
export function pushDelivery(deliverers: readonly DeliveryCounters[]): SignalDelivery | undefined {
  if (deliverers.length === 0) return undefined;
  let acknowledged = 0;
  let sent = 0;
  for (const deliverer of deliverers) {
    acknowledged += deliverer.stats.delivered;
    sent += deliverer.stats.delivered + deliverer.stats.rejected + deliverer.outbox.size;
  }
  return { sent, acknowledged };
}
