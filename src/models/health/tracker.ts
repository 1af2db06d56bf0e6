/**
 * Model health for one event kind of the Isolation Forest, as the scorer
 * sees it: decides whether a freshly trained model is promoted at once (the
 * first model, shadow off, offline training) or first runs in shadow; feeds
 * each batch to the drift monitor of the model in use and to the running
 * shadow trial; and at the end of a trial says which model to use. Every
 * decision is reported through `onPromotion`, every drift episode through
 * `onDriftAlert`.
 *
 * Never changes the scores of the model in use, and never lets a candidate's
 * scores reach risk or alerts. Per row: typed-array work only.
 */
import type { AlertRecord } from '../../engine/types.js';
import type { FeatureMatrixBuffer } from '../../features/feature-batch.js';
import { type IforestModel, percentileOf } from '../iforest-model.js';
import { ModelHealthMonitor } from './monitor.js';
import type { ModelReference } from './reference.js';
import type { ModelDriftReport, PromotionReport, ShadowStatus } from './report-schema.js';
import type { HealthSettings, ShadowSettings } from './settings.js';
import { immediatePromotion, ShadowTrial } from './shadow.js';

export interface HealthTrackerOptions {
  health?: HealthSettings;
  shadow: ShadowSettings;
  alertPercentile: number;
  onPromotion?: (report: PromotionReport) => void;
  onDriftAlert?: (alert: AlertRecord) => void;
}

interface Candidate {
  model: IforestModel;
  reference: ModelReference | undefined;
  trial: ShadowTrial;
}

/** A model that was just promoted, with its reference, for the scorer to swap in and save. */
export interface Promotion {
  model: IforestModel;
  reference: ModelReference | undefined;
}

export class ModelHealthTracker {
  readonly monitor: ModelHealthMonitor | undefined;
  private candidate: Candidate | undefined;
  private shadowScores = new Float64Array(0);
  private lastReport: PromotionReport | undefined;

  constructor(
    /** e.g. `iforest-auth`. */
    readonly modelName: string,
    readonly modelKind: string,
    featureNames: readonly string[],
    readonly options: HealthTrackerOptions,
  ) {
    this.monitor = options.health?.enabled
      ? new ModelHealthMonitor(modelName, modelKind, featureNames, options.health)
      : undefined;
  }

  /** Whether a candidate is running in shadow (no new training should start meanwhile). */
  get shadowing(): boolean {
    return this.candidate !== undefined;
  }

  /** A model loaded at start: in use at once, without a report (it was promoted when it was trained). */
  start(model: IforestModel, reference: ModelReference | undefined): void {
    this.monitor?.use(model.version, reference);
  }

  /**
   * A newly trained model: true when it is promoted now (the scorer swaps it
   * in and saves it), false when it goes into shadow against `current`.
   */
  admit(
    current: IforestModel | undefined,
    model: IforestModel,
    reference: ModelReference | undefined,
    time: number,
    offline: boolean,
  ): boolean {
    const events = this.options.shadow.events;
    const reason = !current
      ? 'first model: nothing to compare with'
      : offline
        ? 'trained offline (vigil train): promoted on request'
        : events === 0
          ? 'shadow period disabled (shadow_events: 0)'
          : undefined;
    if (reason !== undefined) {
      // A trial still running was measured against the model now replaced: it is void.
      this.candidate = undefined;
      this.promoted(
        immediatePromotion(
          this.modelName,
          current?.version,
          model.version,
          reason,
          this.options.alertPercentile,
          time,
        ),
        model,
        reference,
      );
      return true;
    }
    const trial = new ShadowTrial(
      this.modelName,
      current!.version,
      model.version,
      this.options.shadow,
      this.options.alertPercentile,
      time,
    );
    this.candidate = { model, reference, trial };
    return false;
  }

  /**
   * After the model in use scored a batch (`rawScores`, or no model yet):
   * feeds drift and the shadow trial, judges drift, and returns the candidate
   * when its trial ended with a promotion.
   */
  afterBatch(
    current: IforestModel | undefined,
    matrix: FeatureMatrixBuffer,
    rawScores: Float64Array,
    time: number,
  ): Promotion | undefined {
    if (!current) return undefined;
    if (this.monitor) {
      this.monitor.observe(matrix, rawScores);
      const alert = this.monitor.judge(time);
      if (alert) this.options.onDriftAlert?.(alert);
    }
    return this.candidate ? this.shadow(this.candidate, current, matrix, rawScores, time) : undefined;
  }

  private shadow(
    candidate: Candidate,
    current: IforestModel,
    matrix: FeatureMatrixBuffer,
    rawScores: Float64Array,
    time: number,
  ): Promotion | undefined {
    if (this.shadowScores.length < matrix.rows) this.shadowScores = new Float64Array(matrix.capacity);
    const scores = this.shadowScores;
    candidate.model.forest.scoreBatch(matrix.data, matrix.rows, scores);
    const { trial } = candidate;
    for (let row = 0; row < matrix.rows && !trial.done; row++) {
      if (matrix.mature[row] === 0) continue;
      trial.observe(percentileOf(current, rawScores[row]), percentileOf(candidate.model, scores[row]));
    }
    if (!trial.done) return undefined;
    this.candidate = undefined;
    const report = trial.report(time);
    if (!report.promoted) {
      this.lastReport = report;
      this.options.onPromotion?.(report);
      return undefined;
    }
    this.promoted(report, candidate.model, candidate.reference);
    return { model: candidate.model, reference: candidate.reference };
  }

  private promoted(
    report: PromotionReport,
    model: IforestModel,
    reference: ModelReference | undefined,
  ): void {
    this.lastReport = report;
    this.monitor?.use(model.version, reference);
    this.options.onPromotion?.(report);
  }

  drift(): ModelDriftReport | undefined {
    return this.monitor?.report();
  }

  shadowStatus(): ShadowStatus {
    const last = this.lastReport ? { last_report: { ...this.lastReport } } : {};
    if (!this.candidate) return { state: 'idle', ...last };
    return {
      state: 'running',
      candidate_version: this.candidate.model.version,
      rows: this.candidate.trial.rows,
      rows_needed: this.options.shadow.events,
      ...last,
    };
  }
}
