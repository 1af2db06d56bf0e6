/**
 * Per identity, the posture of the devices it signed in from: how many
 * learned, successful sign-ins reported management and compliance, and how
 * many of those were managed / compliant. Enough to say "this identity always
 * used managed, compliant devices" without keeping a list. Five numbers in a
 * Float64Array; learned events only (an attacker's sign-ins never make an
 * unmanaged device usual). Must never be written by detectors.
 */
import type { AuthEvent } from '../events/schema.js';

const P = { signIns: 0, managedKnown: 1, managed: 2, compliantKnown: 3, compliant: 4 } as const;
export const IDENTITY_POSTURE_SLOTS = 5;

export class IdentityPosture {
  constructor(readonly counts: Float64Array = new Float64Array(IDENTITY_POSTURE_SLOTS)) {}

  get signIns(): number {
    return this.counts[P.signIns];
  }
  get managedKnown(): number {
    return this.counts[P.managedKnown];
  }
  get unmanaged(): number {
    return this.counts[P.managedKnown] - this.counts[P.managed];
  }
  get compliantKnown(): number {
    return this.counts[P.compliantKnown];
  }
  get nonCompliant(): number {
    return this.counts[P.compliantKnown] - this.counts[P.compliant];
  }

  /** Learns a successful sign-in's device posture. */
  learn(event: AuthEvent): void {
    const device = event.device;
    if (!device || event.action !== 'sign_in' || event.outcome !== 'success') return;
    if (device.managed === undefined && device.compliant === undefined) return;
    const counts = this.counts;
    counts[P.signIns] += 1;
    if (device.managed !== undefined) {
      counts[P.managedKnown] += 1;
      if (device.managed) counts[P.managed] += 1;
    }
    if (device.compliant !== undefined) {
      counts[P.compliantKnown] += 1;
      if (device.compliant) counts[P.compliant] += 1;
    }
  }

  snapshot(): number[] {
    return Array.from(this.counts);
  }

  static restore(counts: number[]): IdentityPosture | undefined {
    if (!Array.isArray(counts) || counts.length !== IDENTITY_POSTURE_SLOTS) return undefined;
    return new IdentityPosture(Float64Array.from(counts));
  }
}
