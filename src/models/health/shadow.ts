/**
 * A shadow trial: a newly trained model scores the same mature rows as the
 * model in use, without its scores reaching risk or alerts, until `rows`
 * rows were seen; then the trial reports both models' alert volume at the
 * alert percentile, the Spearman correlation of their percentiles and the
 * overlap of the rows each would have flagged, and decides whether the
 * candidate is promoted.
 *
 * The pairs live in two typed arrays sized once when the trial starts;
 * observing a row allocates nothing. Never swaps models itself (the scorer
 * does, on the decision).
 */
import { spearman } from './rank-agreement.js';
import type { PromotionReport } from './report-schema.js';
import type { ShadowSettings } from './settings.js';

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

export class ShadowTrial {
  private readonly current: Float64Array;
  private readonly candidate: Float64Array;
  private seen = 0;
  private currentAlerts = 0;
  private candidateAlerts = 0;
  private both = 0;

  constructor(
    readonly modelName: string,
    readonly currentVersion: number,
    readonly candidateVersion: number,
    readonly settings: ShadowSettings,
    readonly alertPercentile: number,
    readonly startedAt: number,
  ) {
    this.current = new Float64Array(settings.events);
    this.candidate = new Float64Array(settings.events);
  }

  get rows(): number {
    return this.seen;
  }

  get done(): boolean {
    return this.seen >= this.settings.events;
  }

  /** One mature row's percentile under the current model and under the candidate. */
  observe(currentPercentile: number, candidatePercentile: number): void {
    if (this.seen >= this.settings.events) return;
    this.current[this.seen] = currentPercentile;
    this.candidate[this.seen] = candidatePercentile;
    this.seen++;
    const threshold = this.alertPercentile;
    const byCurrent = currentPercentile >= threshold;
    const byCandidate = candidatePercentile >= threshold;
    if (byCurrent) this.currentAlerts++;
    if (byCandidate) this.candidateAlerts++;
    if (byCurrent && byCandidate) this.both++;
  }

  /** The decision and the figures behind it, at event time `decidedAt`. */
  report(decidedAt: number): PromotionReport {
    const rho = spearman(this.current, this.candidate, this.seen);
    const either = this.currentAlerts + this.candidateAlerts - this.both;
    const min = this.settings.minSpearman;
    const agrees = min <= 0 || (!Number.isNaN(rho) && rho >= min);
    const figures = `${this.seen} rows; alerts ${this.currentAlerts} (v${this.currentVersion}) vs ${this.candidateAlerts} (v${this.candidateVersion}); Spearman ${Number.isNaN(rho) ? 'undefined' : round(rho)}`;
    return {
      model: this.modelName,
      current_version: this.currentVersion,
      candidate_version: this.candidateVersion,
      promoted: agrees,
      reason: agrees
        ? `shadow period complete (${figures})`
        : `kept v${this.currentVersion}: rank agreement below min_spearman ${min} (${figures})`,
      rows: this.seen,
      alert_percentile: this.alertPercentile,
      current_alerts: this.currentAlerts,
      candidate_alerts: this.candidateAlerts,
      spearman: Number.isNaN(rho) ? null : round(rho),
      flagged_overlap: either === 0 ? null : round(this.both / either),
      flagged_both: this.both,
      min_spearman: min,
      started_at: this.startedAt,
      decided_at: decidedAt,
    };
  }
}

/** The report of a model promoted without a shadow period (first model, shadow off, offline training). */
export function immediatePromotion(
  modelName: string,
  currentVersion: number | undefined,
  candidateVersion: number,
  reason: string,
  alertPercentile: number,
  time: number,
): PromotionReport {
  return {
    model: modelName,
    current_version: currentVersion ?? null,
    candidate_version: candidateVersion,
    promoted: true,
    reason,
    rows: 0,
    alert_percentile: alertPercentile,
    current_alerts: 0,
    candidate_alerts: 0,
    spearman: null,
    flagged_overlap: null,
    flagged_both: 0,
    min_spearman: 0,
    started_at: time,
    decided_at: time,
  };
}
