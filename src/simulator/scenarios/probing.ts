/**
 * Probing: within five minutes a workload collects 30-80 authorization
 * failures (401/403) across routes of services it knows and services it
 * does not (a stolen workload credential testing what it may reach).
 */
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimWorkload } from './targets.js';
import { plainCall, uncalledServices, usedEdges } from './workload-calls.js';

export const probing: Scenario = {
  name: 'probing',
  target: 'workload',
  eventRange: [30, 80],
  inject(ctx) {
    const workload = pickVictimWorkload(
      ctx,
      (candidate, history) => usedEdges(candidate, history).length > 0,
    );
    if (!workload) return undefined;
    const { rng } = ctx;
    const history = ctx.history.get(workload.identity)!;
    const known = usedEdges(workload, history).map((edge) => edge.destination);
    const unknown = rng.sample(uncalledServices(ctx, workload, history), rng.int(3, 8));
    const destinations = [...known, ...unknown];
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    for (const at of spreadTimes(ctx, start, rng.int(2, 5) * MINUTE_MS, sized(ctx, 30, 80))) {
      const destination = rng.pick(destinations);
      const route = rng.pick(destination.routes);
      ctx.emit(plainCall(ctx, workload, destination.name, route, at, rng.chance(0.5) ? 401 : 403));
    }
    return workload.identity;
  },
};
