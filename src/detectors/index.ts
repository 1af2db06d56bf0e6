/**
 * Registry of detectors by name: the one list the pipeline config, the docs
 * and the engine read. A new detector is one file plus one line here.
 */
import { Value } from '@sinclair/typebox/value';
import { errors } from '../errors.js';
import { accountChangeBurst } from './account-change-burst.js';
import { bruteForce } from './brute-force.js';
import { bytesOutSpike } from './bytes-out-spike.js';
import { dataMovementSpike } from './data-movement-spike.js';
import { deniedSpike } from './denied-spike.js';
import { devicePostureDegraded } from './device-posture-degraded.js';
import { dormantAccount } from './dormant-account.js';
import { fanoutSpike } from './fanout-spike.js';
import { impossibleTravel } from './impossible-travel.js';
import { lateralMovement } from './lateral-movement.js';
import { mfaFatigue } from './mfa-fatigue.js';
import { mfaTampering } from './mfa-tampering.js';
import { newDeviceLocation } from './new-device-location.js';
import { newWorkloadCredential } from './new-workload-credential.js';
import { passwordSpray } from './password-spray.js';
import { peerActivityOutlier } from './peer-activity-outlier.js';
import { peerFirstAccess } from './peer-first-access.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { privilegedRoute } from './privileged-route.js';
import { rareHour } from './rare-hour.js';
import { sessionReuse } from './session-reuse.js';
import { sharedDevice } from './shared-device.js';
import { threatIntelSource } from './threat-intel-source.js';
import type { AccountDetector, AuthDetector, DetectorDefinition, ServiceDetector } from './types.js';
import { unmanagedDevice } from './unmanaged-device.js';

// biome-ignore lint/suspicious/noExplicitAny: definitions differ only in their params type
export const DETECTORS: readonly DetectorDefinition<any>[] = [
  // identities (auth events)
  bruteForce,
  passwordSpray,
  mfaFatigue,
  impossibleTravel,
  newDeviceLocation,
  rareHour,
  sessionReuse,
  dormantAccount,
  // devices (auth events judged against the device baseline, src/devices/)
  unmanagedDevice,
  devicePostureDegraded,
  sharedDevice,
  // peer groups and data movement (auth events judged against peers, src/peers/; opt-in)
  peerFirstAccess,
  peerActivityOutlier,
  dataMovementSpike,
  // threat-intel address lists (auth events from listed sources, src/intel/)
  threatIntelSource,
  // account changes (account events)
  privilegeEscalation,
  mfaTampering,
  newWorkloadCredential,
  accountChangeBurst,
  // workloads (service events)
  lateralMovement,
  fanoutSpike,
  bytesOutSpike,
  deniedSpike,
  privilegedRoute,
];

export const DETECTOR_NAMES = DETECTORS.map((definition) => definition.name);

export function detectorDefinition(name: string): DetectorDefinition {
  const definition = DETECTORS.find((d) => d.name === name);
  if (!definition) throw errors.detectorUnknown(name, DETECTOR_NAMES);
  return definition;
}

/** Parameters of a detector with defaults filled in; `overrides` is assumed already validated. */
export function detectorParams(
  name: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const definition = detectorDefinition(name);
  return Value.Default(definition.params, Value.Clone(overrides)) as Record<string, unknown>;
}

export interface DetectorSet {
  auth: AuthDetector[];
  service: ServiceDetector[];
  account: AccountDetector[];
}

/** Instantiates the enabled detectors; `settings[name]` holds parameter overrides. */
export function createDetectors(
  enabled: readonly string[],
  settings: Record<string, Record<string, unknown>> = {},
): DetectorSet {
  const set: DetectorSet = { auth: [], service: [], account: [] };
  for (const name of enabled) {
    const detector = detectorDefinition(name).create(detectorParams(name, settings[name]));
    if (detector.kind === 'auth') set.auth.push(detector);
    else if (detector.kind === 'account') set.account.push(detector);
    else set.service.push(detector);
  }
  return set;
}
