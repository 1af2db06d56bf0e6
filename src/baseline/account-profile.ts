/**
 * What Vigil keeps about one identity's account changes, both as the actor
 * who makes changes and as the target whose account is changed: a ring of
 * the changes it made recently (for bursts), when it usually makes them
 * (hour-of-week histogram, learned only from low-risk changes), and how many
 * credentials were added to it and by whom last (workload credential
 * rotation looks different from a first, foreign credential). Fixed size:
 * one Float64Array slab and one Uint16Array, like the other profiles.
 */
import type { AccountEvent } from '../events/schema.js';
import { HOURS_PER_WEEK } from './config.js';
import { fnv1a } from './hash.js';
import { countHour } from './hour-histogram.js';
import { RecentRing } from './recent-ring.js';

const S = {
  changesMade: 0,
  firstChangeAt: 1,
  lastChangeAt: 2,
  changesReceived: 3,
  lastReceivedAt: 4,
  hourTotal: 5,
  credentialsAdded: 6,
  lastCredentialActor: 7,
  learnedChanges: 8,
  previousCredentialActor: 9,
} as const;
const SCALARS = 10;
const CHANGE_RING = 32;
const SLAB_SIZE = SCALARS + RecentRing.width(CHANGE_RING, true);

export interface AccountProfileSnapshot {
  slab: string;
  hours: string;
}

export class AccountProfile {
  readonly slab: Float64Array;
  readonly hours: Uint16Array;
  /** Changes this identity made as actor; the tag is the hash of the target. */
  readonly changesMade: RecentRing;

  constructor(slab?: Float64Array, hours?: Uint16Array) {
    this.slab = slab ?? new Float64Array(SLAB_SIZE);
    this.hours = hours ?? new Uint16Array(HOURS_PER_WEEK);
    this.changesMade = new RecentRing(this.slab, SCALARS, CHANGE_RING, true);
  }

  static get slabSize(): number {
    return SLAB_SIZE;
  }

  get lastSeen(): number {
    return Math.max(this.slab[S.lastChangeAt], this.slab[S.lastReceivedAt]);
  }
  get changesMadeTotal(): number {
    return this.slab[S.changesMade];
  }
  get learnedChanges(): number {
    return this.slab[S.learnedChanges];
  }
  /** Credentials added to this identity so far, the current event included once tracked. */
  get credentialsAdded(): number {
    return this.slab[S.credentialsAdded];
  }
  /** Hash of the actor of the credential added before the latest one (0 = none). */
  get previousCredentialActorHash(): number {
    return this.slab[S.previousCredentialActor];
  }

  /** Share of this actor's learned changes within ±1 hour of the hour of day of `time` (0..1). */
  changeHourShare(time: number): number {
    const total = this.slab[S.hourTotal];
    if (total === 0) return 0;
    const hour = Math.floor(time / 3_600_000) % 24;
    let sum = 0;
    for (let day = 0; day < 7; day++) {
      for (let delta = -1; delta <= 1; delta++) sum += this.hours[day * 24 + ((hour + delta + 24) % 24)];
    }
    return sum / total;
  }

  /** Short-window counters of the actor; called for every change it makes. */
  trackMade(event: AccountEvent): void {
    const slab = this.slab;
    if (slab[S.changesMade] === 0) slab[S.firstChangeAt] = event.time;
    slab[S.changesMade] += 1;
    if (event.time > slab[S.lastChangeAt]) slab[S.lastChangeAt] = event.time;
    this.changesMade.push(event.time, fnv1a(event.identity));
  }

  /** Counters of the target; called for every change made to it. */
  trackReceived(event: AccountEvent): void {
    const slab = this.slab;
    slab[S.changesReceived] += 1;
    if (event.time > slab[S.lastReceivedAt]) slab[S.lastReceivedAt] = event.time;
    // Tracked, not learned: the first credential always alerts, so learning it would never happen;
    // a later one by the same actor is what rotation looks like.
    if (event.change === 'credential_added') {
      slab[S.credentialsAdded] += 1;
      slab[S.previousCredentialActor] = slab[S.lastCredentialActor];
      slab[S.lastCredentialActor] = event.actor ? fnv1a(event.actor) : 0;
    }
  }

  /** Learning of the actor's habits; skipped for high-risk changes. */
  learnMade(event: AccountEvent): void {
    this.slab[S.learnedChanges] += 1;
    countHour(this.hours, this.slab, S.hourTotal, event.time);
  }

  snapshot(): AccountProfileSnapshot {
    return {
      slab: Buffer.from(this.slab.buffer, this.slab.byteOffset, this.slab.byteLength).toString('base64'),
      hours: Buffer.from(this.hours.buffer, this.hours.byteOffset, this.hours.byteLength).toString('base64'),
    };
  }

  /** Restores a snapshot; undefined when its size does not match this version's layout. */
  static restore(snapshot: AccountProfileSnapshot): AccountProfile | undefined {
    const slabBytes = Buffer.from(snapshot.slab, 'base64');
    const hourBytes = Buffer.from(snapshot.hours, 'base64');
    if (slabBytes.byteLength !== SLAB_SIZE * 8 || hourBytes.byteLength !== HOURS_PER_WEEK * 2)
      return undefined;
    const slab = new Float64Array(SLAB_SIZE);
    new Uint8Array(slab.buffer).set(slabBytes);
    const hours = new Uint16Array(HOURS_PER_WEEK);
    new Uint8Array(hours.buffer).set(hourBytes);
    return new AccountProfile(slab, hours);
  }
}
