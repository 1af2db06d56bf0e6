/**
 * What Vigil remembers about one device: when it was first and last seen,
 * the identities that used it (bounded, each with its first and last use),
 * its usual posture (counts over learned events only, so an attacker cannot
 * make a failing posture "usual") and the last posture reported. Plain
 * numbers and strings so a snapshot is lossless JSON. Must never be mutated
 * by detectors: the analyzer updates it after they ran.
 */
import type { DevicePosture } from '../events/schema.js';
import { isHealthyEdr, isHealthyMdm } from './posture.js';

/** Slots of `DeviceRecord.counts` (learned observations). */
export const C = {
  observations: 0,
  managedKnown: 1,
  managed: 2,
  compliantKnown: 3,
  compliant: 4,
  edrKnown: 5,
  edrActive: 6,
  mdmKnown: 7,
  mdmEnrolled: 8,
} as const;
export const COUNT_SLOTS = 9;

export interface DeviceRecordSnapshot {
  id: string;
  firstSeen: number;
  lastSeen: number;
  /** [identity, first use, last use] */
  users: Array<[string, number, number]>;
  counts: number[];
  last?: DevicePosture;
  lastPostureAt?: number;
}

/**
 * Postures are few and repeat across devices (the same managed, compliant,
 * trust type, OS, EDR combination): the last one reported is kept as a
 * shared, frozen value without the device id rather than one object per
 * device (bounded; past the bound new combinations are kept unshared).
 */
const POSTURES = new Map<string, Readonly<DevicePosture>>();
const MAX_SHARED_POSTURES = 10_000;

function sharedPosture(posture: DevicePosture): Readonly<DevicePosture> {
  const { id: _id, ...rest } = posture;
  const key = JSON.stringify(rest);
  const known = POSTURES.get(key);
  if (known) return known;
  const frozen = Object.freeze(rest);
  if (POSTURES.size < MAX_SHARED_POSTURES) POSTURES.set(key, frozen);
  return frozen;
}

const samePosture = (a: DevicePosture | undefined, b: DevicePosture): boolean =>
  a !== undefined &&
  a.managed === b.managed &&
  a.compliant === b.compliant &&
  a.trust_type === b.trust_type &&
  a.os === b.os &&
  a.os_version === b.os_version &&
  a.edr === b.edr &&
  a.mdm === b.mdm;

export class DeviceRecord {
  firstSeen: number;
  lastSeen: number;
  /** Identities that used the device and when each first and last did (parallel, created at exact size). */
  users: string[];
  userFirstSeen: number[];
  userLastSeen: number[];
  readonly counts = new Float64Array(COUNT_SLOTS);
  /** Last posture any event reported for the device (learned or not), without the device id. */
  last: Readonly<DevicePosture> | undefined;
  lastPostureAt = 0;

  constructor(
    readonly id: string,
    time: number,
  ) {
    this.firstSeen = time;
    this.lastSeen = time;
    this.users = [];
    this.userFirstSeen = [];
    this.userLastSeen = [];
  }

  /** Share of learned observations with a healthy value, or undefined when fewer than `min` reported it. */
  usualShare(known: number, healthy: number, min: number): number | undefined {
    const total = this.counts[known];
    return total >= min ? this.counts[healthy] / total : undefined;
  }

  /** Distinct identities that used the device within `windowMs` before `time` (inclusive). */
  usersSince(since: number): number {
    let count = 0;
    for (let i = 0; i < this.users.length; i++) if (this.userLastSeen[i] >= since) count++;
    return count;
  }

  /** Identities whose first use of the device is before `before`: its established users. */
  usersEstablishedBefore(before: number): number {
    let count = 0;
    for (let i = 0; i < this.users.length; i++) if (this.userFirstSeen[i] < before) count++;
    return count;
  }

  /** Records a use by `identity`; past `maxUsers`, the identity that used it longest ago is forgotten. */
  recordUse(identity: string, time: number, maxUsers: number): void {
    if (time > this.lastSeen) this.lastSeen = time;
    const at = this.users.indexOf(identity);
    if (at >= 0) {
      if (time > this.userLastSeen[at]) this.userLastSeen[at] = time;
      return;
    }
    if (this.users.length >= maxUsers) {
      let oldest = 0;
      for (let i = 1; i < this.users.length; i++)
        if (this.userLastSeen[i] < this.userLastSeen[oldest]) oldest = i;
      this.users.splice(oldest, 1);
      this.userFirstSeen.splice(oldest, 1);
      this.userLastSeen.splice(oldest, 1);
    }
    // Grown by one with concat (exact size) rather than push (which over-allocates): most devices have one user.
    this.users = this.users.concat(identity);
    this.userFirstSeen = this.userFirstSeen.concat(time);
    this.userLastSeen = this.userLastSeen.concat(time);
  }

  recordPosture(posture: DevicePosture, time: number): void {
    if (time >= this.lastPostureAt) {
      if (!samePosture(this.last, posture)) this.last = sharedPosture(posture);
      this.lastPostureAt = time;
    }
  }

  /** Learns the posture as usual for this device (learned events only). */
  learnPosture(posture: DevicePosture): void {
    const counts = this.counts;
    counts[C.observations] += 1;
    if (posture.managed !== undefined) {
      counts[C.managedKnown] += 1;
      if (posture.managed) counts[C.managed] += 1;
    }
    if (posture.compliant !== undefined) {
      counts[C.compliantKnown] += 1;
      if (posture.compliant) counts[C.compliant] += 1;
    }
    if (posture.edr !== undefined) {
      counts[C.edrKnown] += 1;
      if (isHealthyEdr(posture.edr)) counts[C.edrActive] += 1;
    }
    if (posture.mdm !== undefined) {
      counts[C.mdmKnown] += 1;
      if (isHealthyMdm(posture.mdm)) counts[C.mdmEnrolled] += 1;
    }
  }

  snapshot(): DeviceRecordSnapshot {
    const row: DeviceRecordSnapshot = {
      id: this.id,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      users: this.users.map((user, i) => [user, this.userFirstSeen[i], this.userLastSeen[i]]),
      counts: Array.from(this.counts),
    };
    if (this.last) {
      row.last = { ...this.last };
      row.lastPostureAt = this.lastPostureAt;
    }
    return row;
  }

  static restore(row: DeviceRecordSnapshot): DeviceRecord | undefined {
    if (!Array.isArray(row.counts) || row.counts.length !== COUNT_SLOTS || !Array.isArray(row.users))
      return undefined;
    const record = new DeviceRecord(row.id, row.firstSeen);
    record.lastSeen = row.lastSeen;
    record.counts.set(row.counts);
    record.users = row.users.map((user) => user[0]);
    record.userFirstSeen = row.users.map((user) => user[1]);
    record.userLastSeen = row.users.map((user) => user[2]);
    if (row.last) {
      record.last = sharedPosture(row.last);
      record.lastPostureAt = row.lastPostureAt ?? 0;
    }
    return record;
  }
}
