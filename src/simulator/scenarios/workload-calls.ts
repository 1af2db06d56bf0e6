/**
 * Building blocks of the workload scenarios: the services a workload has
 * already called, those it never has, and a call with ordinary sizes.
 */
import type { ServiceEvent } from '../../events/schema.js';
import type { IdentityHistory } from '../history.js';
import type { Service, ServiceRoute, Workload } from '../service-graph.js';
import { serviceCall } from '../workload-traffic.js';
import type { ScenarioContext } from './scenario.js';

/** Services (other than itself) the workload has never been seen calling. */
export function uncalledServices(
  ctx: ScenarioContext,
  workload: Workload,
  history: IdentityHistory,
): Service[] {
  return ctx.world.graph.services.filter(
    (service) => service !== workload.service && !history.routesByDestination.has(service.name),
  );
}

/** Edges of the workload that already carry traffic in the history. */
export function usedEdges(workload: Workload, history: IdentityHistory) {
  return workload.edges.filter(
    (edge) => (history.routesByDestination.get(edge.destination.name)?.size ?? 0) > 0,
  );
}

const SUCCESS: Record<string, number> = { GET: 200, POST: 201, PUT: 200, DELETE: 204 };

/** A call with ordinary sizes and latency, and the given (or the method's success) status. */
export function plainCall(
  ctx: ScenarioContext,
  workload: Workload,
  destination: string,
  route: ServiceRoute,
  time: number,
  status: number = SUCCESS[route.method] ?? 200,
): ServiceEvent {
  const { rng } = ctx;
  const failed = status >= 400;
  return serviceCall(ctx.ids, workload, destination, route, time, {
    status,
    bytesOut: Math.round(rng.logNormal(route.method === 'GET' ? 500 : 1500, 0.5)),
    bytesIn: failed ? rng.int(60, 400) : Math.round(rng.logNormal(3000, 0.8)),
    latencyMs: rng.logNormal(failed ? 6 : 20, 0.5),
  });
}
