/**
 * Dormant account: an identity with a history, silent for weeks, suddenly
 * signs in again. Leavers' and long-unused accounts are what attackers
 * reuse because nobody watches them. Fires on the first successful sign-in
 * or token use after the gap; severity grows with the length of the silence.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  dormant_days: Type.Number({
    default: 30,
    minimum: 1,
    description: 'silence that makes an account dormant',
  }),
  min_history_events: Type.Integer({
    default: 5,
    minimum: 1,
    description: 'events the identity must have had before going silent',
  }),
});
type Params = Static<typeof Params>;

const DAY_MS = 86_400_000;
const ACTIVE_ACTIONS = new Set(['sign_in', 'token_issue', 'token_refresh', 'token_use', 'ticket']);

export const dormantAccount: DetectorDefinition<Params> = {
  name: 'dormant_account',
  kind: 'auth',
  description: 'An account with a history, silent for a configured time, suddenly active again.',
  params: Params,
  create(params): AuthDetector {
    const dormantMs = params.dormant_days * DAY_MS;
    return {
      name: 'dormant_account',
      kind: 'auth',
      inspect(event, { state, profile }) {
        if (event.outcome !== 'success' || !ACTIVE_ACTIONS.has(event.action)) return undefined;
        const previous = state.previousSeen;
        // The current event is already counted by track(): the history is everything before it.
        if (previous === 0 || profile.events - 1 < params.min_history_events) return undefined;
        const silentMs = event.time - previous;
        if (silentMs < dormantMs) return undefined;
        const days = silentMs / DAY_MS;
        return {
          detector: 'dormant_account',
          severity: severity(0.6 + 0.3 * Math.min(1, (silentMs - dormantMs) / dormantMs)),
          summary: `${event.action} after ${Math.round(days)} days without any activity`,
          evidence: {
            silent_days: Math.round(days * 10) / 10,
            dormant_days: params.dormant_days,
            last_seen: previous,
            src_ip: event.src_ip,
            country: event.geo?.country,
            application: event.application,
          },
        };
      },
    };
  },
};
