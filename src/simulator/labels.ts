/**
 * Ground truth: the attack scenarios the simulator can inject and the label
 * that travels beside (never inside) each event of an incident.
 */
import type { VigilEvent } from '../events/schema.js';

/** The scenarios a simulation injects unless told otherwise (`SimulationOptions.scenarios`). */
export const DEFAULT_SCENARIOS = [
  'impossible_travel',
  'brute_force',
  'password_spray',
  'mfa_fatigue',
  'new_device_location',
  'rare_hour',
  'session_reuse',
  'account_takeover',
  'lateral_movement',
  'fanout',
  'exfiltration',
  'probing',
  'privileged_route',
  'privilege_escalation',
  'mfa_tampering',
  'new_workload_credential',
  'dormant_account',
  'account_change_burst',
] as const;

/**
 * Zero-trust context scenarios (device posture, threat intel, peer groups,
 * data movement): injected only when asked for by name.
 */
export const CONTEXT_SCENARIOS = [
  // device posture (src/devices/)
  'unmanaged_device_sign_in',
  'device_posture_drop',
  'shared_device',
  // peer groups and data movement (src/peers/)
  'peer_anomalous_access',
  'data_hoarding',
  // threat-intel address lists (src/intel/; lists from src/simulator/intel-lists.ts)
  'anonymiser_sign_in',
] as const;

/** Every scenario the simulator knows. */
export const SCENARIOS = [...DEFAULT_SCENARIOS, ...CONTEXT_SCENARIOS] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioLabel {
  scenario: ScenarioName;
  /** Incident id, e.g. `inc-0007`; all events of one incident share it. */
  incident: string;
}

export interface SimulatedEvent {
  event: VigilEvent;
  /** Present only on events that belong to an attack incident. */
  label?: ScenarioLabel;
}
