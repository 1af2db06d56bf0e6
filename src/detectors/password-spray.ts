/**
 * Password spray: one source address failing sign-ins across many identities
 * within minutes. Invisible in any single baseline (each account sees one or
 * two failures), so it reads the population-level source tracker. Fires on
 * every failure from the address once past the threshold, so each targeted
 * identity carries the finding; the address is the incident key, so the
 * spray raises one alert, not one per account.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 30,
    minimum: 1,
    description: 'sliding window for failures from one address',
  }),
  min_identities: Type.Integer({
    default: 10,
    minimum: 2,
    description: 'distinct identities failing from one address in the window that fire',
  }),
});
type Params = Static<typeof Params>;

export const passwordSpray: DetectorDefinition<Params> = {
  name: 'password_spray',
  kind: 'auth',
  description: 'One source address failing sign-ins against many identities within minutes.',
  params: Params,
  create(params): AuthDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'password_spray',
      kind: 'auth',
      inspect(event, { sources }) {
        if (event.outcome !== 'failure' || event.action !== 'sign_in' || !event.src_ip) return undefined;
        const identities = sources.distinctFailingIdentities(event.src_ip, event.time - windowMs);
        if (identities < params.min_identities) return undefined;
        const excess = (identities - params.min_identities) / (2 * params.min_identities);
        return {
          detector: 'password_spray',
          severity: severity(0.65 + 0.3 * Math.min(1, excess)),
          summary: `${event.src_ip} failed sign-ins against ${identities} identities in ${params.window_minutes} minutes`,
          evidence: {
            src_ip: event.src_ip,
            asn: event.asn,
            distinct_identities: identities,
            window_minutes: params.window_minutes,
            targeted_identities: sources.recentIdentities(event.src_ip).slice(),
            reason: event.reason,
          },
          incidentKey: event.src_ip,
        };
      },
    };
  },
};
