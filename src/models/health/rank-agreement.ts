/**
 * Spearman's rank correlation coefficient (Spearman 1904): the Pearson
 * correlation of the two samples' ranks, ties given their average rank, so
 * heavily tied scores (many identical feature rows) are handled exactly.
 * Used once per shadow period; allocates its rank arrays then, not per row.
 */

/** Average ranks (1-based) of the first `n` values. */
export function averageRanks(values: Float64Array, n: number): Float64Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's ρ of the first `n` pairs; NaN when either sample is constant or n < 2. */
export function spearman(a: Float64Array, b: Float64Array, n: number): number {
  if (n < 2) return Number.NaN;
  const ra = averageRanks(a, n);
  const rb = averageRanks(b, n);
  const mean = (n + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i] - mean;
    const db = rb[i] - mean;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va === 0 || vb === 0 ? Number.NaN : cov / Math.sqrt(va * vb);
}
