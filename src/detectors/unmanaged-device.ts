/**
 * Unmanaged or non-compliant device for an identity that always used managed,
 * compliant ones: a successful sign-in whose device the identity provider
 * reports as unmanaged (a personal laptop, a phone never enrolled) or as
 * failing compliance, by a mature identity whose learned sign-ins were (all
 * but a sliver) from managed, compliant devices. People who routinely use a
 * personal device are not "always managed" and stay quiet; so does an
 * identity whose source reports no posture.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { DeviceRecord } from '../devices/device-record.js';
import type { AuthEvent } from '../events/schema.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  min_sign_ins: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'learned sign-ins reporting device posture before "always managed" means something',
  }),
  max_usual_share: Type.Number({
    default: 0.02,
    minimum: 0,
    maximum: 1,
    description:
      'largest share of earlier unmanaged (or non-compliant) sign-ins that still counts as "always"',
  }),
  new_device_hours: Type.Number({
    default: 24,
    minimum: 0,
    description:
      'a device the identity has used for longer than this, whose posture has not changed since it was last seen, is not judged again (a personal device is flagged once, not every day)',
  }),
  severity_unmanaged: Type.Number({
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'severity for an unmanaged device',
  }),
  severity_non_compliant: Type.Number({
    default: 0.45,
    minimum: 0,
    maximum: 1,
    description: 'severity for a managed device that fails compliance',
  }),
});
type Params = Static<typeof Params>;

const HOUR_MS = 3_600_000;

export const unmanagedDevice: DetectorDefinition<Params> = {
  name: 'unmanaged_device',
  kind: 'auth',
  description:
    'Sign-in from an unmanaged or non-compliant device by a mature identity that always used managed, compliant ones.',
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'unmanaged_device',
      kind: 'auth',
      inspect(event, { state, profile, environment }) {
        if (event.action !== 'sign_in' || event.outcome !== 'success') return undefined;
        const device = event.device;
        const history = state.devicePosture;
        if (!device || !history || !profile.isMature) return undefined;
        const record = device.id ? environment?.devices?.get(device.id) : undefined;
        if (alreadyJudged(record, event, params.new_device_hours * HOUR_MS)) return undefined;
        const unmanaged =
          device.managed === false &&
          history.managedKnown >= params.min_sign_ins &&
          history.unmanaged / history.managedKnown <= params.max_usual_share;
        const nonCompliant =
          !unmanaged &&
          device.compliant === false &&
          history.compliantKnown >= params.min_sign_ins &&
          history.nonCompliant / history.compliantKnown <= params.max_usual_share;
        if (!unmanaged && !nonCompliant) return undefined;
        const what = unmanaged ? 'an unmanaged' : 'a non-compliant';
        const usual = unmanaged ? 'managed' : 'compliant';
        return {
          detector: 'unmanaged_device',
          severity: severity(unmanaged ? params.severity_unmanaged : params.severity_non_compliant),
          summary: `Sign-in from ${what} device ${device.id ?? '(no id)'} by an identity that always used ${usual} devices`,
          evidence: {
            device: device.id,
            managed: device.managed,
            compliant: device.compliant,
            trust_type: device.trust_type,
            os: device.os,
            os_version: device.os_version,
            usual_sign_ins: history.signIns,
            usual_managed_share: share(history.managedKnown - history.unmanaged, history.managedKnown),
            usual_compliant_share: share(
              history.compliantKnown - history.nonCompliant,
              history.compliantKnown,
            ),
            src_ip: event.src_ip,
            application: event.application,
          },
        };
      },
    };
  },
};

/**
 * Whether this identity's use of the device was already judged: it first
 * used the device (per the device book, before this event) longer than the
 * window ago, and the device's last reported posture was already this one
 * (unmanaged / non-compliant). A personal device that keeps being used is
 * flagged once, not every day; a known device whose posture just changed is
 * judged again.
 */
function alreadyJudged(record: DeviceRecord | undefined, event: AuthEvent, windowMs: number): boolean {
  if (!record || !event.device) return false;
  const at = record.users.indexOf(event.identity);
  if (at < 0 || event.time - record.userFirstSeen[at] < windowMs) return false;
  const last = record.last;
  return (
    last !== undefined && last.managed === event.device.managed && last.compliant === event.device.compliant
  );
}

const share = (part: number, total: number): number | undefined =>
  total > 0 ? Math.round((part / total) * 1000) / 1000 : undefined;
