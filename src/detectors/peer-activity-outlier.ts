/**
 * Peer activity outlier: an identity's events today rise far above its peer
 * group's usual level (median events per member per active day, with the
 * median absolute deviation as the spread) and above its own usual level.
 * Fires once per day, on the event that crosses the threshold, so a busy day
 * is one finding rather than hundreds. Reads environment.peers; never
 * mutates it. Opt-in (needs peer groups, docs/peers.md).
 */
import { type Static, Type } from '@sinclair/typebox';
import { groupEvidence } from '../peers/group-stats.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

/** Scales a MAD to a standard deviation under normality. */
const MAD_TO_SIGMA = 1.4826;

const Params = Type.Object({
  enabled: Type.Boolean({ default: false, description: 'opt-in: needs peer groups (docs/peers.md)' }),
  min_peers: Type.Integer({
    default: 5,
    minimum: 2,
    description: 'group members with history needed to judge',
  }),
  min_events: Type.Integer({ default: 50, minimum: 1, description: 'events in a day below this never fire' }),
  min_ratio: Type.Number({
    default: 5,
    minimum: 1,
    description: "today's events must be at least this many times the peers' median per day",
  }),
  min_deviations: Type.Number({
    default: 6,
    minimum: 1,
    description: "today's events must exceed the peers' median by this many MAD-based deviations",
  }),
  own_ratio: Type.Number({
    default: 4,
    minimum: 1,
    description: "and this many times the identity's own usual day, once it has min_identity_days of history",
  }),
  min_identity_days: Type.Integer({
    default: 3,
    minimum: 1,
    description: 'active days before the own level counts',
  }),
});
type Params = Static<typeof Params>;

export const peerActivityOutlier: DetectorDefinition<Params> = {
  name: 'peer_activity_outlier',
  kind: 'auth',
  description: "A day's activity far above the peer group's usual level (and the identity's own).",
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'peer_activity_outlier',
      kind: 'auth',
      inspect(event, { state, environment }) {
        const activity = state.peers;
        const peers = environment?.peers;
        if (!activity || !peers) return undefined;
        const today = activity.eventsToday;
        if (today < params.min_events) return undefined;
        const group = peers.groupOf(event.identity);
        if (!group || group.matureMembers < params.min_peers) return undefined;
        const { median, mad } = group.activity;
        let threshold = Math.max(
          params.min_events,
          params.min_ratio * median,
          median + params.min_deviations * MAD_TO_SIGMA * mad,
        );
        const ownUsual = activity.activeDays >= params.min_identity_days ? activity.usualDailyEvents : 0;
        threshold = Math.max(threshold, params.own_ratio * ownUsual);
        // Only the event that crosses the threshold fires: one finding per identity and day.
        if (today < threshold || today - 1 >= threshold) return undefined;
        const ratio = today / Math.max(1, median);
        return {
          detector: 'peer_activity_outlier',
          severity: severity(0.55 + 0.1 * Math.min(3, Math.log2(ratio / params.min_ratio + 1))),
          summary: `${today} events today, ${Math.round(ratio)}× the ${Math.round(median)} a day usual in ${group.label}`,
          evidence: {
            events_today: today,
            peers_median_events_per_day: Math.round(median * 10) / 10,
            peers_mad_events_per_day: Math.round(mad * 10) / 10,
            own_usual_events_per_day: Math.round(ownUsual * 10) / 10,
            threshold: Math.ceil(threshold),
            ...groupEvidence(group),
          },
        };
      },
    };
  },
};
