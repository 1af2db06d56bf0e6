/**
 * Score calibration: a streaming quantile sketch that maps a raw model score
 * to its percentile (0..1) in the training distribution, so scorers with
 * different raw scales feed risk fusion on one scale: component = cdf(raw).
 *
 * The sketch is a merging t-digest (Dunning & Ertl, "Computing Extremely
 * Accurate Quantiles Using t-Digests", arXiv:1902.04023, 2019) with the k2
 * scale function: centroids near the tails hold few points, so percentiles
 * like 0.999 stay accurate, which is where alerts live. Small (about
 * `compression` centroids), deterministic (no randomness: the same inputs in
 * the same order give the same sketch) and serialisable. Never learns from
 * scores it is asked to calibrate unless add() is called.
 */
import { errors } from '../errors.js';

export const CALIBRATION_FORMAT_VERSION = 1;

export interface QuantileSketchJson {
  formatVersion: number;
  kind: 'quantile-sketch';
  compression: number;
  count: number;
  min: number;
  max: number;
  means: number[];
  weights: number[];
}

export class QuantileSketch {
  readonly compression: number;
  private means: Float64Array;
  private weights: Float64Array;
  private centroids = 0;
  private readonly bufferValues: Float64Array;
  private buffered = 0;
  private total = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;

  /** `compression` (δ) bounds the centroid count to a small multiple of δ; rank error near the median is about 1/δ, far smaller in the tails. */
  constructor(compression = 200) {
    if (!(Number.isInteger(compression) && compression >= 10))
      throw errors.usage(`compression must be an integer >= 10, got ${compression}`);
    this.compression = compression;
    const capacity = 2 * compression + 10;
    this.means = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.bufferValues = new Float64Array(5 * compression);
  }

  get count(): number {
    return this.total + this.buffered;
  }

