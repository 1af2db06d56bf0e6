/**
 * Peer first access: an identity opens an application for the first time
 * and its peer group (directory department/title, or a learned co-access
 * group) never, or almost never, uses it. Judged only when the group has
 * enough members with history and the identity itself has some history, so
 * newcomers and tiny groups stay quiet. Reads environment.peers; never
 * mutates it. Opt-in (needs peer groups, docs/peers.md).
 */
import { type Static, Type } from '@sinclair/typebox';
import { groupEvidence } from '../peers/group-stats.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  enabled: Type.Boolean({ default: false, description: 'opt-in: needs peer groups (docs/peers.md)' }),
  min_peers: Type.Integer({
    default: 5,
    minimum: 2,
    description: 'group members with history (besides the identity) needed to judge',
  }),
  max_peer_share: Type.Number({
    default: 0.05,
    minimum: 0,
    maximum: 1,
    description: 'largest share of peers using the application that still counts as "almost never"',
  }),
  min_identity_days: Type.Integer({
    default: 7,
    minimum: 0,
    description: 'active days the identity needs before its first accesses are judged',
  }),
});
type Params = Static<typeof Params>;

export const peerFirstAccess: DetectorDefinition<Params> = {
  name: 'peer_first_access',
  kind: 'auth',
  description: "An identity's first access to an application its peer group never (or almost never) uses.",
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'peer_first_access',
      kind: 'auth',
      inspect(event, { state, environment }) {
        const application = event.application;
        const activity = state.peers;
        const peers = environment?.peers;
        if (application === undefined || event.outcome !== 'success' || !activity || !peers) return undefined;
        // Only the very first event with the application: a user who keeps using it is flagged once, not forever.
        if (!activity.isFirstAccess(application) || activity.activeDays < params.min_identity_days)
          return undefined;
        const group = peers.groupOf(event.identity);
        if (!group) return undefined;
        const selfCounted = activity.activeDays >= peers.config.min_history_days ? 1 : 0;
        const peerCount = group.matureMembers - selfCounted;
        if (peerCount < params.min_peers) return undefined;
        const users = group.appMembers.get(application) ?? 0;
        const share = users / peerCount;
        if (share > params.max_peer_share) return undefined;
        return {
          detector: 'peer_first_access',
          severity: severity(users === 0 ? 0.65 : 0.55),
          summary: `first access to ${application}, which ${users === 0 ? 'none' : users} of ${peerCount} peers (${group.label}) use`,
          evidence: {
            application,
            peers_using_application: users,
            peers_judged: peerCount,
            ...groupEvidence(group),
          },
        };
      },
    };
  },
};
