/**
 * Baseline settings (validated in src/config, passed in here): how much
 * history makes a baseline mature, how many values of each kind an identity
 * keeps, and how fast old observations fade.
 */
export interface BaselineCaps {
  devices: number;
  ips: number;
  asns: number;
  countries: number;
  userAgents: number;
  applications: number;
  sessions: number;
  destinations: number;
  routes: number;
}

export interface BaselineSettings {
  /** Mature once it has seen this many events ... */
  matureEvents: number;
  /** ... spread over at least this many days. */
  matureDays: number;
  /** Half-life of known-value counts, for eviction and rarity. */
  halfLifeDays: number;
  /** Weight of the newest observation in the EWMA rates (0..1). */
  ewmaAlpha: number;
  caps: BaselineCaps;
}

export const DEFAULT_BASELINE: BaselineSettings = {
  matureEvents: 20,
  matureDays: 3,
  halfLifeDays: 30,
  ewmaAlpha: 0.05,
  caps: {
    devices: 4,
    ips: 6,
    asns: 4,
    countries: 4,
    userAgents: 3,
    applications: 10,
    sessions: 6,
    destinations: 16,
    routes: 24,
  },
};

export const DAY_MS = 86_400_000;
export const HOURS_PER_WEEK = 168;

/** Hour of the week (0 = Monday 00:00 UTC .. 167) of an epoch-ms time. */
export function hourOfWeek(time: number): number {
  // 1970-01-01 was a Thursday: shift by 3 days so Monday is 0.
  const hours = Math.floor(time / 3_600_000) + 72;
  return ((hours % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}
