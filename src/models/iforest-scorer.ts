/**
 * The Isolation Forest as a batch scorer: scores each batch's auth rows and
 * service rows with their own forest (one `scoreBatch` call per kind), adds
 * the component `iforest` = calibrated percentile (0..1) of the raw score
 * among the training scores, and appends an `iforest_anomaly` finding when
 * the percentile reaches the alert threshold.
 *
 * It also trains in the stream: rows of mature identities whose event taught
 * the baseline go into a seeded reservoir; after `trainAfter` such rows a
 * forest is fitted off-thread, and again every `retrainEvery` rows; the new
 * model is swapped in between batches and saved. Training starts only at
 * batch ends, so in deterministic runs (`beforeBatch` awaited) a replay
 * always swaps models at the same event.
 *
 * Model health (src/models/health/): each model carries the reference
 * distributions of its training window; the model in use is watched for
 * drift, and a retrained model first runs in shadow (`shadow.events` mature
 * rows) before it is promoted, unless it is the first one.
 *
 * Never blocks scoring on training outside deterministic runs; never scores
 * rows of identities whose baseline is not yet mature (they get 0).
 */
import type { Finding } from '../detectors/types.js';
import { severity } from '../detectors/types.js';
import type { Analysis } from '../engine/analyzer.js';
import type { BatchScorer } from '../engine/batch-processor.js';
import type { AlertRecord } from '../engine/types.js';
import type { AuthEvent, ServiceEvent, VigilEvent } from '../events/schema.js';
import {
  FEATURE_KINDS,
  FEATURE_NAMES,
  type FeatureBatch,
  type FeatureKind,
  type FeatureMatrixBuffer,
} from '../features/feature-batch.js';
import {
  buildReference,
  type HealthSettings,
  type ModelDriftReport,
  ModelHealthTracker,
  type ModelReference,
  type PromotionReport,
  type ShadowSettings,
  type ShadowStatus,
} from './health/index.js';
import { calibrateModel, type IforestModel, percentileOf } from './iforest-model.js';
import { defaultTrainer, type ForestTrainer, RowReservoir } from './iforest-trainer.js';

export const IFOREST_COMPONENT = 'iforest';
export const IFOREST_FINDING = 'iforest_anomaly';

export interface IforestScorerOptions {
  /** Mature rows (per kind) collected before the first model is trained; 0 = never train in the stream. */
  trainAfter: number;
  /** Mature rows (per kind) after which the model is retrained on the reservoir; 0 = never. */
  retrainEvery: number;
  reservoir: number;
  trees: number;
  sampleSize: number;
  seed: number;
  /** Percentile (0..1) at or above which an `iforest_anomaly` finding is raised. */
  alertPercentile: number;
  /** Features named in a finding's evidence. */
  explainTop?: number;
  trainer?: ForestTrainer;
  /** Called with every model trained here when it is promoted (e.g. ModelRegistry.save); errors are reported, not thrown. */
  onModel?: (model: IforestModel, reference?: ModelReference) => void;
  /** Drift monitoring of the model in use; absent = off. */
  health?: HealthSettings;
  /** Shadow period of retrained models; absent = promote at once. */
  shadow?: ShadowSettings;
  /** Called with every promotion decision (promoted or kept), e.g. for the audit log. */
  onPromotion?: (report: PromotionReport) => void;
  /** Called once per drift episode of a model version with its `model_drift` operational alert. */
  onDriftAlert?: (alert: AlertRecord) => void;
  /** Health references of the `initial` models (undefined: saved before references existed). */
  initialReferences?: Partial<Record<FeatureKind, ModelReference>>;
  onError?: (error: Error, kind: FeatureKind) => void;
  /** Called per batch with each kind's rows and the event index of each row (e.g. `--features-out`). */
  onRows?: (
    kind: FeatureKind,
    matrix: FeatureMatrixBuffer,
    eventOfRow: Int32Array,
    events: readonly VigilEvent[],
  ) => void;
  /** Models to start with (loaded from the registry). */
  initial?: Partial<Record<FeatureKind, IforestModel>>;
}

interface KindState {
  model: IforestModel | undefined;
  reservoir: RowReservoir;
  /** Reservoir rows offered when the last training started. */
  trainedAtSeen: number;
  nextVersion: number;
  pending: Promise<void> | undefined;
  rawScores: Float64Array;
  /** Event index of each row of the current batch. */
  eventOfRow: Int32Array;
  /** Drift of the model in use, and the shadow trial of its successor. */
  tracker: ModelHealthTracker;
}

export class IforestScorer implements BatchScorer {
  readonly name = IFOREST_COMPONENT;
  private readonly kinds: Record<FeatureKind, KindState>;
  private readonly trainer: ForestTrainer;
  /** Time of the last event scored: the event-time stamp of models trained on demand. */
  private lastEventTime = 0;

