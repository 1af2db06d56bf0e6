/**
 * Fan-out (service discovery sweep): within five minutes a workload touches
 * 15-40 distinct services, most of which it has never called.
 */
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimWorkload } from './targets.js';
import { plainCall, uncalledServices } from './workload-calls.js';

const MIN_DESTINATIONS = 15;

export const fanout: Scenario = {
  name: 'fanout',
  target: 'workload',
  eventRange: [15, 50],
  inject(ctx) {
    const workload = pickVictimWorkload(
      ctx,
      (candidate, history) =>
        uncalledServices(ctx, candidate, history).length >= MIN_DESTINATIONS - candidate.edges.length,
    );
    if (!workload) return undefined;
    const { rng } = ctx;
    const history = ctx.history.get(workload.identity)!;
    const fresh = rng.shuffled(uncalledServices(ctx, workload, history));
    const known = workload.edges.map((edge) => edge.destination);
    const count = Math.min(sized(ctx, MIN_DESTINATIONS, 40), fresh.length + known.length);
    const destinations = [...fresh, ...known].slice(0, count);
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    const span = rng.int(2, 5) * MINUTE_MS;
    const times = spreadTimes(ctx, start, span, destinations.length * 2);
    let next = 0;
    for (const destination of destinations) {
      const requests = rng.chance(0.25 * ctx.intensity) ? 2 : 1;
      for (let i = 0; i < requests; i++) {
        const reads = destination.routes.filter((route) => route.method === 'GET');
        const route = rng.pick(reads.length > 0 ? reads : destination.routes);
        ctx.emit(
          plainCall(
            ctx,
            workload,
            destination.name,
            route,
            times[next++]!,
            rng.chance(0.15) ? 404 : undefined,
          ),
        );
      }
    }
    return workload.identity;
  },
};
