/**
 * Privileged route: a workload calls administrative or debugging endpoints
 * of a service it normally talks to, routes it has never used.
 */

import { MINUTE_MS } from '../options.js';
import type { ServiceRoute } from '../service-graph.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimWorkload } from './targets.js';
import { plainCall, usedEdges } from './workload-calls.js';

export const PRIVILEGED_ROUTES: readonly ServiceRoute[] = [
  { method: 'GET', route: '/admin/users' },
  { method: 'POST', route: '/admin/users/{id}/roles' },
  { method: 'GET', route: '/internal/debug/pprof' },
  { method: 'GET', route: '/v1/admin/keys' },
  { method: 'POST', route: '/v1/admin/keys' },
  { method: 'GET', route: '/actuator/env' },
  { method: 'GET', route: '/actuator/heapdump' },
  { method: 'GET', route: '/internal/config/secrets' },
];

export const privilegedRoute: Scenario = {
  name: 'privileged_route',
  target: 'workload',
  eventRange: [2, 6],
  inject(ctx) {
    const workload = pickVictimWorkload(
      ctx,
      (candidate, history) => usedEdges(candidate, history).length > 0,
    );
    if (!workload) return undefined;
    const { rng } = ctx;
    const history = ctx.history.get(workload.identity)!;
    const edge = rng.pick(usedEdges(workload, history));
    const used = history.routesByDestination.get(edge.destination.name)!;
    const routes = PRIVILEGED_ROUTES.filter((route) => !used.has(route.route));
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    for (const at of spreadTimes(ctx, start, rng.int(1, 10) * MINUTE_MS, sized(ctx, 2, 6))) {
      ctx.emit(plainCall(ctx, workload, edge.destination.name, rng.pick(routes), at));
    }
    return workload.identity;
  },
};
