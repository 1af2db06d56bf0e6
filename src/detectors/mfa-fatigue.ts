/**
 * MFA fatigue (push bombing): an attacker who holds the password triggers push
 * after push until the person gives in. Denied and timed-out prompts piling up
 * within minutes are suspicious on their own (moderate severity); a success
 * right after such a pile is the attack working (high severity). One or two
 * missed prompts followed by a success is ordinary life and stays quiet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 15,
    minimum: 1,
    description: 'sliding window for denied or timed-out prompts',
  }),
  min_denials: Type.Integer({
    default: 4,
    minimum: 2,
    description: 'denied or timed-out prompts in the window that fire',
  }),
});
type Params = Static<typeof Params>;

export const mfaFatigue: DetectorDefinition<Params> = {
  name: 'mfa_fatigue',
  kind: 'auth',
  description: 'A burst of denied or ignored MFA prompts, and above all a success that follows one.',
  params: Params,
  create(params): AuthDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'mfa_fatigue',
      kind: 'auth',
      inspect(event, { profile }) {
        if (event.action !== 'mfa') return undefined;
        const result = event.mfa_result;
        const accepted = result === 'success';
        if (!accepted && result !== 'denied' && result !== 'timeout') return undefined;
        const since = event.time - windowMs;
        // The current denial is already in the ring (tracked before detectors run); a success is not.
        const denials = profile.mfaDenials.countSince(since);
        if (denials < params.min_denials) return undefined;
        const excess = Math.min(1, (denials - params.min_denials) / params.min_denials);
        const firstDenialAt = profile.mfaDenials.oldestSince(since);
        const evidence = {
          denials,
          window_minutes: params.window_minutes,
          minutes_since_first_denial: Math.round((event.time - firstDenialAt) / 6_000) / 10,
          mfa_result: result,
          mfa_factor: event.mfa_factor,
          usual_deny_rate: Math.round(profile.mfaDenyRate * 1000) / 1000,
          src_ip: event.src_ip,
        };
        if (accepted) {
          return {
            detector: 'mfa_fatigue',
            severity: severity(0.9 + 0.08 * excess),
            summary: `MFA prompt accepted after ${denials} denied or ignored prompts in ${params.window_minutes} minutes`,
            evidence,
          };
        }
        return {
          detector: 'mfa_fatigue',
          severity: severity(0.5 + 0.2 * excess),
          summary: `${denials} MFA prompts denied or ignored in ${params.window_minutes} minutes`,
          evidence,
        };
      },
    };
  },
};
