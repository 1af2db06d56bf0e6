/**
 * A bounded set of values an identity is known to use (devices, addresses,
 * countries, applications, destinations...), with first-seen, last-seen and
 * a count per value. It lives inside a caller-owned Float64Array slab so a
 * profile is a handful of allocations, not one per value.
 *
 * When full, the entry with the lowest recency-weighted count is evicted
 * (count halves for every `halfLifeMs` since it was last seen), so a value
 * used daily survives while a one-off from months ago makes room.
 */

/** Numbers stored per slot in the slab. */
export const SLOT_WIDTH = 3;
const COUNT = 0;
const FIRST = 1;
const LAST = 2;

export interface KnownEntry {
  value: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export class KnownSet {
  /** Sum of counts, for rarity (count / total). */
  total = 0;

  constructor(
    private readonly slab: Float64Array,
    private readonly offset: number,
    readonly capacity: number,
    readonly keys: (string | undefined)[],
    private readonly keyOffset: number,
    private readonly halfLifeMs: number,
  ) {}

  /** Slot index of a value, or -1 when unknown. */
  indexOf(value: string): number {
    const keys = this.keys;
    const end = this.keyOffset + this.capacity;
    for (let i = this.keyOffset; i < end; i++) if (keys[i] === value) return i - this.keyOffset;
    return -1;
  }

  has(value: string): boolean {
    return this.indexOf(value) >= 0;
  }

  /** Number of values currently known. */
  get size(): number {
    let n = 0;
    const end = this.keyOffset + this.capacity;
    for (let i = this.keyOffset; i < end; i++) if (this.keys[i] !== undefined) n++;
    return n;
  }

  /** Number of values known since before `time` (first seen earlier and still kept); allocation-free. */
  sizeBefore(time: number): number {
    let n = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.keys[this.keyOffset + slot] !== undefined && this.firstSeen(slot) < time) n++;
    }
    return n;
  }

  count(slot: number): number {
    return this.slab[this.offset + slot * SLOT_WIDTH + COUNT];
  }

  firstSeen(slot: number): number {
    return this.slab[this.offset + slot * SLOT_WIDTH + FIRST];
  }

  lastSeen(slot: number): number {
    return this.slab[this.offset + slot * SLOT_WIDTH + LAST];
  }

  /** Share of all observations that went to this value (0 when unknown). */
  frequency(value: string): number {
    const slot = this.indexOf(value);
    return slot < 0 || this.total === 0 ? 0 : this.count(slot) / this.total;
  }

  /** Records one observation and returns its slot. */
  observe(value: string, time: number): number {
    let slot = this.indexOf(value);
    const base = this.offset;
    if (slot < 0) {
      slot = this.freeOrEvict(time);
      this.keys[this.keyOffset + slot] = value;
      const at = base + slot * SLOT_WIDTH;
      this.total -= this.slab[at + COUNT];
      this.slab[at + COUNT] = 0;
      this.slab[at + FIRST] = time;
      this.slab[at + LAST] = time;
    }
    const at = base + slot * SLOT_WIDTH;
    this.slab[at + COUNT] += 1;
    if (time > this.slab[at + LAST]) this.slab[at + LAST] = time;
    this.total += 1;
    return slot;
  }

  entries(): KnownEntry[] {
    const out: KnownEntry[] = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      const value = this.keys[this.keyOffset + slot];
      if (value === undefined) continue;
      out.push({
        value,
        count: this.count(slot),
        firstSeen: this.firstSeen(slot),
        lastSeen: this.lastSeen(slot),
      });
    }
    return out.sort((a, b) => b.count - a.count);
  }

  /** Recomputes `total` from the slab (after restore). */
  recount(): void {
    let total = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.keys[this.keyOffset + slot] !== undefined) total += this.count(slot);
    }
    this.total = total;
  }

  private freeOrEvict(time: number): number {
    let victim = 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.keys[this.keyOffset + slot] === undefined) return slot;
      const age = time - this.lastSeen(slot);
      const weight = this.count(slot) * 2 ** (-Math.max(0, age) / this.halfLifeMs);
      if (weight < lowest) {
        lowest = weight;
        victim = slot;
      }
    }
    return victim;
  }
}
