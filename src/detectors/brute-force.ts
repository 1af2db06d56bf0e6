/**
 * Brute force: many failed sign-ins against one identity in a short window,
 * well above its own failure habit. Severity grows with the number of
 * failures past the threshold.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({ default: 10, minimum: 1, description: 'sliding window for failures' }),
  min_failures: Type.Integer({ default: 8, minimum: 2, description: 'failures in the window that fire' }),
});
type Params = Static<typeof Params>;

export const bruteForce: DetectorDefinition<Params> = {
  name: 'brute_force',
  kind: 'auth',
  description: 'Repeated failed sign-ins against one identity within minutes.',
  params: Params,
  create(params): AuthDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'brute_force',
      kind: 'auth',
      inspect(event, { profile }) {
        if (event.outcome !== 'failure' || (event.action !== 'sign_in' && event.action !== 'ticket'))
          return undefined;
        const failures = profile.failures.countSince(event.time - windowMs);
        if (failures < params.min_failures) return undefined;
        return {
          detector: 'brute_force',
          severity: severity(0.6 + 0.4 * Math.min(1, (failures - params.min_failures) / params.min_failures)),
          summary: `${failures} failed sign-ins in ${params.window_minutes} minutes`,
          evidence: {
            failures,
            window_minutes: params.window_minutes,
            usual_failure_rate: Math.round(profile.failureRate * 1000) / 1000,
            src_ip: event.src_ip,
            reason: event.reason,
          },
        };
      },
    };
  },
};
