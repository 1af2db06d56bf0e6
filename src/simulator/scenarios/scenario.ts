/**
 * The contract every attack scenario implements. A scenario injects one
 * incident at or after `now`: it picks a mature victim from the history of
 * the emitted stream, and emits the attack's events (labelled) and, where the
 * story needs it, the victim's own ordinary events (unlabelled). It must
 * never put anything in an event that names the scenario or the attacker.
 */
import type { VigilEvent } from '../../events/schema.js';
import type { HistoryBook } from '../history.js';
import type { ScenarioName } from '../labels.js';
import type { Random } from '../random.js';
import type { World } from '../world.js';

export interface ScenarioContext {
  rng: Random;
  ids: Random;
  /** Time of the event just emitted; the incident starts at or after it. */
  now: number;
  /** 0..1: where in its documented ranges the incident's sizes are drawn (keeps the attack share small). */
  intensity: number;
  /** 0-based count of earlier incidents of the same scenario. */
  occurrence: number;
  world: World;
  history: HistoryBook;
  /** Queues an attack event (it will carry the incident's label). */
  emit(event: VigilEvent): void;
  /** Queues an event of the victim's own, ordinary activity (no label). */
  emitOrdinary(event: VigilEvent): void;
}

export interface Scenario {
  name: ScenarioName;
  target: 'user' | 'workload';
  /** Fewest and most labelled events one incident emits (at intensity 1). */
  eventRange: readonly [number, number];
  /** Emits one incident and returns the targeted identity, or undefined when no suitable target exists yet. */
  inject(ctx: ScenarioContext): string | undefined;
}

/** A count in [min, max], drawn from the lower part of the range when intensity is low. */
export function sized(ctx: ScenarioContext, min: number, max: number): number {
  return min + Math.round(ctx.rng.float() * ctx.intensity * (max - min));
}

/** `count` times spread at random over [start, start + spanMs], sorted. */
export function spreadTimes(ctx: ScenarioContext, start: number, spanMs: number, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(start + Math.floor(ctx.rng.float() * spanMs));
  return times.sort((a, b) => a - b);
}
