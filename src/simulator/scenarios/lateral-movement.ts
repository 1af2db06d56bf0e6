/**
 * Lateral movement: a mature workload starts calling one to three services
 * of the mesh it has never called, a few ordinary-looking requests each.
 */
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimWorkload } from './targets.js';
import { plainCall, uncalledServices } from './workload-calls.js';

export const lateralMovement: Scenario = {
  name: 'lateral_movement',
  target: 'workload',
  eventRange: [2, 15],
  inject(ctx) {
    const workload = pickVictimWorkload(
      ctx,
      (candidate, history) => uncalledServices(ctx, candidate, history).length >= 3,
    );
    if (!workload) return undefined;
    const { rng } = ctx;
    const history = ctx.history.get(workload.identity)!;
    const destinations = rng.sample(uncalledServices(ctx, workload, history), sized(ctx, 1, 3));
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    const span = rng.int(2, 15) * MINUTE_MS;
    for (const destination of destinations) {
      const reads = destination.routes.filter((route) => route.method === 'GET');
      for (const at of spreadTimes(ctx, start, span, sized(ctx, 2, 5))) {
        ctx.emit(
          plainCall(
            ctx,
            workload,
            destination.name,
            rng.pick(reads.length > 0 ? reads : destination.routes),
            at,
          ),
        );
      }
    }
    return workload.identity;
  },
};