  constructor(
    readonly features: FeatureBatch,
    readonly options: IforestScorerOptions,
  ) {
    this.trainer = options.trainer ?? defaultTrainer;
    const state = (kind: FeatureKind, seedOffset: number): KindState => {
      const initial = options.initial?.[kind];
      const tracker = new ModelHealthTracker(`iforest-${kind}`, kind, FEATURE_NAMES[kind], {
        health: options.health,
        shadow: options.shadow ?? { events: 0, minSpearman: 0 },
        alertPercentile: options.alertPercentile,
        onPromotion: options.onPromotion,
        onDriftAlert: options.onDriftAlert,
      });
      if (initial) tracker.start(initial, options.initialReferences?.[kind]);
      return {
        model: initial,
        reservoir: new RowReservoir(options.reservoir, FEATURE_NAMES[kind].length, options.seed + seedOffset),
        trainedAtSeen: 0,
        nextVersion: (initial?.version ?? 0) + 1,
        pending: undefined,
        rawScores: new Float64Array(0),
        eventOfRow: new Int32Array(0),
        tracker,
      };
    };
    this.kinds = { auth: state('auth', 0), service: state('service', 1) };
  }

  /** The model in use for a kind, if any. */
  model(kind: FeatureKind): IforestModel | undefined {
    return this.kinds[kind].model;
  }

  /** Drift of the model in use for a kind (undefined when health monitoring is off). */
  drift(kind: FeatureKind): ModelDriftReport | undefined {
    return this.kinds[kind].tracker.drift();
  }

  /** The shadow trial under way for a kind, and the last promotion decision. */
  shadowStatus(kind: FeatureKind): ShadowStatus {
    return this.kinds[kind].tracker.shadowStatus();
  }

  /** Whether a training is under way. */
  get training(): boolean {
    return this.kinds.auth.pending !== undefined || this.kinds.service.pending !== undefined;
  }

  score(events: readonly VigilEvent[], analyses: readonly Analysis[]): void {
    if (events.length > 0) this.lastEventTime = events[events.length - 1].time;
    this.indexRows(events);
    for (const kind of FEATURE_KINDS) {
      const matrix = this.features.matrix(kind);
      if (matrix.rows === 0) continue;
      const state = this.kinds[kind];
      this.options.onRows?.(kind, matrix, state.eventOfRow, events);
      if (state.model) this.scoreKind(state, state.model, matrix, events, analyses);
      const promotion = state.tracker.afterBatch(state.model, matrix, state.rawScores, lastTime(events));
      if (promotion) this.swapIn(state, promotion.model, promotion.reference);
      this.collect(state, matrix, analyses);
      this.maybeTrain(kind, state, lastTime(events));
    }
  }

  async beforeBatch(): Promise<void> {
    for (const kind of FEATURE_KINDS) await this.kinds[kind].pending;
  }

  async close(): Promise<void> {
    await this.beforeBatch();
  }

  /** Maps each kind's rows back to their events (rows were appended in event order per kind). */
  private indexRows(events: readonly VigilEvent[]): void {
    for (const kind of FEATURE_KINDS) {
      const state = this.kinds[kind];
      const rows = this.features.matrix(kind).rows;
      if (state.eventOfRow.length < rows) {
        state.eventOfRow = new Int32Array(this.features.matrix(kind).capacity);
        state.rawScores = new Float64Array(this.features.matrix(kind).capacity);
      }
    }
    let auth = 0;
    let service = 0;
    for (let i = 0; i < events.length; i++) {
      const kind = events[i].kind;
      if (kind === 'auth') this.kinds.auth.eventOfRow[auth++] = i;
      else if (kind === 'service') this.kinds.service.eventOfRow[service++] = i;
    }
  }

  private scoreKind(
    state: KindState,
    model: IforestModel,
    matrix: FeatureMatrixBuffer,
    events: readonly VigilEvent[],
    analyses: readonly Analysis[],
  ): void {
    model.forest.scoreBatch(matrix.data, matrix.rows, state.rawScores);
    for (let row = 0; row < matrix.rows; row++) {
      const analysis = analyses[state.eventOfRow[row]];
      if (matrix.mature[row] === 0) {
        analysis.components[IFOREST_COMPONENT] = 0;
        continue;
      }
      const percentile = percentileOf(model, state.rawScores[row]);
      analysis.components[IFOREST_COMPONENT] = percentile;
      if (percentile >= this.options.alertPercentile) {
        const event = events[state.eventOfRow[row]];
        const finding = this.finding(model, matrix, row, percentile, state.rawScores[row], event);
        analysis.findings = [...analysis.findings, finding];
      }
    }
  }

  private finding(
    model: IforestModel,
    matrix: FeatureMatrixBuffer,
    row: number,
    percentile: number,
    rawScore: number,
    event: VigilEvent,
  ): Finding {
    const vector = matrix.row(row);
    const top = model.forest.explain(vector, this.options.explainTop ?? 3).map((c) => ({
      feature: c.name,
      share: round(c.share, 3),
      value: round(vector[c.feature], 4),
      usual: round(model.featureMedians[c.feature], 4),
    }));
    const threshold = this.options.alertPercentile;
    const excess = threshold >= 1 ? 1 : (percentile - threshold) / (1 - threshold);
    return {
      detector: IFOREST_FINDING,
      severity: severity(0.6 + 0.35 * excess),
      summary: `${event.kind} event unlike this population's usual behaviour (isolation forest percentile ${percentile}); most unusual: ${top.map((t) => t.feature).join(', ')}`,
      evidence: {
        percentile,
        raw_score: round(rawScore, 5),
        model_version: model.version,
        top_features: top,
        ...eventContext(event),
      },
    };
  }

