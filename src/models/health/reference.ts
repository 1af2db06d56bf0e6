/**
 * Reference distributions of one model version: what its training window
 * looked like, so live traffic can be compared with it later. Per feature,
 * fixed bins cut at the training deciles (ties collapsed, so a 0/1 feature
 * gets two or three bins) with the share of training rows in each; for the
 * raw anomaly score, the same at the deciles (for PSI) and at the
 * percentiles (for the KS statistic).
 *
 * Built once per training from the training rows and their scores, saved in
 * the model's manifest (`health_reference`, versioned) and read back with it.
 * Pure data and arithmetic: never touches files, never sees live rows.
 */
import { errors } from '../../errors.js';

export const REFERENCE_FORMAT_VERSION = 1;

/** Bin i holds values v with edges[i-1] < v <= edges[i]; the last bin everything above the last edge. */
export interface BinnedDistribution {
  edges: number[];
  /** Share of the training rows in each bin (edges.length + 1 entries, summing to 1). */
  proportions: number[];
}

export interface ModelReference {
  format_version: number;
  /** Training rows the reference was computed from. */
  rows: number;
  features: ({ name: string } & BinnedDistribution)[];
  /** Raw score binned at the training deciles: the score PSI. */
  score: BinnedDistribution;
  /** Raw score binned at the training percentiles: the (binned) KS statistic. */
  score_fine: BinnedDistribution;
}

/** Upper bound on bins per distribution (percentile edges of the score: 99 edges, 100 bins). */
export const MAX_BINS = 101;

/** Index of the bin holding `value`: the first edge at or above it (binary search), or the last bin. */
export function binOf(edges: ArrayLike<number>, value: number, start = 0, end = edges.length): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value > edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo - start;
}

/** Cut points at the `bins`-quantiles of sorted values, ties collapsed. */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  const n = sorted.length;
  if (n === 0) return edges;
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.min(n - 1, Math.floor((k * n) / bins))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // Every value at or below the top edge shares bins with the rest; values above it form the last bin.
  return edges;
}

function distribution(sorted: Float64Array, bins: number): BinnedDistribution {
  const edges = quantileEdges(sorted, bins);
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < sorted.length; i++) counts[binOf(edges, sorted[i])]++;
  const n = Math.max(1, sorted.length);
  return { edges, proportions: Array.from(counts, (c) => round(c / n)) };
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * The reference of a model trained on `rows` rows of `data` (row-major,
 * `featureNames.length` columns) whose raw training scores are `scores`.
 */
export function buildReference(
  featureNames: readonly string[],
  data: Float64Array,
  rows: number,
  scores: Float64Array,
  bins = 10,
): ModelReference {
  const cols = featureNames.length;
  const column = new Float64Array(rows);
  const features = featureNames.map((name, c) => {
    for (let r = 0; r < rows; r++) column[r] = data[r * cols + c];
    column.sort();
    return { name, ...distribution(column, bins) };
  });
  const sortedScores = Float64Array.from(scores.subarray(0, rows)).sort();
  return {
    format_version: REFERENCE_FORMAT_VERSION,
    rows,
    features,
    score: distribution(sortedScores, bins),
    score_fine: distribution(sortedScores, 100),
  };
}

/**
 * Checks a reference read from a manifest. Returns undefined for a model
 * saved before references existed (no `health_reference`); throws
 * STATE_CORRUPT for a malformed or foreign one, naming what is wrong.
 */
export function referenceFromJSON(
  json: unknown,
  featureNames: readonly string[],
  where: string,
): ModelReference | undefined {
  if (json === undefined || json === null) return undefined;
  const doc = json as Partial<ModelReference>;
  if (doc.format_version !== REFERENCE_FORMAT_VERSION)
    throw errors.stateCorrupt(
      `${where}: health_reference format ${String(doc.format_version)} is not ${REFERENCE_FORMAT_VERSION}; retrain the model`,
    );
  const names = Array.isArray(doc.features) ? doc.features.map((f) => f?.name) : [];
  if (names.join(',') !== featureNames.join(','))
    throw errors.stateCorrupt(`${where}: health_reference names other features than the model`);
  for (const dist of [...(doc.features ?? []), doc.score, doc.score_fine]) {
    if (!validDistribution(dist))
      throw errors.stateCorrupt(`${where}: health_reference has a malformed distribution`);
  }
  return doc as ModelReference;
}

function validDistribution(dist: BinnedDistribution | undefined): boolean {
  return (
    !!dist &&
    Array.isArray(dist.edges) &&
    Array.isArray(dist.proportions) &&
    dist.proportions.length === dist.edges.length + 1 &&
    dist.proportions.length <= MAX_BINS &&
    dist.edges.every((e) => typeof e === 'number' && Number.isFinite(e)) &&
    dist.proportions.every((p) => typeof p === 'number' && p >= 0 && p <= 1)
  );
}
