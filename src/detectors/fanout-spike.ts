/**
 * Fan-out spike: a workload touching many more distinct services within
 * minutes than it has ever depended on, the shape of service discovery or
 * scanning from a compromised pod. Counts come from the profile's ring of
 * recent destinations (its last 32 calls), so for busy workloads the window is
 * effectively "the last 32 calls", which only makes the test stricter. The
 * usual fan-out is the number of destinations known from before the window,
 * so the first calls of a scan (learned before the threshold is reached) do
 * not raise the bar they are measured against. It fires on the calls that
 * make the spread (destinations new within the window), not on the ordinary
 * calls to usual dependencies that happen meanwhile.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type DetectorDefinition, type ServiceDetector, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 5,
    minimum: 1,
    description: 'sliding window for distinct destinations',
  }),
  min_distinct: Type.Integer({
    default: 10,
    minimum: 2,
    description: 'distinct destinations in the window that may fire',
  }),
  factor: Type.Number({
    default: 3,
    minimum: 1,
    description: 'fire only at this many times the number of destinations the workload usually calls',
  }),
});
type Params = Static<typeof Params>;

export const fanoutSpike: DetectorDefinition<Params> = {
  name: 'fanout_spike',
  kind: 'service',
  description: 'A workload calling many more distinct services within minutes than it usually depends on.',
  params: Params,
  create(params): ServiceDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'fanout_spike',
      kind: 'service',
      inspect(event, { profile }) {
        const since = event.time - windowMs;
        const recent = profile.recentDestinations;
        // Calls bound distinct destinations from above: a cheap linear check before the quadratic one.
        if (recent.countSince(since) < params.min_distinct) return undefined;
        // Calls to the usual dependencies are not the spread, even while one is under way.
        const slot = profile.destinations.indexOf(event.destination);
        if (slot >= 0 && profile.destinations.firstSeen(slot) < since) return undefined;
        const distinct = recent.distinctTagsSince(since);
        if (distinct < params.min_distinct) return undefined;
        // Destinations first learned inside the window are part of the spike, not the habit.
        const usual = profile.destinations.sizeBefore(since);
        const threshold = Math.max(params.min_distinct, Math.ceil(params.factor * usual));
        if (distinct < threshold) return undefined;
        return {
          detector: 'fanout_spike',
          severity: severity(0.6 + 0.3 * Math.min(1, (distinct - threshold) / threshold)),
          summary: `${distinct} distinct services called within ${params.window_minutes} minutes (usually ${usual})`,
          evidence: {
            distinct_destinations: distinct,
            window_minutes: params.window_minutes,
            usual_destination_count: usual,
            threshold,
            destination: event.destination,
            route: event.route,
          },
        };
      },
    };
  },
};
