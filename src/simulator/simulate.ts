/**
 * The simulation loop. At each UTC midnight it decides the sessions of the
 * users' local days that start in the next 24 hours; hour by hour it turns the
 * sessions starting soon, the service-account jobs and the workload calls of
 * that hour into events in a time-ordered queue, then emits everything
 * before the hour's end in time order. As the emitted count passes an incident's due point, that
 * scenario injects its events (never earlier than the last emitted event), so
 * the merged stream stays non-decreasing in time and needs only about two
 * days of pending events in memory, even when it never ends.
 *
 * Ordinary traffic, attacks and ids draw from separate random streams: the
 * ordinary traffic is the same with attacks on or off.
 */
import type { VigilEvent } from '../events/schema.js';
import { type AccountActivityContext, planAccountChanges } from './account-activity.js';
import { EventQueue } from './event-queue.js';
import { HistoryBook } from './history.js';
import { IncidentPlan } from './incident-plan.js';
import type { ScenarioLabel, ScenarioName, SimulatedEvent } from './labels.js';
import { DAY_MS, HOUR_MS, type ResolvedOptions, resolveOptions, type SimulationOptions } from './options.js';
import { Random, streamSeed } from './random.js';
import { SCENARIO_REGISTRY, type ScenarioContext } from './scenarios/index.js';
import { planServiceAccountRuns } from './service-account-activity.js';
import {
  EVENTS_PER_SESSION,
  planUserDay,
  SESSION_LEAD_MS,
  type SessionPlan,
  startSession,
  type UserActivityContext,
  WEEKDAY_EQUIVALENTS_PER_WEEK,
} from './user-activity.js';
import { planWorkloadHour, type WorkloadTrafficContext } from './workload-traffic.js';
import { AUTH_SHARE, createWorld, SERVICE_ACCOUNT_AUTH_SHARE, type World } from './world.js';

export function* simulate(options: SimulationOptions): Generator<SimulatedEvent> {
  const resolved = resolveOptions(options);
  const world = createWorld(resolved);
  const queue = new EventQueue();
  const history = new HistoryBook(world.utcOffsets);
  const traffic = new Random(streamSeed(resolved.seed, 'traffic'));
  const trafficIds = new Random(streamSeed(resolved.seed, 'traffic-ids'));
  const userContext = userActivityContext(resolved, world, traffic, trafficIds, queue);
  const workloadContext: WorkloadTrafficContext = {
    rng: traffic,
    ids: trafficIds,
    queue,
    serviceEventsPerDay: resolved.eventsPerDay * (1 - AUTH_SHARE),
    endUsers: world.users,
  };
  const accountContext: AccountActivityContext = {
    rng: new Random(streamSeed(resolved.seed, 'account-changes')),
    ids: new Random(streamSeed(resolved.seed, 'account-change-ids')),
    queue,
    world,
  };
  const attacks = resolved.attacks ? new AttackInjector(resolved, world, history, queue) : undefined;

  /** Planned sessions not yet turned into events, latest first. */
  const sessions: SessionPlan[] = [];
  let emitted = 0;
  for (let hourStart = (Math.floor(resolved.startTime / DAY_MS) - 1) * DAY_MS; ; hourStart += HOUR_MS) {
    const hourEnd = hourStart + HOUR_MS;
    if (hourStart % DAY_MS === 0) {
      for (const user of world.users) {
        // Leavers are still planned (same random draws for everyone else), their sessions dropped.
        const retired = world.retiredUsers.has(user.identity) && hourStart >= world.retireAt;
        planUserDay(
          userContext,
          user,
          Math.ceil((hourStart + user.utcOffsetMs) / DAY_MS),
          retired ? [] : sessions,
        );
      }
      planAccountChanges(accountContext, hourStart);
      sessions.sort((a, b) => b.start - a.start);
    }
    while (sessions.length > 0 && sessions.at(-1)!.start < hourEnd + SESSION_LEAD_MS)
      startSession(userContext, sessions.pop()!);
    for (const account of world.serviceAccounts)
      planServiceAccountRuns(userContext, account, hourStart, hourEnd);
    if (hourEnd > resolved.startTime) planWorkloadHour(workloadContext, world.graph.workloads, hourStart);
    while (queue.peekTime() < hourEnd) {
      const item = queue.pop()!;
      if (item.event.time < resolved.startTime) continue;
      history.record(item.event);
      yield item;
      emitted++;
      if (emitted >= resolved.events) return;
      attacks?.launchDue(emitted, item.event.time);
    }
  }
}

function userActivityContext(
  options: ResolvedOptions,
  world: World,
  rng: Random,
  ids: Random,
  queue: EventQueue,
): UserActivityContext {
  const userAuthPerDay = options.eventsPerDay * AUTH_SHARE * (1 - SERVICE_ACCOUNT_AUTH_SHARE);
  const perUserPerDay = userAuthPerDay / world.users.length;
  return {
    rng,
    ids,
    queue,
    vpnPlaces: world.vpnPlaces,
    sessionsPerWeekday: (7 * perUserPerDay) / (WEEKDAY_EQUIVALENTS_PER_WEEK * EVENTS_PER_SESSION),
  };
}

/** Launches due incidents into the queue with their labels. */
class AttackInjector {
  private readonly plan: IncidentPlan;
  private readonly rng: Random;
  private readonly ids: Random;

  constructor(
    options: ResolvedOptions,
    private readonly world: World,
    private readonly history: HistoryBook,
    private readonly queue: EventQueue,
  ) {
    this.rng = new Random(streamSeed(options.seed, 'attacks'));
    this.ids = new Random(streamSeed(options.seed, 'attack-ids'));
    this.plan = new IncidentPlan(options, new Random(streamSeed(options.seed, 'incident-plan')));
  }

  launchDue(emitted: number, now: number): void {
    for (let scenario = this.plan.due(emitted); scenario !== undefined; scenario = this.plan.due(emitted)) {
      const target = this.launch(scenario, now);
      if (target !== undefined) this.history.markAttacked(target, now);
      this.plan.settle(emitted, target !== undefined);
    }
  }

  private launch(scenario: ScenarioName, now: number): string | undefined {
    const label: ScenarioLabel = { scenario, incident: this.plan.nextIncidentId() };
    const staged: SimulatedEvent[] = [];
    const context: ScenarioContext = {
      rng: this.rng,
      ids: this.ids,
      now,
      intensity: this.plan.intensity,
      occurrence: this.plan.occurrence(scenario),
      world: this.world,
      history: this.history,
      emit: (event: VigilEvent) => staged.push({ event, label }),
      emitOrdinary: (event: VigilEvent) => staged.push({ event }),
    };
    const target = SCENARIO_REGISTRY[scenario].inject(context);
    if (target === undefined) return undefined;
    for (const item of staged) this.queue.push(item);
    return target;
  }
}
