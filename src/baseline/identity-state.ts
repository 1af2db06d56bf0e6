/**
 * Everything Vigil keeps about one identity: its auth and/or service
 * baselines (created on first use), and when each detector last raised an
 * alert for it (alert suppression). Later stages add their own per-identity
 * state here (risk accumulator, sequence-model state).
 */
import type { IdentityPosture } from '../devices/identity-posture.js';
import type { IdentityType } from '../events/schema.js';
import type { PeerActivity } from '../peers/activity.js';
import type { IdentityRisk } from '../risk/accumulator.js';
import type { AccountProfile } from './account-profile.js';
import type { AuthLayout, AuthProfile } from './auth-profile.js';
import type { SequenceState } from './sequence-state.js';
import type { ServiceLayout, ServiceProfile } from './service-profile.js';

export interface ProfileLayouts {
  auth: AuthLayout;
  service: ServiceLayout;
}

export class IdentityState {
  auth: AuthProfile | undefined;
  service: ServiceProfile | undefined;
  /** detector name → time of its last alert for this identity. */
  lastAlertAt: Record<string, number> | undefined;
  /** Account changes made by and to this identity (src/baseline/account-profile.ts). */
  account: AccountProfile | undefined;
  /** Time of this identity's last event judged risky (not learned) or flagged by its identity provider; 0 = none. */
  lastRiskyAt = 0;
  /** When this identity was last seen before the event being analysed (set by the analyzer; dormancy). */
  previousSeen = 0;
  /** Accumulated, decaying risk and its level (src/risk/accumulator.ts). */
  risk: IdentityRisk | undefined;
  /** Response-policy memory: action (or mode:rule) → time of its last decision for this identity (cool-downs). */
  lastDecisionAt: Record<string, number> | undefined;
  /** LSTM sequence-model state (hidden/cell state, last token; src/baseline/sequence-state.ts). */
  sequence: SequenceState | undefined;
  /** Posture of the devices this identity signed in from (src/devices/identity-posture.ts). */
  devicePosture: IdentityPosture | undefined;
  /** Per-application usage and data movement, for peer groups (src/peers/activity.ts). */
  peers: PeerActivity | undefined;

  constructor(
    readonly identity: string,
    public type: IdentityType,
  ) {}

  get lastSeen(): number {
    return Math.max(this.auth?.lastSeen ?? 0, this.service?.lastSeen ?? 0, this.account?.lastSeen ?? 0);
  }

  /** Whether `detector` alerted for this identity within `windowMs` before `time`. */
  alertedWithin(detector: string, time: number, windowMs: number): boolean {
    const last = this.lastAlertAt?.[detector];
    return last !== undefined && time - last < windowMs && time >= last;
  }

  /** Whether a decision under `key` was recorded within `windowMs` before `time` (policy cool-down). */
  decidedWithin(key: string, time: number, windowMs: number): boolean {
    const last = this.lastDecisionAt?.[key];
    return last !== undefined && time - last < windowMs && time >= last;
  }

  recordDecision(key: string, time: number): void {
    this.lastDecisionAt ??= {};
    this.lastDecisionAt[key] = time;
  }

  recordAlert(detector: string, time: number): void {
    this.lastAlertAt ??= {};
    this.lastAlertAt[detector] = time;
  }
}
