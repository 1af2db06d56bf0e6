/**
 * Lateral movement: a mature workload successfully calling a service it has
 * never called before, a new edge in the service-to-service graph. Workloads
 * talk to a small, stable set of dependencies, so a new edge from a
 * compromised pod is one of the clearest east-west signals. Severity is higher
 * for workloads with few dependencies (a stable graph) than for hubs.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type DetectorDefinition, type ServiceDetector, severity } from './types.js';

const Params = Type.Object({
  max_status: Type.Integer({
    default: 399,
    minimum: 100,
    maximum: 599,
    description: 'highest status that counts as a successful call (refused calls are denied_spike territory)',
  }),
});
type Params = Static<typeof Params>;

export const lateralMovement: DetectorDefinition<Params> = {
  name: 'lateral_movement',
  kind: 'service',
  description: 'A mature workload successfully calling a service it has never called before.',
  params: Params,
  create(params): ServiceDetector {
    return {
      name: 'lateral_movement',
      kind: 'service',
      inspect(event, { profile }) {
        if (event.status > params.max_status || !profile.isMature) return undefined;
        if (profile.destinations.has(event.destination)) return undefined;
        const known = profile.destinations.entries();
        // 0.75 for a workload with one dependency, down to 0.5 for a hub with a dozen or more.
        const level = 0.77 - 0.025 * Math.min(known.length, 11);
        return {
          detector: 'lateral_movement',
          severity: severity(level),
          summary: `New service-to-service edge: ${event.identity} called ${event.destination} (${event.method} ${event.route}) for the first time`,
          evidence: {
            destination: event.destination,
            method: event.method,
            route: event.route,
            status: event.status,
            known_destination_count: known.length,
            known_destinations: known.slice(0, 5).map((entry) => entry.value),
            mtls_verified: event.mtls_verified,
            end_user: event.end_user,
          },
        };
      },
    };
  },
};
