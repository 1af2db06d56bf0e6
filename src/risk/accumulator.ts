/**
 * Per-identity accumulated risk: each event's fused risk (0–100) is folded
 * into the identity's running score by a noisy-OR with the score as it has
 * decayed since the identity's last event (exponential decay with a
 * configurable half-life, in event time), and the score is mapped to a level
 * none / low / medium / high / critical.
 *
 * Levels rise as soon as the score reaches a threshold but fall only once the
 * score is `hysteresis` points below it, so an identity hovering around a
 * threshold does not flap between levels (and does not re-trigger policy).
 * Pure functions over a small record kept in IdentityState; never does I/O.
 */

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface LevelThresholds {
  low: number;
  medium: number;
  high: number;
  critical: number;
}

export interface AccumulatorSettings {
  halfLifeMs: number;
  thresholds: LevelThresholds;
  /** Points below a threshold the score must fall before the level drops. */
  hysteresis: number;
}

export const DEFAULT_THRESHOLDS: LevelThresholds = { low: 20, medium: 40, high: 65, critical: 85 };

export const DEFAULT_ACCUMULATOR: AccumulatorSettings = {
  halfLifeMs: 60 * 60_000,
  thresholds: DEFAULT_THRESHOLDS,
  hysteresis: 10,
};

/** The accumulated risk of one identity, as of its latest event. */
export interface IdentityRisk {
  /** 0–100, one decimal. */
  score: number;
  /** Event time (epoch ms) the score refers to. */
  at: number;
  level: RiskLevel;
}

export const levelRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level);

export const atLeast = (level: RiskLevel, minimum: RiskLevel): boolean =>
  levelRank(level) >= levelRank(minimum);

/** The score decayed from `risk.at` to `time` (no decay backwards in time: events may arrive slightly out of order). */
export function decayedScore(risk: IdentityRisk | undefined, time: number, halfLifeMs: number): number {
  if (!risk) return 0;
  const elapsed = Math.max(0, time - risk.at);
  return risk.score * 2 ** (-elapsed / halfLifeMs);
}

/** Level for `score`, rising at once but falling only `hysteresis` points below the threshold of the current level. */
export function levelFor(score: number, previous: RiskLevel, settings: AccumulatorSettings): RiskLevel {
  const { thresholds, hysteresis } = settings;
  let raw: RiskLevel = 'none';
  for (const level of RISK_LEVELS) {
    if (level !== 'none' && score >= thresholds[level]) raw = level;
  }
  if (levelRank(raw) >= levelRank(previous)) return raw;
  // Falling: keep each level above `raw` while the score is within the hysteresis band of its threshold.
  for (let rank = levelRank(previous); rank > levelRank(raw); rank--) {
    const level = RISK_LEVELS[rank] as Exclude<RiskLevel, 'none'>;
    if (score >= thresholds[level] - hysteresis) return level;
  }
  return raw;
}

/** Folds one event's risk (0–100) at `time` into the identity's accumulated risk. */
export function accumulate(
  current: IdentityRisk | undefined,
  eventRisk: number,
  time: number,
  settings: AccumulatorSettings,
): IdentityRisk {
  const before = decayedScore(current, time, settings.halfLifeMs) / 100;
  const added = Math.min(1, Math.max(0, eventRisk / 100));
  const score = Math.round((1 - (1 - before) * (1 - added)) * 1000) / 10;
  const at = current ? Math.max(current.at, time) : time;
  return { score, at, level: levelFor(score, current?.level ?? 'none', settings) };
}
