/**
 * Shared device: one device used by an unusual number of identities within a
 * short window, the footprint of an attacker working through a list of
 * stolen credentials from one machine, or of a credential-stuffing rig. A
 * device with that many established users (kiosks, shared workstations,
 * whose users first appeared on it before the window) is its usual self and
 * stays quiet. One incident spans identities, so alerts are grouped per
 * device (incidentKey) while each identity still carries the risk.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 60,
    minimum: 1,
    description: 'window in which distinct identities on one device are counted',
  }),
  min_identities: Type.Integer({
    default: 4,
    minimum: 2,
    description: 'distinct identities on one device within the window that fire',
  }),
  base_severity: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'severity at exactly min_identities',
  }),
  per_extra_identity: Type.Number({
    default: 0.05,
    minimum: 0,
    maximum: 1,
    description: 'severity added per identity above min_identities (capped at 0.85)',
  }),
});
type Params = Static<typeof Params>;

export const sharedDevice: DetectorDefinition<Params> = {
  name: 'shared_device',
  kind: 'auth',
  description: 'One device used by an unusual number of identities within a window.',
  params: Params,
  create(params): AuthDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'shared_device',
      kind: 'auth',
      inspect(event, { environment }) {
        if (event.action !== 'sign_in') return undefined;
        const id = event.device?.id;
        if (!id) return undefined;
        const record = environment?.devices?.get(id);
        if (!record) return undefined;
        const since = event.time - windowMs;
        const recent = record.usersSince(since);
        const position = record.users.indexOf(event.identity);
        const isNewHere = position < 0 || record.userLastSeen[position] < since;
        const count = recent + (isNewHere ? 1 : 0);
        if (count < params.min_identities) return undefined;
        const established = record.usersEstablishedBefore(since);
        if (established >= params.min_identities) return undefined;
        const level = params.base_severity + (count - params.min_identities) * params.per_extra_identity;
        const identities: string[] = [];
        for (let i = 0; i < record.users.length; i++)
          if (record.userLastSeen[i] >= since) identities.push(record.users[i]);
        if (isNewHere) identities.push(event.identity);
        return {
          detector: 'shared_device',
          severity: severity(Math.min(0.85, level)),
          summary: `Device ${id} used by ${count} identities within ${params.window_minutes} minutes (usually ${established})`,
          evidence: {
            device: id,
            identities_in_window: count,
            identities: identities.slice(-16),
            usual_identities: established,
            window_minutes: params.window_minutes,
            outcome: event.outcome,
            src_ip: event.src_ip,
          },
          incidentKey: `device:${id}`,
        };
      },
    };
  },
};
