/**
 * The path-length normaliser of Isolation Forest (Liu, Ting & Zhou, "Isolation
 * Forest", ICDM 2008, eq. 1): c(n) is the average path length of an
 * unsuccessful search in a binary search tree of n points,
 *   c(n) = 2 H(n-1) - 2 (n-1) / n,  H(i) ~ ln(i) + Euler's constant,
 * with c(2) = 1 and c(n <= 1) = 0, exactly as scikit-learn computes it.
 */
const EULER_GAMMA = 0.5772156649015329;

export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Height limit of a tree grown on `sampleSize` points: ceil(log2(max(sampleSize, 2))). */
export function heightLimit(sampleSize: number): number {
  return Math.ceil(Math.log2(Math.max(sampleSize, 2)));
}
