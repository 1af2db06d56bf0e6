import { describe, expect, it } from 'vitest';
import { CALIBRATION_FORMAT_VERSION, QuantileSketch } from '../../src/models/calibration.js';
import { SeededRandom } from '../../src/models/random.js';

/** Skewed, score-like values: most near 0.45, a long right tail. */
function scoreLikeValues(count: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++)
    values[i] = 0.4 + 0.05 * random.nextNormal() + (random.nextFloat() < 0.02 ? 0.3 * random.nextFloat() : 0);
  return values;
}

function sketchOf(values: ArrayLike<number>, compression?: number): QuantileSketch {
  const sketch = new QuantileSketch(compression);
  sketch.addAll(values);
  return sketch;
}

/** Exact fraction of `sorted` strictly below x plus half of those equal (mid-rank). */
function exactCdf(sorted: Float64Array, x: number): number {
  let below = 0;
  let equal = 0;
  for (const v of sorted) {
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return (below + equal / 2) / sorted.length;
}

describe('score calibration sketch', () => {
  const training = scoreLikeValues(100_000, 1);
  const sketch = sketchOf(training);
  const sorted = Float64Array.from(training).sort();

  it('maps scores to percentiles monotonically, 0 below the minimum and 1 above the maximum', () => {
    let previous = -1;
    for (let x = 0; x <= 1.001; x += 0.0005) {
      const p = sketch.cdf(x);
      expect(p).toBeGreaterThanOrEqual(previous);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      previous = p;
    }
    expect(sketch.cdf(sorted[0] - 1)).toBe(0);
    expect(sketch.cdf(sorted[sorted.length - 1] + 1)).toBe(1);
  });

  it('is about uniform on its own training data', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const value of training) deciles[Math.min(9, Math.floor(sketch.cdf(value) * 10))]++;
    for (const count of deciles) expect(count / training.length).toBeCloseTo(0.1, 2);
  });

  it('stays within half a percentile of the exact mid-rank', () => {
    for (const value of training.subarray(0, 300))
      expect(Math.abs(sketch.cdf(value) - exactCdf(sorted, value))).toBeLessThan(0.005);
  });

  it('stays accurate in the tail where alerts live', () => {
    for (const q of [0.99, 0.999, 0.9999]) {
      const value = sorted[Math.floor(q * sorted.length)];
      expect(Math.abs(sketch.cdf(value) - q)).toBeLessThan(0.2 * (1 - q));
    }
  });

  it('inverts cdf with quantile', () => {
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      expect(sketch.cdf(sketch.quantile(q))).toBeCloseTo(q, 2);
      expect(sketch.quantile(q)).toBeCloseTo(sorted[Math.floor(q * sorted.length)], 2);
    }
    expect(sketch.quantile(0)).toBe(sorted[0]);
    expect(sketch.quantile(1)).toBe(sorted[sorted.length - 1]);
  });

  it('stays small: about `compression` centroids for 100k values', () => {
    expect(sketch.toJSON().means.length).toBeLessThanOrEqual(200);
    expect(sketch.count).toBe(100_000);
  });

  it('counts ties half: a constant training set puts that constant at the 50th percentile', () => {
    const constant = sketchOf(new Float64Array(1000).fill(0.42));
    expect(constant.cdf(0.42)).toBe(0.5);
    expect(constant.cdf(0.41)).toBe(0);
    expect(constant.cdf(0.43)).toBe(1);
  });

  it('is deterministic and restores exactly from its JSON', () => {
    expect(sketchOf(training).toJSON()).toEqual(sketch.toJSON());
    const restored = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch.toJSON())));
    for (const x of [0.2, 0.4, 0.45, 0.5, 0.7]) expect(restored.cdf(x)).toBe(sketch.cdf(x));
    expect(restored.toJSON()).toEqual(sketch.toJSON());
  });

  it('keeps learning after a restore', () => {
    const restored = QuantileSketch.fromJSON(sketchOf(training.subarray(0, 50_000)).toJSON());
    restored.addAll(training.subarray(50_000));
    expect(restored.count).toBe(100_000);
    expect(restored.cdf(sorted[50_000])).toBeCloseTo(0.5, 2);
  });

  it('rejects a snapshot of an unknown format version', () => {
    const json = { ...sketch.toJSON(), formatVersion: CALIBRATION_FORMAT_VERSION + 1 };
    expect(() => QuantileSketch.fromJSON(json)).toThrow(expect.objectContaining({ code: 'STATE_VERSION' }));
  });

  it('answers NaN before it has seen any value', () => {
    expect(new QuantileSketch().cdf(0.5)).toBeNaN();
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
  });
});
