/**
 * A deployable Isolation Forest for one event kind: the forest, the
 * calibration of its raw scores (a t-digest of the training scores, so a
 * score becomes a population percentile 0..1), and what an analyst needs to
 * read its evidence (feature names, per-feature training medians).
 * Pure data and arithmetic; saving and loading live in registry.ts.
 */
import type { FeatureKind } from '../features/feature-batch.js';
import { QuantileSketch } from './calibration.js';
import type { IsolationForest } from './isolation-forest/index.js';

export interface IforestModel {
  kind: FeatureKind;
  /** 1, 2, 3... per kind and model directory; a retrain makes the next version. */
  version: number;
  forest: IsolationForest;
  calibration: QuantileSketch;
  /** Median of each feature over the training rows: the population's usual value, for evidence. */
  featureMedians: Float64Array;
  /** Event time (ms) of the last event before training: replays train at the same "time". */
  trainedAt: number;
  /** Training rows. */
  sampleSize: number;
}

export const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** Scores the training rows with the fresh forest and builds the model around it. */
export function calibrateModel(
  kind: FeatureKind,
  version: number,
  forest: IsolationForest,
  data: Float64Array,
  rows: number,
  trainedAt: number,
): IforestModel {
  const scores = forest.scoreBatch(data, rows, new Float64Array(rows));
  const calibration = new QuantileSketch(200);
  calibration.addAll(scores);
  return {
    kind,
    version,
    forest,
    calibration,
    featureMedians: columnMedians(data, rows, forest.cols),
    trainedAt,
    sampleSize: rows,
  };
}

export function columnMedians(data: Float64Array, rows: number, cols: number): Float64Array {
  const medians = new Float64Array(cols);
  const column = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) column[r] = data[r * cols + c];
    column.sort();
    medians[c] = rows === 0 ? 0 : column[rows >> 1];
  }
  return medians;
}

/** Calibrated percentile of a raw score, rounded to 4 decimals so outputs stay byte-stable. */
export function percentileOf(model: IforestModel, rawScore: number): number {
  const p = model.calibration.cdf(rawScore);
  return Number.isNaN(p) ? 0 : Math.round(p * 10_000) / 10_000;
}

export function scoreQuantiles(model: IforestModel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of QUANTILES) out[`p${String(q).slice(2).padEnd(2, '0')}`] = model.calibration.quantile(q);
  return out;
}
