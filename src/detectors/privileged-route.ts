/**
 * Privileged route: a mature workload calling an administrative, debugging or
 * secret-bearing route (by its template) that it has never called before:
 * `/admin`, `/actuator`, `pprof`, `/secrets`... Attackers who land in a pod
 * go for exactly these. Patterns are case-insensitive regular expressions
 * compiled once at create; an invalid one is a configuration error.
 */
import { type Static, Type } from '@sinclair/typebox';
import { routeKey } from '../baseline/service-profile.js';
import { errors } from '../errors.js';
import { type DetectorDefinition, type ServiceDetector, severity } from './types.js';

export const DEFAULT_PRIVILEGED_PATTERNS = [
  '/admin',
  '/internal',
  '/debug',
  'pprof',
  '/actuator',
  '/keys',
  '/secrets',
  '/sudo',
  '/root',
];

const Params = Type.Object({
  patterns: Type.Array(Type.String({ minLength: 1 }), {
    default: DEFAULT_PRIVILEGED_PATTERNS,
    description: 'case-insensitive regular expressions matched against the route template',
  }),
  severity_success: Type.Number({
    default: 0.7,
    minimum: 0,
    maximum: 1,
    description: 'severity when the call succeeded',
  }),
  severity_refused: Type.Number({
    default: 0.45,
    minimum: 0,
    maximum: 1,
    description: 'severity when it was refused or failed',
  }),
});
type Params = Static<typeof Params>;

function compile(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern, index) => {
    try {
      return new RegExp(pattern, 'i');
    } catch (cause) {
      throw errors.configInvalid(
        `/detectors/privileged_route/patterns/${index}`,
        `"${pattern}" is not a valid regular expression: ${(cause as Error).message}`,
      );
    }
  });
}

export const privilegedRoute: DetectorDefinition<Params> = {
  name: 'privileged_route',
  kind: 'service',
  description: 'A mature workload calling an admin, debug or secrets route it has never called before.',
  params: Params,
  create(params): ServiceDetector {
    const patterns = compile(params.patterns);
    // One alternation for the quiet path; the individual patterns only name the match.
    const any =
      patterns.length === 0 ? undefined : new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i');
    return {
      name: 'privileged_route',
      kind: 'service',
      inspect(event, { profile }) {
        if (any === undefined || !any.test(event.route) || !profile.isMature) return undefined;
        const key = routeKey(event);
        if (profile.routes.has(key)) return undefined;
        const matched = params.patterns[patterns.findIndex((pattern) => pattern.test(event.route))];
        const succeeded = event.status < 400;
        return {
          detector: 'privileged_route',
          severity: severity(succeeded ? params.severity_success : params.severity_refused),
          summary: `First call to privileged route ${event.method} ${event.route} on ${event.destination} (status ${event.status})`,
          evidence: {
            route: event.route,
            method: event.method,
            destination: event.destination,
            status: event.status,
            matched_pattern: matched,
            known_destination: profile.destinations.has(event.destination),
            known_routes: profile.routes.size,
          },
        };
      },
    };
  },
};
