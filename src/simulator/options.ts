/**
 * Simulation options and the defaults derived from them. Volumes are scaled so
 * that the simulated span is about three weeks whatever the event count: each
 * identity accumulates a history before the attack phase (the last 35%).
 */
import { DEFAULT_SCENARIOS, SCENARIOS, type ScenarioName } from './labels.js';

export interface SimulationOptions {
  /** Seed of every random choice; the same options give the same events. */
  seed: number;
  /** Number of events to generate; Infinity streams forever (live demo). */
  events: number;
  /** Number of human users; default clamp(events / 300, 40, 2000). */
  users?: number;
  /** Number of workloads (service identities); default clamp(events / 3000, 12, 200). */
  workloads?: number;
  /** Epoch ms of the first event; default Monday 2026-01-05 00:00 UTC. */
  startTime?: number;
  /** Whether to inject labelled attack incidents; default true. */
  attacks?: boolean;
  /** Scenarios to inject, each as often as the event count asks for; default DEFAULT_SCENARIOS. */
  scenarios?: readonly ScenarioName[];
}

export interface ResolvedOptions {
  seed: number;
  events: number;
  users: number;
  workloads: number;
  startTime: number;
  attacks: boolean;
  scenarios: readonly ScenarioName[];
  /** Intended span of normal traffic, in days. */
  spanDays: number;
  /** Expected events per simulated day across all identities. */
  eventsPerDay: number;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

const SPAN_DAYS = 21;
/** Events per user over the span when the event count is unbounded. */
const EVENTS_PER_USER = 300;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

function positiveInteger(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1) {
    throw new RangeError(`simulator: option "${name}" must be a positive number, got ${value}`);
  }
  return Math.floor(value);
}

function resolveScenarios(names: readonly ScenarioName[] | undefined): readonly ScenarioName[] {
  if (names === undefined) return DEFAULT_SCENARIOS;
  const known = new Set<string>(SCENARIOS);
  for (const name of names) {
    if (!known.has(name))
      throw new RangeError(`simulator: unknown scenario "${name}"; known: ${SCENARIOS.join(', ')}`);
  }
  if (names.length === 0) throw new RangeError('simulator: option "scenarios" must name at least one');
  return [...new Set(names)];
}

export function resolveOptions(options: SimulationOptions): ResolvedOptions {
  const events = options.events === Infinity ? Infinity : positiveInteger('events', options.events);
  if (!Number.isFinite(options.seed))
    throw new RangeError('simulator: option "seed" must be a finite number');
  const users = positiveInteger('users', options.users ?? Math.round(clamp(events / 300, 40, 2000)));
  const workloads = positiveInteger(
    'workloads',
    options.workloads ?? Math.round(clamp(events / 3000, 12, 200)),
  );
  const startTime = options.startTime ?? Date.UTC(2026, 0, 5);
  if (!Number.isFinite(startTime))
    throw new RangeError('simulator: option "startTime" must be epoch milliseconds');
  const eventsPerDay = Number.isFinite(events) ? events / SPAN_DAYS : (users * EVENTS_PER_USER) / SPAN_DAYS;
  return {
    seed: Math.floor(options.seed),
    events,
    users,
    workloads: Math.max(2, workloads),
    startTime,
    attacks: options.attacks ?? true,
    scenarios: resolveScenarios(options.scenarios),
    spanDays: SPAN_DAYS,
    eventsPerDay,
  };
}
