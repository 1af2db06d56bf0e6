/**
 * Data movement spike (insider risk): a user moves far more data with one
 * application today than their own usual day with it and than their peers'
 * usual day. Volume comes from app events that carry bytes/objects; bytes of
 * service calls made on the user's behalf (propagated end user) are counted
 * under the called service and show among the top destinations. Fires on the
 * event that crosses the threshold (once per user, application and day).
 * Reads environment.peers and the user's activity; never mutates them.
 * Opt-in (needs peer groups, docs/peers.md).
 */
import { type Static, Type } from '@sinclair/typebox';
import { groupEvidence } from '../peers/group-stats.js';
import { authBytes } from '../peers/peer-groups.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  enabled: Type.Boolean({ default: false, description: 'opt-in: needs peer groups (docs/peers.md)' }),
  min_bytes: Type.Number({
    default: 100_000_000,
    minimum: 0,
    description: 'daily bytes below this never fire',
  }),
  own_ratio: Type.Number({
    default: 10,
    minimum: 1,
    description: "today's bytes must be at least this many times the user's usual day with the application",
  }),
  own_deviations: Type.Number({
    default: 8,
    minimum: 0,
    description: "and exceed the user's usual day by this many mean absolute deviations",
  }),
  peer_ratio: Type.Number({
    default: 10,
    minimum: 1,
    description: "and this many times the peers' median usual day, when enough peers move data with it",
  }),
  min_volume_days: Type.Integer({
    default: 3,
    minimum: 1,
    description: "days with volume before the user's own level counts",
  }),
  min_peers: Type.Integer({
    default: 3,
    minimum: 1,
    description: 'peers moving data with the application before their level counts',
  }),
});
type Params = Static<typeof Params>;

export const dataMovementSpike: DetectorDefinition<Params> = {
  name: 'data_movement_spike',
  kind: 'auth',
  description: 'A user moving far more data with an application than their own history and their peers.',
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'data_movement_spike',
      kind: 'auth',
      inspect(event, { state, environment }) {
        const application = event.application;
        const activity = state.peers;
        const bytes = authBytes(event);
        if (application === undefined || bytes === 0 || !activity || !environment?.peers) return undefined;
        const today = activity.volumeToday(application, event.time);
        if (today.bytes < params.min_bytes) return undefined;
        const own = activity.usualVolume(application);
        const hasOwn = own.days >= params.min_volume_days;
        const group = environment.peers.groupOf(event.identity);
        const peerVolume = group?.volume.get(application);
        const hasPeers = peerVolume !== undefined && peerVolume.members >= params.min_peers;
        if (!hasOwn && !hasPeers) return undefined;
        const ownThreshold = hasOwn
          ? Math.max(params.own_ratio * own.bytes, own.bytes + params.own_deviations * own.deviation)
          : 0;
        const peerThreshold = hasPeers ? params.peer_ratio * peerVolume.median : 0;
        const threshold = Math.max(params.min_bytes, ownThreshold, peerThreshold);
        // Only the event that crosses the threshold fires: one finding per application and day.
        if (today.bytes < threshold || today.bytes - bytes >= threshold) return undefined;
        const usual = hasOwn ? own.bytes : peerVolume!.median;
        const ratio = today.bytes / Math.max(1, usual);
        return {
          detector: 'data_movement_spike',
          severity: severity(0.6 + 0.1 * Math.min(3, Math.log10(Math.max(1, ratio / params.own_ratio)) * 3)),
          summary: `${formatBytes(today.bytes)} moved with ${application} today, ${Math.round(ratio)}× the usual ${formatBytes(usual)}`,
          evidence: {
            application,
            bytes_today: today.bytes,
            objects_today: today.objects,
            usual_bytes_per_day: hasOwn ? Math.round(own.bytes) : null,
            usual_objects_per_day: hasOwn ? Math.round(own.objects * 10) / 10 : null,
            peers_usual_bytes_per_day: hasPeers ? Math.round(peerVolume.median) : null,
            top_destinations: activity.topToday(event.time, 5),
            ...(group ? groupEvidence(group) : { peer_group: null }),
          },
        };
      },
    };
  },
};

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
