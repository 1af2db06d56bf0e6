/**
 * Model health arithmetic on small examples worked by hand: population
 * stability index (with the epsilon for empty bins), the binned KS distance,
 * Spearman's rank correlation with ties, the reference bins cut at the
 * training quantiles, and the live window sliding its counts.
 */
import { describe, expect, it } from 'vitest';
import {
  binOf,
  buildReference,
  ksBinned,
  LiveWindow,
  PSI_EPSILON,
  psi,
  spearman,
} from '../../src/models/health/index.js';

describe('population stability index', () => {
  it('is 0 when the live shares equal the reference shares', () => {
    expect(psi([0.25, 0.25, 0.5], [25, 25, 50], 0, 100)).toBe(0);
  });

  it('matches the hand-computed value for a 50/50 reference seen as 30/70', () => {
    // (0.3 − 0.5)·ln(0.3/0.5) + (0.7 − 0.5)·ln(0.7/0.5) = 0.102165 + 0.067294
    expect(psi([0.5, 0.5], [30, 70], 0, 100)).toBeCloseTo(0.169459, 5);
  });

  it('floors an empty reference bin at epsilon instead of dividing by zero', () => {
    // 0 + (0.4 − 0.5)·ln(0.8) + (0.1 − ε)·ln(0.1 / ε), ε = 0.0001: 0.022314 + 0.690085
    expect(PSI_EPSILON).toBe(1e-4);
    expect(psi([0.5, 0.5, 0], [50, 40, 10], 0, 100)).toBeCloseTo(0.712399, 5);
  });

  it('reads the counts of one channel at its offset', () => {
    expect(psi([0.5, 0.5], [9, 9, 30, 70], 2, 100)).toBeCloseTo(0.169459, 5);
  });
});

describe('binned Kolmogorov–Smirnov distance', () => {
  it('is the largest gap between the cumulative shares at the bin edges', () => {
    // reference CDF .25 .50 .75; live .10 .50 .80 → gaps .15 0 .05
    expect(ksBinned([0.25, 0.25, 0.25, 0.25], [10, 40, 30, 20], 0, 100)).toBeCloseTo(0.15, 10);
  });

  it('is 0 for identical distributions and 1 for disjoint ones', () => {
    expect(ksBinned([0.2, 0.8], [20, 80], 0, 100)).toBeCloseTo(0, 10);
    expect(ksBinned([1, 0], [0, 50], 0, 50)).toBe(1);
  });
});

describe('Spearman rank correlation', () => {
  it('is 1 for a monotone relation, −1 for a reversed one', () => {
    const a = Float64Array.of(1, 2, 3, 4, 5);
    expect(spearman(a, Float64Array.of(10, 20, 30, 400, 5000), 5)).toBeCloseTo(1, 12);
    expect(spearman(a, Float64Array.of(5, 4, 3, 2, 1), 5)).toBeCloseTo(-1, 12);
  });

  it('gives tied values their average rank', () => {
    // ranks a: 1 2 3 4; ranks b: 1.5 1.5 3.5 3.5 → ρ = 4 / sqrt(5 · 4) = 0.894427
    const rho = spearman(Float64Array.of(1, 2, 3, 4), Float64Array.of(7, 7, 9, 9), 4);
    expect(rho).toBeCloseTo(4 / Math.sqrt(20), 10);
  });

  it('is undefined (NaN) when one sample is constant', () => {
    expect(spearman(Float64Array.of(1, 2, 3), Float64Array.of(5, 5, 5), 3)).toBeNaN();
  });
});

describe('reference distributions', () => {
  it('cuts a feature at its training deciles and a 0/1 feature into its two values', () => {
    const rows = 100;
    const data = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      data[r * 2] = r; // 0..99
      data[r * 2 + 1] = r < 80 ? 0 : 1;
    }
    const scores = Float64Array.from({ length: rows }, (_, r) => r / 100);
    const reference = buildReference(['count', 'flag'], data, rows, scores);
    expect(reference.features[0].edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // bin i holds edges[i-1] < v <= edges[i]: 0..10 is 11 values, 11..20 ten, ..., 91..99 nine
    expect(reference.features[0].proportions).toEqual([0.11, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.09]);
    expect(reference.features[1].edges).toEqual([0, 1]);
    expect(reference.features[1].proportions).toEqual([0.8, 0.2, 0]);
    expect(reference.score.edges).toHaveLength(9);
    expect(reference.score_fine.edges).toHaveLength(99);
    expect(reference.rows).toBe(100);
  });

  it('places a value in the first bin whose edge it does not exceed', () => {
    expect(binOf([0, 1], -3)).toBe(0);
    expect(binOf([0, 1], 0)).toBe(0);
    expect(binOf([0, 1], 0.5)).toBe(1);
    expect(binOf([0, 1], 2)).toBe(2);
  });
});

describe('live window', () => {
  it('keeps the counts of the last `capacity` rows only', () => {
    const data = Float64Array.of(0, 1, 2, 3);
    const reference = buildReference(['x'], data, 4, Float64Array.of(0.1, 0.2, 0.3, 0.4), 4);
    // edges of x: [1, 2, 3] → bins {≤1} {2} {3} {>3}
    const window = new LiveWindow(reference, 3);
    const row = new Float64Array(1);
    for (const value of [0, 0, 3, 5]) {
      row[0] = value;
      window.add(row, 0, 0.25);
    }
    expect(window.rows).toBe(3);
    // the first 0 slid out: one 0, one 3, one 5 remain
    expect(Array.from(window.counts.subarray(window.offsets[0], window.offsets[1]))).toEqual([1, 0, 1, 1]);
    const scoreBins = window.counts.subarray(window.offsets[1], window.offsets[2]);
    expect(scoreBins.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
