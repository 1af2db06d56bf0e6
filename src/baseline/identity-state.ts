/**
 * Everything Vigil keeps about one identity: its auth and/or service
 * baselines (created on first use), and when each detector last raised an
 * alert for it (alert suppression). Later stages add their own per-identity
 * state here (risk accumulator, sequence-model state).
 */
import type { IdentityType } from '../events/schema.js';
import type { AuthLayout, AuthProfile } from './auth-profile.js';
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

  constructor(
    readonly identity: string,
    public type: IdentityType,
  ) {}

  get lastSeen(): number {
    return Math.max(this.auth?.lastSeen ?? 0, this.service?.lastSeen ?? 0);
  }

  /** Whether `detector` alerted for this identity within `windowMs` before `time`. */
  alertedWithin(detector: string, time: number, windowMs: number): boolean {
    const last = this.lastAlertAt?.[detector];
    return last !== undefined && time - last < windowMs && time >= last;
  }

  recordAlert(detector: string, time: number): void {
    this.lastAlertAt ??= {};
    this.lastAlertAt[detector] = time;
  }
}
