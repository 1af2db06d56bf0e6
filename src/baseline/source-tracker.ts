/**
 * Population-level memory keyed by source address: which identities failed to
 * sign in from an address recently (password spray is one address failing
 * across many accounts, invisible in any single identity's baseline).
 * Bounded: the least recently used addresses are dropped past `capacity`.
 */
import { fnv1a } from './hash.js';

const RING = 64;

interface SourceEntry {
  /** Interleaved (time, identity hash) pairs; `cursor` is the next write. */
  ring: Float64Array;
  cursor: number;
  /** Most recent failing identities, for evidence. */
  recentIdentities: string[];
}

export class SourceTracker {
  private readonly sources = new Map<string, SourceEntry>();

  constructor(readonly capacity = 100_000) {}

  get size(): number {
    return this.sources.size;
  }

  recordFailure(ip: string, identity: string, time: number): void {
    let entry = this.sources.get(ip);
    if (entry) {
      this.sources.delete(ip);
    } else {
      entry = { ring: new Float64Array(RING * 2), cursor: 0, recentIdentities: [] };
      if (this.sources.size >= this.capacity) this.evictOldest();
    }
    this.sources.set(ip, entry);
    entry.ring[entry.cursor * 2] = time;
    entry.ring[entry.cursor * 2 + 1] = fnv1a(identity);
    entry.cursor = (entry.cursor + 1) % RING;
    if (!entry.recentIdentities.includes(identity)) {
      entry.recentIdentities.push(identity);
      if (entry.recentIdentities.length > 10) entry.recentIdentities.shift();
    }
  }

  /** Distinct identities that failed from `ip` at or after `since`. */
  distinctFailingIdentities(ip: string, since: number): number {
    const entry = this.sources.get(ip);
    if (!entry) return 0;
    const seen = new Set<number>();
    for (let i = 0; i < RING; i++) {
      const time = entry.ring[i * 2];
      if (time > 0 && time >= since) seen.add(entry.ring[i * 2 + 1]);
    }
    return seen.size;
  }

  recentIdentities(ip: string): readonly string[] {
    return this.sources.get(ip)?.recentIdentities ?? [];
  }

  snapshot(): Array<[string, number[], number, string[]]> {
    return [...this.sources].map(([ip, e]) => [ip, Array.from(e.ring), e.cursor, [...e.recentIdentities]]);
  }

  restore(rows: Array<[string, number[], number, string[]]>): void {
    this.sources.clear();
    for (const [ip, ring, cursor, recent] of rows) {
      this.sources.set(ip, { ring: Float64Array.from(ring), cursor, recentIdentities: recent });
    }
  }

  private evictOldest(): void {
    const oldest = this.sources.keys().next();
    if (!oldest.done) this.sources.delete(oldest.value);
  }
}
