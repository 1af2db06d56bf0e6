/**
 * Drift statistics between a reference distribution and a live one, both
 * binned on the same edges:
 *
 * - Population stability index (Yurdakul, "Statistical Properties of
 *   Population Stability Index", 2018): PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over
 *   the bins, with eᵢ the reference share and aᵢ the live share; both are
 *   floored at PSI_EPSILON so an empty bin gives a large but finite term. The
 *   usual reading: below 0.1 stable, 0.1–0.25 a shift worth watching, above
 *   0.25 a significant shift.
 * - Kolmogorov–Smirnov statistic D = sup |F_ref(x) − F_live(x)| (the two-sample
 *   KS distance), evaluated at the bin edges: exact at every edge, so a lower
 *   bound of the unbinned D that is tight when the bins are fine (the score
 *   uses percentile bins: within 0.01).
 *
 * Pure functions over small arrays; they allocate nothing.
 */

export const PSI_EPSILON = 1e-4;

/** PSI of live bin `counts` (starting at `offset`, `total` rows) against reference `proportions`. */
export function psi(
  proportions: readonly number[],
  counts: ArrayLike<number>,
  offset: number,
  total: number,
): number {
  if (total <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < proportions.length; i++) {
    const expected = Math.max(proportions[i], PSI_EPSILON);
    const actual = Math.max(counts[offset + i] / total, PSI_EPSILON);
    sum += (actual - expected) * Math.log(actual / expected);
  }
  return sum;
}

/** KS distance between reference `proportions` and live bin `counts`, at the bin edges. */
export function ksBinned(
  proportions: readonly number[],
  counts: ArrayLike<number>,
  offset: number,
  total: number,
): number {
  if (total <= 0) return 0;
  let reference = 0;
  let live = 0;
  let sup = 0;
  // The last bin closes both CDFs at 1, so the edges are the only places they can differ.
  for (let i = 0; i < proportions.length - 1; i++) {
    reference += proportions[i];
    live += counts[offset + i] / total;
    const gap = Math.abs(reference - live);
    if (gap > sup) sup = gap;
  }
  return sup;
}