  add(value: number): void {
    if (!Number.isFinite(value))
      throw errors.usage(`calibration values must be finite numbers, got ${value}`);
    this.bufferValues[this.buffered++] = value;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
    if (this.buffered === this.bufferValues.length) this.flush();
  }

  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
  }

  /**
   * Fraction of the training values below `value`, counting values equal to it
   * half (mid-rank), so cdf over the training values themselves is ~uniform.
   * 0 below the minimum, 1 above the maximum; NaN when empty.
   */
  cdf(value: number): number {
    this.flush();
    const n = this.total;
    if (n === 0 || Number.isNaN(value)) return Number.NaN;
    if (value < this.minimum) return 0;
    if (value > this.maximum) return 1;
    if (this.minimum === this.maximum) return 0.5;
    const { means, weights } = this;
    const last = this.centroids - 1;
    let below = 0;
    let i = 0;
    while (i <= last && means[i] < value) below += weights[i++];
    if (i <= last && means[i] === value) {
      let equal = 0;
      for (let j = i; j <= last && means[j] === value; j++) equal += weights[j];
      return (below + equal / 2) / n;
    }
    // value lies between centroid i-1 and i (or a tail): interpolate between
    // their centres; a singleton centroid is exactly one value, not spread.
    if (i === 0) return interpolate(value, this.minimum, 0.5, means[0], weights[0] / 2) / n;
    if (i > last) return (n - interpolate(-value, -this.maximum, 0.5, -means[last], weights[last] / 2)) / n;
    const leftWeight = weights[i - 1];
    const rightWeight = weights[i];
    const leftCentre = below - leftWeight / 2;
    const leftExcluded = leftWeight === 1 ? 0.5 : 0;
    const rightExcluded = rightWeight === 1 ? 0.5 : 0;
    const spread = (leftWeight + rightWeight) / 2 - leftExcluded - rightExcluded;
    const fraction = (value - means[i - 1]) / (means[i] - means[i - 1]);
    return (leftCentre + leftExcluded + spread * fraction) / n;
  }

  /** Value below which a fraction q (0..1) of the training values lie; NaN when empty. */
  quantile(q: number): number {
    this.flush();
    const n = this.total;
    if (n === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    const target = q * n;
    const { means, weights } = this;
    const last = this.centroids - 1;
    // Piecewise linear through (min, 0), (centre_i, cumulative_i + w_i/2), (max, n).
    let previousValue = this.minimum;
    let previousRank = 0;
    let cumulative = 0;
    for (let i = 0; i <= last; i++) {
      const rank = cumulative + weights[i] / 2;
      if (target <= rank) return between(previousValue, previousRank, means[i], rank, target);
      cumulative += weights[i];
      previousValue = means[i];
      previousRank = rank;
    }
    return between(previousValue, previousRank, this.maximum, n, target);
  }

  toJSON(): QuantileSketchJson {
    this.flush();
    return {
      formatVersion: CALIBRATION_FORMAT_VERSION,
      kind: 'quantile-sketch',
      compression: this.compression,
      count: this.total,
      min: this.minimum,
      max: this.maximum,
      means: Array.from(this.means.subarray(0, this.centroids)),
      weights: Array.from(this.weights.subarray(0, this.centroids)),
    };
  }

  static fromJSON(json: unknown): QuantileSketch {
    const doc = json as Partial<QuantileSketchJson> | null;
    if (!doc || typeof doc !== 'object') throw errors.stateCorrupt('quantile sketch JSON is not an object');
    if (doc.formatVersion !== CALIBRATION_FORMAT_VERSION)
      throw errors.stateVersion(doc.formatVersion, CALIBRATION_FORMAT_VERSION);
    const { compression, count, means, weights } = doc;
    const valid =
      doc.kind === 'quantile-sketch' &&
      Number.isInteger(compression) &&
      Array.isArray(means) &&
      Array.isArray(weights) &&
      means.length === weights.length &&
      means.length <= 2 * (compression as number) + 10 &&
      weights.reduce((sum, w) => sum + w, 0) === count;
    if (!valid) throw errors.stateCorrupt('quantile sketch JSON is malformed');
    const sketch = new QuantileSketch(compression);
    sketch.means.set(means);
    sketch.weights.set(weights);
    sketch.centroids = means.length;
    sketch.total = count as number;
    sketch.minimum = count === 0 ? Number.POSITIVE_INFINITY : (doc.min as number);
    sketch.maximum = count === 0 ? Number.NEGATIVE_INFINITY : (doc.max as number);
    return sketch;
  }

  /** Merges buffered values into the centroids (sort, then one greedy pass under the k2 size limit). */
  private flush(): void {
    if (this.buffered === 0) return;
    const size = this.centroids + this.buffered;
    const order = new Int32Array(size);
    const allMeans = new Float64Array(size);
    const allWeights = new Float64Array(size);
    allMeans.set(this.means.subarray(0, this.centroids));
    allWeights.set(this.weights.subarray(0, this.centroids));
    allMeans.set(this.bufferValues.subarray(0, this.buffered), this.centroids);
    allWeights.fill(1, this.centroids);
    for (let i = 0; i < size; i++) order[i] = i;
    // Sort by mean, ties by original position: deterministic across engines.
    order.sort((a, b) => allMeans[a] - allMeans[b] || a - b);
    const total = this.total + this.buffered;
    this.buffered = 0;
    this.total = total;
    this.centroids = 0;
    let mean = allMeans[order[0]];
    let weight = allWeights[order[0]];
    let weightBefore = 0;
    let limit = total * this.upperQuantile(0, total);
    for (let k = 1; k < size; k++) {
      const nextMean = allMeans[order[k]];
      const nextWeight = allWeights[order[k]];
      if (weightBefore + weight + nextWeight <= limit) {
        weight += nextWeight;
        mean += ((nextMean - mean) * nextWeight) / weight;
      } else {
        this.push(mean, weight);
        weightBefore += weight;
        limit = total * this.upperQuantile(weightBefore / total, total);
        mean = nextMean;
        weight = nextWeight;
      }
    }
    this.push(mean, weight);
  }

  /**
   * k2 scale, k(q) = δ/Z ln(q / (1 - q)) with Z = 4 ln(n/δ) + 24 (Dunning &
   * Ertl, section 2.1): returns the quantile one unit of k above q. Centroid
   * sizes shrink like q(1 - q), so the extreme tails keep single values.
   */
  private upperQuantile(q: number, total: number): number {
    if (q <= 0) return 0;
    if (q >= 1) return 1;
    const normaliser = 4 * Math.log(Math.max(total / this.compression, 1)) + 24;
    const k = (this.compression / normaliser) * Math.log(q / (1 - q)) + 1;
    return 1 / (1 + Math.exp((-k * normaliser) / this.compression));
  }

  private push(mean: number, weight: number): void {
    if (this.centroids === this.means.length) {
      const grownMeans = new Float64Array(this.means.length * 2);
      const grownWeights = new Float64Array(this.means.length * 2);
      grownMeans.set(this.means);
      grownWeights.set(this.weights);
      this.means = grownMeans;
      this.weights = grownWeights;
    }
    this.means[this.centroids] = mean;
    this.weights[this.centroids++] = weight;
  }
}

/** Tail rank at `value` between the extreme value (half a point: mid-rank) and the outermost centroid's centre. */
function interpolate(
  value: number,
  extreme: number,
  extremeRank: number,
  centre: number,
  centreRank: number,
): number {
  if (value === extreme || centre === extreme) return extremeRank;
  return extremeRank + (centreRank - extremeRank) * ((value - extreme) / (centre - extreme));
}

function between(x0: number, y0: number, x1: number, y1: number, y: number): number {
  if (y1 <= y0) return x1;
  return x0 + ((x1 - x0) * (y - y0)) / (y1 - y0);
}
