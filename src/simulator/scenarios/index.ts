/**
 * Registry of attack scenarios, in the order of `SCENARIOS`.
 */
import type { ScenarioName } from '../labels.js';
import { accountChangeBurst } from './account-change-burst.js';
import { dormantAccount } from './account-dormant.js';
import { mfaTampering } from './account-mfa-tampering.js';
import { privilegeEscalation } from './account-privilege-escalation.js';
import { accountTakeover } from './account-takeover.js';
import { newWorkloadCredential } from './account-workload-credential.js';
import { anonymiserSignIn } from './anonymiser-sign-in.js';
import { bruteForce } from './brute-force.js';
import { dataHoarding } from './data-hoarding.js';
import { devicePostureDrop } from './device-posture-drop.js';
import { exfiltration } from './exfiltration.js';
import { fanout } from './fanout.js';
import { impossibleTravel } from './impossible-travel.js';
import { lateralMovement } from './lateral-movement.js';
import { mfaFatigue } from './mfa-fatigue.js';
import { newDeviceLocation } from './new-device-location.js';
import { passwordSpray } from './password-spray.js';
import { peerAnomalousAccess } from './peer-anomalous-access.js';
import { privilegedRoute } from './privileged-route.js';
import { probing } from './probing.js';
import { rareHour } from './rare-hour.js';
import type { Scenario } from './scenario.js';
import { sessionReuse } from './session-reuse.js';
import { sharedDevice } from './shared-device.js';
import { unmanagedDeviceSignIn } from './unmanaged-device-sign-in.js';

export const SCENARIO_REGISTRY: Readonly<Record<ScenarioName, Scenario>> = {
  impossible_travel: impossibleTravel,
  brute_force: bruteForce,
  password_spray: passwordSpray,
  mfa_fatigue: mfaFatigue,
  new_device_location: newDeviceLocation,
  rare_hour: rareHour,
  session_reuse: sessionReuse,
  account_takeover: accountTakeover,
  lateral_movement: lateralMovement,
  fanout,
  exfiltration,
  probing,
  privileged_route: privilegedRoute,
  privilege_escalation: privilegeEscalation,
  mfa_tampering: mfaTampering,
  new_workload_credential: newWorkloadCredential,
  dormant_account: dormantAccount,
  account_change_burst: accountChangeBurst,
  peer_anomalous_access: peerAnomalousAccess,
  data_hoarding: dataHoarding,
  unmanaged_device_sign_in: unmanagedDeviceSignIn,
  device_posture_drop: devicePostureDrop,
  shared_device: sharedDevice,
  anonymiser_sign_in: anonymiserSignIn,
};

export type { Scenario, ScenarioContext } from './scenario.js';
