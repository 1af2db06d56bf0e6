/**
 * Exfiltration: on one of its usual edges, a workload sends 5-20 requests
 * whose bytes_out is 50-500 times the edge's typical request size, within
 * ten minutes.
 */
import { MINUTE_MS } from '../options.js';
import { serviceCall } from '../workload-traffic.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimWorkload } from './targets.js';
import { usedEdges } from './workload-calls.js';

export const exfiltration: Scenario = {
  name: 'exfiltration',
  target: 'workload',
  eventRange: [5, 20],
  inject(ctx) {
    const workload = pickVictimWorkload(
      ctx,
      (candidate, history) => usedEdges(candidate, history).length > 0,
    );
    if (!workload) return undefined;
    const { rng } = ctx;
    const edge = rng.pick(usedEdges(workload, ctx.history.get(workload.identity)!));
    const writes = edge.routes.filter((route) => route.method === 'POST' || route.method === 'PUT');
    const routes = writes.length > 0 ? writes : edge.routes;
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    for (const at of spreadTimes(ctx, start, rng.int(3, 10) * MINUTE_MS, sized(ctx, 5, 20))) {
      const route = rng.pick(routes);
      ctx.emit(
        serviceCall(ctx.ids, workload, edge.destination.name, route, at, {
          status: route.method === 'POST' ? 201 : 200,
          bytesOut: Math.round(edge.bytesOutMedian * rng.between(50, 500)),
          bytesIn: Math.round(rng.logNormal(edge.bytesInMedian, 0.5)),
          latencyMs: rng.logNormal(edge.latencyMedianMs * 6, 0.4),
        }),
      );
    }
    return workload.identity;
  },
};
