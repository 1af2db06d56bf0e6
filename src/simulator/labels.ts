/**
 * Ground truth: the attack scenarios the simulator can inject and the label
 * that travels beside (never inside) each event of an incident.
 */
import type { VigilEvent } from '../events/schema.js';

export const SCENARIOS = [
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
