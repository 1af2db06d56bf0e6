/**
 * A fixed-size ring of recent observations kept in a slab, for short-window
 * counts: failures in the last minutes, denied pushes, distinct destinations
 * touched. A tagged ring stores (time, tag) pairs so it can count distinct
 * tags; an untagged one stores times only, at half the memory. Slot 0 of its
 * region holds the write cursor.
 */
export class RecentRing {
  private readonly stride: number;

  constructor(
    private readonly slab: Float64Array,
    private readonly offset: number,
    readonly capacity: number,
    readonly tagged = false,
  ) {
    this.stride = tagged ? 2 : 1;
  }

  /** Slab numbers needed for a ring of `capacity`. */
  static width(capacity: number, tagged = false): number {
    return 1 + capacity * (tagged ? 2 : 1);
  }

  push(time: number, tag = 0): void {
    const cursor = this.slab[this.offset];
    const at = this.offset + 1 + cursor * this.stride;
    this.slab[at] = time;
    if (this.tagged) this.slab[at + 1] = tag;
    this.slab[this.offset] = (cursor + 1) % this.capacity;
  }

  /** Time of the observation pushed `back` pushes ago (0 = the newest); 0 when that slot is empty. */
  recentTime(back: number): number {
    const cursor = this.slab[this.offset];
    const slot = (((cursor - 1 - back) % this.capacity) + this.capacity) % this.capacity;
    return this.slab[this.offset + 1 + slot * this.stride];
  }

  /** Observations with time in [since, ∞). Empty slots hold time 0 and never count. */
  countSince(since: number): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) {
      const time = this.slab[this.offset + 1 + i * this.stride];
      if (time > 0 && time >= since) n++;
    }
    return n;
  }

  /** Distinct tags among observations since `since` (tagged rings only); small capacities make the quadratic scan cheap. */
  distinctTagsSince(since: number): number {
    if (!this.tagged) throw new Error('distinctTagsSince needs a tagged ring');
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
      const time = this.slab[this.offset + 1 + i * this.stride];
      if (time > 0 && time >= since && (oldest === 0 || time < oldest)) oldest = time;
    }
    return oldest;
  }
}
