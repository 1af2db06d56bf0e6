/**
 * Device posture degraded: a device Vigil knows as managed, compliant and
 * protected by EDR (or enrolled in MDM) now reports that it is not: it fell
 * out of compliance, was unenrolled, or its EDR agent stopped. That is how a
 * compromised endpoint, or a user disabling controls, looks from the
 * identity provider. Judged against the device's usual posture, learned
 * from low-risk events only; a field the event does not report is never
 * taken as worse.
 */
import { type Static, Type } from '@sinclair/typebox';
import { C, type DeviceRecord } from '../devices/device-record.js';
import { isHealthyEdr, isHealthyMdm } from '../devices/posture.js';
import type { DevicePosture } from '../events/schema.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  min_observations: Type.Integer({
    default: 3,
    minimum: 1,
    description: 'learned observations of the device before its usual posture means something',
  }),
  usual_share: Type.Number({
    default: 0.9,
    minimum: 0.5,
    maximum: 1,
    description: 'share of observations that must have been healthy for the posture to be "usual"',
  }),
  severity_compliance_lost: Type.Number({
    default: 0.45,
    minimum: 0,
    maximum: 1,
    description: 'severity when a usually compliant device reports non-compliant',
  }),
  severity_management_lost: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'severity when a usually managed (or MDM-enrolled) device reports unmanaged (unenrolled)',
  }),
  severity_edr_lost: Type.Number({
    default: 0.55,
    minimum: 0,
    maximum: 1,
    description: 'severity when the EDR agent of a usually protected device is no longer active',
  }),
});
type Params = Static<typeof Params>;

interface Change {
  field: 'compliant' | 'managed' | 'edr' | 'mdm';
  usual: string | boolean;
  now: string | boolean;
}

function changes(device: DevicePosture, record: DeviceRecord, params: Params): Change[] {
  const found: Change[] = [];
  const usual = (known: number, healthy: number) => {
    const share = record.usualShare(known, healthy, params.min_observations);
    return share !== undefined && share >= params.usual_share;
  };
  if (device.compliant === false && usual(C.compliantKnown, C.compliant))
    found.push({ field: 'compliant', usual: true, now: false });
  if (device.managed === false && usual(C.managedKnown, C.managed))
    found.push({ field: 'managed', usual: true, now: false });
  if (device.edr !== undefined && !isHealthyEdr(device.edr) && usual(C.edrKnown, C.edrActive))
    found.push({ field: 'edr', usual: 'active', now: device.edr });
  if (device.mdm !== undefined && !isHealthyMdm(device.mdm) && usual(C.mdmKnown, C.mdmEnrolled))
    found.push({ field: 'mdm', usual: 'enrolled', now: device.mdm });
  return found;
}

export const devicePostureDegraded: DetectorDefinition<Params> = {
  name: 'device_posture_degraded',
  kind: 'auth',
  description:
    'A known device whose posture got worse: compliant to non-compliant, managed to unmanaged, EDR or MDM gone.',
  params: Params,
  create(params): AuthDetector {
    const weight: Record<Change['field'], number> = {
      compliant: params.severity_compliance_lost,
      managed: params.severity_management_lost,
      edr: params.severity_edr_lost,
      mdm: params.severity_management_lost,
    };
    return {
      name: 'device_posture_degraded',
      kind: 'auth',
      inspect(event, { environment }) {
        const device = event.device;
        if (!device?.id || event.outcome !== 'success') return undefined;
        const record = environment?.devices?.get(device.id);
        if (!record) return undefined;
        const found = changes(device, record, params);
        if (found.length === 0) return undefined;
        // Several controls failing at once is worse than one: noisy-OR of the individual weights.
        let intact = 1;
        for (const change of found) intact *= 1 - weight[change.field];
        const fields = found.map((change) => change.field);
        return {
          detector: 'device_posture_degraded',
          severity: severity(1 - intact),
          summary: `Device ${device.id} lost ${fields.join(', ')} (usually healthy over ${record.counts[C.observations]} observations)`,
          evidence: {
            device: device.id,
            changes: found,
            os: device.os,
            os_version: device.os_version,
            observations: record.counts[C.observations],
            first_seen: record.firstSeen,
            last_posture: record.last,
            last_posture_at: record.lastPostureAt,
            users: record.users.length,
            application: event.application,
          },
        };
      },
    };
  },
};