  /** Offers rows of mature identities whose event taught the baseline to the reservoir. */
  private collect(state: KindState, matrix: FeatureMatrixBuffer, analyses: readonly Analysis[]): void {
    if (this.options.trainAfter === 0) return;
    for (let row = 0; row < matrix.rows; row++) {
      if (matrix.mature[row] === 1 && analyses[state.eventOfRow[row]].learned) {
        state.reservoir.offer(matrix.data, row * matrix.cols);
      }
    }
  }

  /** Rows of mature identities offered for training so far (per kind). */
  collected(kind: FeatureKind): number {
    return this.kinds[kind].reservoir.seen;
  }

  /**
   * An operator asked for a retrain (POST /api/models/:name/train): trains a
   * model of `kind` on the reservoir now, in the background, under the same
   * rules as a scheduled retrain (a shadow period when one is configured).
   * Resolves once training finished; says why when it could not start.
   */
  async retrain(
    kind: FeatureKind,
  ): Promise<{ started: boolean; version?: number; rows: number; reason?: string }> {
    const state = this.kinds[kind];
    const rows = state.reservoir.rows;
    if (state.pending) return { started: false, rows, reason: 'a training run is already in progress' };
    if (state.tracker.shadowing)
      return { started: false, rows, reason: 'a retrained model is still in its shadow period' };
    if (rows < 2) return { started: false, rows, reason: 'fewer than two mature rows collected so far' };
    const version = state.nextVersion;
    this.startTraining(kind, state, this.lastEventTime);
    await state.pending;
    return { started: true, version, rows };
  }

  /**
   * Trains a model of `kind` on the reservoir now (offline training, `vigil
   * train`), as `version` (default: the next one); resolves with the model,
   * or undefined when fewer than two rows were collected.
   */
  async trainNow(kind: FeatureKind, version?: number): Promise<IforestModel | undefined> {
    const state = this.kinds[kind];
    await state.pending;
    if (state.reservoir.rows < 2) return undefined;
    if (version !== undefined) state.nextVersion = version;
    this.startTraining(kind, state, this.lastEventTime, true);
    await state.pending;
    return state.model;
  }

  private maybeTrain(kind: FeatureKind, state: KindState, time: number): void {
    if (state.pending || state.tracker.shadowing || this.options.trainAfter === 0) return;
    const seen = state.reservoir.seen;
    const due = state.model
      ? this.options.retrainEvery > 0 && seen - state.trainedAtSeen >= this.options.retrainEvery
      : seen - state.trainedAtSeen >= this.options.trainAfter;
    if (!due || state.reservoir.rows < 2) return;
    this.startTraining(kind, state, time);
  }

  /** `offline`: `vigil train` asked for this model, so it is promoted without a shadow period. */
  private startTraining(kind: FeatureKind, state: KindState, time: number, offline = false): void {
    state.trainedAtSeen = state.reservoir.seen;
    const version = state.nextVersion++;
    const rows = state.reservoir.rows;
    const data = state.reservoir.copyRows();
    const options = {
      trees: this.options.trees,
      sampleSize: this.options.sampleSize,
      seed: this.options.seed + version,
      featureNames: FEATURE_NAMES[kind],
    };
    state.pending = this.trainer(data.slice(), rows, data.length / rows, options)
      .then((forest) => {
        const model = calibrateModel(kind, version, forest, data, rows, time);
        const trainingScores = forest.scoreBatch(data, rows, new Float64Array(rows));
        const bins = this.options.health?.bins;
        const reference = buildReference(FEATURE_NAMES[kind], data, rows, trainingScores, bins);
        if (state.tracker.admit(state.model, model, reference, time, offline))
          this.swapIn(state, model, reference);
      })
      .catch((error: Error) => this.options.onError?.(error, kind))
      .finally(() => {
        state.pending = undefined;
      });
  }

  /** Puts a promoted model in use and hands it (with its reference) to onModel, e.g. to be saved. */
  private swapIn(state: KindState, model: IforestModel, reference: ModelReference | undefined): void {
    state.model = model;
    this.options.onModel?.(model, reference);
  }
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

function lastTime(events: readonly VigilEvent[]): number {
  return events.length === 0 ? 0 : events[events.length - 1].time;
}

/** The event's own values an analyst checks first. */
function eventContext(event: VigilEvent): Record<string, unknown> {
  if (event.kind === 'auth') {
    const auth = event as AuthEvent;
    return {
      action: auth.action,
      outcome: auth.outcome,
      src_ip: auth.src_ip,
      country: auth.geo?.country,
      device_id: auth.device?.id,
      application: auth.application,
    };
  }
  const call = event as ServiceEvent;
  return {
    destination: call.destination,
    route: `${call.method} ${call.route}`,
    status: call.status,
    bytes_out: call.bytes_out,
  };
}
