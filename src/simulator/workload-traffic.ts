/**
 * Normal east-west traffic: each workload calls only its own edges, at a
 * steady rate with a mild daily curve (UTC) and quieter weekends. Per edge,
 * request sizes are log-normal around the edge's median, statuses mostly
 * 2xx with about 1% 5xx, rare 404 and very rare 401/403. Never labelled.
 */
import type { ServiceEvent } from '../events/schema.js';
import { eventId } from './auth-events.js';
import type { EventQueue } from './event-queue.js';
import { DAY_MS, HOUR_MS } from './options.js';
import type { User } from './population.js';
import type { Random } from './random.js';
import type { Edge, ServiceRoute, Workload } from './service-graph.js';

export interface WorkloadTrafficContext {
  rng: Random;
  ids: Random;
  queue: EventQueue;
  /** Service events per average day across all workloads. */
  serviceEventsPerDay: number;
  /** Users who may appear as the propagated end user of user-facing calls. */
  endUsers: readonly User[];
}

const SLOT_MS = 10 * 60_000;
const SLOTS_PER_DAY = DAY_MS / SLOT_MS;
const SLOTS_PER_HOUR = HOUR_MS / SLOT_MS;
/** Weekday and weekend multipliers, normalised so that a week averages 1. */
const WEEKDAY_FACTOR = 7 / (5 + 2 * 0.7);
const WEEKEND_FACTOR = 0.7 * WEEKDAY_FACTOR;

/** Share of a day's traffic per 10-minute slot: a broad bump centred on 14:00 UTC. */
const SLOT_SHARE: Float64Array = (() => {
  const shares = new Float64Array(SLOTS_PER_DAY);
  let total = 0;
  for (let slot = 0; slot < SLOTS_PER_DAY; slot++) {
    const hour = (slot + 0.5) / 6;
    const distance = Math.min(Math.abs(hour - 14), 24 - Math.abs(hour - 14));
    shares[slot] = 0.45 + Math.exp(-(distance * distance) / (2 * 4.5 * 4.5));
    total += shares[slot]!;
  }
  for (let slot = 0; slot < SLOTS_PER_DAY; slot++) shares[slot]! /= total;
  return shares;
})();

const SUCCESS_STATUS: Record<string, number> = { GET: 200, POST: 201, PUT: 200, DELETE: 204, PATCH: 200 };
const SERVER_ERRORS = [500, 500, 502, 503, 503, 504];
const METHOD_SIZE_FACTOR: Record<string, number> = { GET: 1, DELETE: 0.8, POST: 2.5, PUT: 2, PATCH: 1.5 };

/**
 * Plans every workload's calls for the hour starting at `hourStart` (a whole
 * UTC hour): planning an hour at a time keeps few events pending.
 */
export function planWorkloadHour(
  ctx: WorkloadTrafficContext,
  workloads: readonly Workload[],
  hourStart: number,
): void {
  const weekday = new Date(hourStart).getUTCDay();
  const dayFactor = weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : WEEKDAY_FACTOR;
  const dayStart = Math.floor(hourStart / DAY_MS) * DAY_MS;
  const firstSlot = Math.floor((hourStart - dayStart) / SLOT_MS);
  for (const workload of workloads) {
    const perDay = ctx.serviceEventsPerDay * workload.trafficShare * dayFactor;
    for (let slot = firstSlot; slot < firstSlot + SLOTS_PER_HOUR; slot++) {
      const count = ctx.rng.poisson(perDay * SLOT_SHARE[slot]!);
      const slotStart = dayStart + slot * SLOT_MS;
      for (let i = 0; i < count; i++) {
        const time = slotStart + Math.floor(ctx.rng.float() * SLOT_MS);
        const edge = workload.edges[ctx.rng.pickCumulative(workload.edgeWeights)]!;
        const route = edge.routes[ctx.rng.pickCumulative(edge.routeWeights)]!;
        ctx.queue.push({ event: normalCall(ctx, workload, edge, route, time) });
      }
    }
  }
}

function normalStatus(rng: Random, route: ServiceRoute): number {
  const roll = rng.float();
  if (roll < 0.01) return rng.pick(SERVER_ERRORS);
  if (roll < 0.015 && route.method === 'GET' && route.route.includes('{id}')) return 404;
  if (roll < 0.0165) return rng.chance(0.5) ? 401 : 403;
  return SUCCESS_STATUS[route.method] ?? 200;
}

function normalCall(
  ctx: WorkloadTrafficContext,
  workload: Workload,
  edge: Edge,
  route: ServiceRoute,
  time: number,
): ServiceEvent {
  const { rng } = ctx;
  const status = normalStatus(rng, route);
  const sizeFactor = METHOD_SIZE_FACTOR[route.method] ?? 1;
  const failed = status >= 400;
  const event = serviceCall(ctx.ids, workload, edge.destination.name, route, time, {
    status,
    bytesOut: Math.round(rng.logNormal(edge.bytesOutMedian * sizeFactor, 0.35)),
    bytesIn: failed ? rng.int(60, 400) : Math.round(rng.logNormal(edge.bytesInMedian / sizeFactor, 0.5)),
    latencyMs: rng.logNormal(edge.latencyMedianMs * (status >= 500 ? 4 : 1), 0.5),
  });
  if (workload.userFacing && ctx.endUsers.length > 0 && rng.chance(0.7))
    event.end_user = rng.pick(ctx.endUsers).identity;
  return event;
}

export interface CallOutcome {
  status: number;
  bytesOut: number;
  bytesIn: number;
  latencyMs: number;
}

/** A canonical service event; shared with the workload attack scenarios. */
export function serviceCall(
  ids: Random,
  workload: Workload,
  destination: string,
  route: ServiceRoute,
  time: number,
  outcome: CallOutcome,
): ServiceEvent {
  return {
    kind: 'service',
    id: eventId(ids),
    time,
    identity: workload.identity,
    identity_type: 'workload',
    destination,
    method: route.method,
    route: route.route,
    status: outcome.status,
    bytes_in: outcome.bytesIn,
    bytes_out: outcome.bytesOut,
    latency_ms: Math.round(outcome.latencyMs * 10) / 10,
    mtls_verified: true,
    src_ip: workload.srcIp,
  };
}
