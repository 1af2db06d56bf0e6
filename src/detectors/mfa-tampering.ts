/**
 * MFA tampering: a factor is reset, removed or newly enrolled shortly after a
 * risky or failing sign-in sequence of the same identity: failed sign-ins,
 * denied or ignored MFA prompts, or an event judged risky. That is how an
 * account takeover becomes persistent (the attacker enrols their own
 * authenticator, or has the help desk reset the victim's). A factor change
 * after a quiet history is ordinary and stays quiet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AccountDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 120,
    minimum: 1,
    description: 'how far back a risky or failing sign-in sequence counts',
  }),
  min_failures: Type.Integer({
    default: 3,
    minimum: 1,
    description: 'failed sign-ins in the window that count',
  }),
  min_mfa_denials: Type.Integer({
    default: 2,
    minimum: 1,
    description: 'denied or ignored MFA prompts in the window that count',
  }),
});
type Params = Static<typeof Params>;

const FACTOR_CHANGES = new Set(['mfa_reset', 'mfa_removed', 'mfa_enrolled']);

export const mfaTampering: DetectorDefinition<Params> = {
  name: 'mfa_tampering',
  kind: 'account',
  description:
    'An MFA factor reset, removed or enrolled right after failed sign-ins, MFA denials or a risky event.',
  params: Params,
  create(params): AccountDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'mfa_tampering',
      kind: 'account',
      inspect(event, { state }) {
        if (event.outcome === 'failure' || !FACTOR_CHANGES.has(event.change)) return undefined;
        const since = event.time - windowMs;
        const auth = state.auth;
        const failures = auth ? auth.failures.countSince(since) : 0;
        const denials = auth ? auth.mfaDenials.countSince(since) : 0;
        const risky = state.lastRiskyAt > 0 && state.lastRiskyAt >= since && state.lastRiskyAt < event.time;
        const failing = failures >= params.min_failures;
        const denied = denials >= params.min_mfa_denials;
        if (!failing && !denied && !risky) return undefined;
        const signals = (failing ? 1 : 0) + (denied ? 1 : 0) + (risky ? 1 : 0);
        const weakening = event.change === 'mfa_enrolled' ? 0 : 0.1;
        return {
          detector: 'mfa_tampering',
          severity: severity(0.65 + weakening + 0.1 * (signals - 1)),
          summary: `MFA ${event.change.replace('mfa_', '')} for ${event.identity} within ${params.window_minutes} minutes of ${[
            failing ? `${failures} failed sign-ins` : '',
            denied ? `${denials} denied MFA prompts` : '',
            risky ? 'a risky event' : '',
          ]
            .filter(Boolean)
            .join(', ')}`,
          evidence: {
            change: event.change,
            actor: event.actor,
            mfa_factor: event.mfa_factor,
            failures,
            mfa_denials: denials,
            risky_event_minutes_before: risky
              ? Math.round((event.time - state.lastRiskyAt) / 60_000)
              : undefined,
            window_minutes: params.window_minutes,
            src_ip: event.src_ip,
          },
        };
      },
    };
  },
};
