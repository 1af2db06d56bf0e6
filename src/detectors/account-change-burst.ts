/**
 * Account change burst: one actor makes many account changes within minutes
 * (mass password resets, group stuffing, disabling accounts before a
 * ransomware run). Counted from the actor's ring of recent changes, so it
 * sees changes across every target.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AccountDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 10,
    minimum: 1,
    description: 'sliding window for one actor’s changes',
  }),
  min_changes: Type.Integer({
    default: 10,
    minimum: 2,
    maximum: 32,
    description: 'changes by one actor in the window that fire (at most 32, the ring size)',
  }),
});
type Params = Static<typeof Params>;

export const accountChangeBurst: DetectorDefinition<Params> = {
  name: 'account_change_burst',
  kind: 'account',
  description: 'One actor making many account changes within minutes.',
  params: Params,
  create(params): AccountDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'account_change_burst',
      kind: 'account',
      inspect(event, { actorProfile }) {
        if (!actorProfile || event.actor === undefined) return undefined;
        const since = event.time - windowMs;
        const changes = actorProfile.changesMade.countSince(since);
        if (changes < params.min_changes) return undefined;
        const targets = actorProfile.changesMade.distinctTagsSince(since);
        return {
          detector: 'account_change_burst',
          severity: severity(0.55 + 0.35 * Math.min(1, (changes - params.min_changes) / params.min_changes)),
          summary: `${event.actor} made ${changes} account changes to ${targets} accounts in ${params.window_minutes} minutes`,
          evidence: {
            actor: event.actor,
            changes,
            distinct_targets: targets,
            window_minutes: params.window_minutes,
            latest_change: event.change,
            src_ip: event.src_ip,
          },
          incidentKey: `actor:${event.actor}`,
        };
      },
    };
  },
};
