/**
 * Per-event risk fusion: turns scorer components (each in [0, 1]) into one
 * 0–100 risk with an explanation of what each contributed. Combination is a
 * weighted noisy-OR, 1 − Π(1 − wᵢ·cᵢ): any strong signal alone is enough,
 * several weak ones add up, and the result never exceeds 1.
 */
export interface FusionWeights {
  [component: string]: number;
}

export const DEFAULT_WEIGHTS: FusionWeights = { detectors: 1 };

/** Noisy-OR of severities: the detectors component. */
export function noisyOr(values: readonly number[]): number {
  let keep = 1;
  for (const value of values) keep *= 1 - Math.min(1, Math.max(0, value));
  return 1 - keep;
}

export function fuseRisk(components: Readonly<Record<string, number>>, weights: FusionWeights): number {
  let keep = 1;
  for (const name in components) {
    const weight = weights[name] ?? 0;
    keep *= 1 - Math.min(1, Math.max(0, weight * components[name]));
  }
  return Math.round((1 - keep) * 1000) / 10;
}
