/**
 * Health of the model in use for one event kind: feeds every scored row of
 * a mature identity into a sliding live window binned on the model's
 * reference edges, and once per batch judges drift (PSI per feature and for
 * the score, binned KS for the score) against the thresholds. Drift opens
 * an episode and yields one `model_drift` alert; the episode closes when
 * every statistic is back below the warn threshold, so a flapping window
 * does not raise an alert per batch.
 *
 * Per-row work is the window's (typed arrays, no allocation); the judging is
 * once per batch over a few hundred bins. Never changes scores or the model.
 */
import type { AlertRecord } from '../../engine/types.js';
import type { FeatureMatrixBuffer } from '../../features/feature-batch.js';
import { ksBinned, psi } from './drift.js';
import { driftAlert } from './drift-alert.js';
import { LiveWindow } from './live-window.js';
import type { ModelReference } from './reference.js';
import type { DriftStatus, FeaturePsi, ModelDriftReport } from './report-schema.js';
import type { HealthSettings } from './settings.js';

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

export class ModelHealthMonitor {
  private window: LiveWindow | undefined;
  private version = 0;
  private hasModel = false;
  private status: DriftStatus = 'no_model';
  private readonly featurePsi: Float64Array;
  /** 1 for features judged, 0 for those only reported (exclude_features). */
  private readonly judged: Uint8Array;
  private scorePsi = Number.NaN;
  private scoreKs = Number.NaN;
  private maxFeaturePsi = Number.NaN;
  private episodeOpen = false;
  private episodes = 0;
  private lastAlert: { id: string; time: number } | undefined;
  /** Mature rows since the last one sampled into the window. */
  private sinceSample = 0;

  constructor(
    /** e.g. `iforest-auth`. */
    readonly modelName: string,
    readonly modelKind: string,
    readonly featureNames: readonly string[],
    readonly settings: HealthSettings,
  ) {
    this.featurePsi = new Float64Array(featureNames.length);
    this.judged = Uint8Array.from(featureNames, (name) => (settings.excludeFeatures.includes(name) ? 0 : 1));
  }

  /** Starts watching a (new) model version; without a reference it can only say so. */
  use(version: number, reference: ModelReference | undefined): void {
    this.hasModel = true;
    this.version = version;
    this.window = reference ? new LiveWindow(reference, this.settings.windowRows) : undefined;
    this.status = reference ? 'warming_up' : 'no_reference';
    this.featurePsi.fill(Number.NaN);
    this.scorePsi = this.scoreKs = this.maxFeaturePsi = Number.NaN;
    this.episodeOpen = false;
    this.episodes = 0;
    this.lastAlert = undefined;
  }

  /** Adds the batch's rows of mature identities with their raw scores. */
  observe(matrix: FeatureMatrixBuffer, rawScores: Float64Array): void {
    const window = this.window;
    if (!window) return;
    const { data, mature, cols } = matrix;
    const every = this.settings.sampleEvery;
    for (let row = 0; row < matrix.rows; row++) {
      if (mature[row] === 0 || ++this.sinceSample < every) continue;
      this.sinceSample = 0;
      window.add(data, row * cols, rawScores[row]);
    }
  }

  /** Judges the window after a batch; returns an alert when a drift episode starts. */
  judge(time: number): AlertRecord | undefined {
    const window = this.window;
    if (!window) return undefined;
    if (window.rows < this.settings.minRows) {
      this.status = 'warming_up';
      return undefined;
    }
    this.measure(window);
    const { psiWarn, psiDrift, ksDrift } = this.settings;
    const worstPsi = Math.max(this.maxFeaturePsi, this.scorePsi);
    if (worstPsi >= psiDrift || this.scoreKs >= ksDrift) this.status = 'drift';
    else if (worstPsi >= psiWarn) this.status = 'warn';
    else this.status = 'stable';
    if (this.status === 'stable') this.episodeOpen = false;
    if (this.status !== 'drift' || this.episodeOpen) return undefined;
    this.episodeOpen = true;
    this.episodes++;
    const alert = driftAlert(time, {
      modelName: this.modelName,
      modelKind: this.modelKind,
      version: this.version,
      episode: this.episodes,
      rows: window.rows,
      scorePsi: round(this.scorePsi),
      scoreKs: round(this.scoreKs),
      topFeatures: this.rankedFeatures().slice(0, 5),
      psiDrift,
      ksDrift,
    });
    this.lastAlert = { id: alert.id, time };
    return alert;
  }

  private measure(window: LiveWindow): void {
    const reference = window.reference;
    const { counts, offsets } = window;
    const total = window.rows;
    let max = 0;
    for (let f = 0; f < reference.features.length; f++) {
      const value = psi(reference.features[f].proportions, counts, offsets[f], total);
      this.featurePsi[f] = value;
      if (this.judged[f] === 1 && value > max) max = value;
    }
    this.maxFeaturePsi = max;
    const scoreChannel = reference.features.length;
    this.scorePsi = psi(reference.score.proportions, counts, offsets[scoreChannel], total);
    this.scoreKs = ksBinned(reference.score_fine.proportions, counts, offsets[scoreChannel + 1], total);
  }

  /** Features by PSI, highest first (empty until judged). */
  private rankedFeatures(): FeaturePsi[] {
    if (Number.isNaN(this.maxFeaturePsi)) return [];
    return this.featureNames
      .map((feature, f) => ({ feature, psi: round(this.featurePsi[f]) }))
      .sort((a, b) => b.psi - a.psi || a.feature.localeCompare(b.feature));
  }

  get currentStatus(): DriftStatus {
    return this.hasModel ? this.status : 'no_model';
  }

  report(): ModelDriftReport {
    const judged = !Number.isNaN(this.scorePsi);
    const { settings } = this;
    return {
      model: this.modelName,
      version: this.version,
      status: this.currentStatus,
      rows: this.window?.rows ?? 0,
      score_psi: judged ? round(this.scorePsi) : null,
      score_ks: judged ? round(this.scoreKs) : null,
      max_feature_psi: judged ? round(this.maxFeaturePsi) : null,
      feature_psi: this.rankedFeatures(),
      thresholds: {
        psi_warn: settings.psiWarn,
        psi_drift: settings.psiDrift,
        ks_drift: settings.ksDrift,
        min_rows: settings.minRows,
        window_rows: settings.windowRows,
        sample_every: settings.sampleEvery,
        exclude_features: [...settings.excludeFeatures],
      },
      episodes: this.episodes,
      ...(this.lastAlert ? { last_alert: { ...this.lastAlert } } : {}),
    };
  }
}
