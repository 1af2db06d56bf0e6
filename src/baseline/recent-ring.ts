/**
 * A fixed-size ring of recent (time, tag) observations kept in a slab, for
 * short-window counts: failures in the last minutes, denied pushes, distinct
 * destinations touched. Slot 0 of its region holds the write cursor.
 */
export class RecentRing {
  constructor(
    private readonly slab: Float64Array,
    private readonly offset: number,
    readonly capacity: number,
  ) {}

  /** Slab numbers needed for a ring of `capacity`. */
  static width(capacity: number): number {
    return 1 + capacity * 2;
  }

  push(time: number, tag = 0): void {
    const cursor = this.slab[this.offset];
    const at = this.offset + 1 + cursor * 2;
    this.slab[at] = time;
    this.slab[at + 1] = tag;
    this.slab[this.offset] = (cursor + 1) % this.capacity;
  }

  /** Time of the observation pushed `back` pushes ago (0 = the newest); 0 when that slot is empty. */
  recentTime(back: number): number {
    const cursor = this.slab[this.offset];
    const slot = (((cursor - 1 - back) % this.capacity) + this.capacity) % this.capacity;
    return this.slab[this.offset + 1 + slot * 2];
  }

  /** Observations with time in [since, ∞). Empty slots hold time 0 and never count. */
  countSince(since: number): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) {
      const time = this.slab[this.offset + 1 + i * 2];
      if (time > 0 && time >= since) n++;
    }
    return n;
  }

  /** Distinct tags among observations since `since`; small capacities make the quadratic scan cheap. */
  distinctTagsSince(since: number): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) {
      const at = this.offset + 1 + i * 2;
      const time = this.slab[at];
      if (time <= 0 || time < since) continue;
      const tag = this.slab[at + 1];
      let seen = false;
      for (let j = 0; j < i; j++) {
        const other = this.offset + 1 + j * 2;
        if (this.slab[other + 1] === tag && this.slab[other] > 0 && this.slab[other] >= since) {
          seen = true;
          break;
        }
      }
      if (!seen) n++;
    }
    return n;
  }

  /** Earliest time still in the window, or 0. */
  oldestSince(since: number): number {
    let oldest = 0;
    for (let i = 0; i < this.capacity; i++) {
      const time = this.slab[this.offset + 1 + i * 2];
      if (time > 0 && time >= since && (oldest === 0 || time < oldest)) oldest = time;
    }
    return oldest;
  }
}
