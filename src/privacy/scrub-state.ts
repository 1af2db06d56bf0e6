/**
 * Removes one identity from a state snapshot (StateStore.snapshot(), as kept
 * in checkpoints): its own entry goes, and every trace of it in the state of
 * others is scrubbed. The scrub is generic over the snapshot JSON so that
 * members added later (device or peer context, new profiles) are covered
 * without a hook: a string that mentions the identity becomes null inside an
 * array (known-value slots stay positional; a null slot is a free slot) and
 * is dropped as an object property, and an object key that mentions it is
 * dropped. The population source tracker is handled by shape: the identity
 * leaves each address's recent-failure list, and its slots in the failure
 * ring (time, FNV-1a hash) are zeroed; incident-suppression keys that
 * mention it are dropped.
 *
 * Never touches state that does not mention the identity, and never
 * changes the snapshot it is given (works on a copy).
 */
import { fnv1a } from '../baseline/hash.js';
import type { StateSnapshot } from '../baseline/state-store.js';
import { mentions } from './mentions.js';

export interface StateScrubResult {
  snapshot: StateSnapshot;
  /** 1 when the identity's own state was in the snapshot. */
  identitiesRemoved: number;
  /** Mentions removed from other identities' and population state. */
  mentionsRemoved: number;
}

type SourceRow = [string, number[], number, string[]];

class Scrubber {
  removed = 0;
  constructor(private readonly identity: string) {}

  value(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.arrayItem(item));
    if (value && typeof value === 'object') return this.object(value as Record<string, unknown>);
    return value;
  }

  private arrayItem(item: unknown): unknown {
    if (typeof item === 'string' && mentions(item, this.identity)) {
      this.removed += 1;
      return null;
    }
    return this.value(item);
  }

  private object(object: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) {
      if (mentions(key, this.identity) || (typeof item === 'string' && mentions(item, this.identity))) {
        this.removed += 1;
        continue;
      }
      out[key] = this.value(item);
    }
    return out;
  }

  sources(rows: readonly SourceRow[]): SourceRow[] {
    const hash = fnv1a(this.identity);
    return rows.map(([ip, ring, cursor, recent]) => {
      const kept = recent.filter((name) => !mentions(name, this.identity));
      this.removed += recent.length - kept.length;
      const scrubbed = ring.slice();
      for (let i = 0; i + 1 < scrubbed.length; i += 2) {
        if (scrubbed[i + 1] !== hash || scrubbed[i] === 0) continue;
        scrubbed[i] = 0;
        scrubbed[i + 1] = 0;
        this.removed += 1;
      }
      return [ip, scrubbed, cursor, kept];
    });
  }
}

/** The snapshot without `identity`: its own entry removed and its mentions scrubbed from everything else. */
export function scrubSnapshot(snapshot: StateSnapshot, identity: string): StateScrubResult {
  const scrubber = new Scrubber(identity);
  const { identities, sources, incidentAlerts, ...rest } = snapshot;
  const own = identities.filter((row) => row.identity === identity).length;
  const others = identities
    .filter((row) => row.identity !== identity)
    .map((row) => scrubber.value(row) as StateSnapshot['identities'][number]);
  const scrubbedRest = scrubber.value(rest) as Omit<StateSnapshot, 'identities' | 'sources'>;
  const result: StateSnapshot = {
    ...scrubbedRest,
    formatVersion: snapshot.formatVersion,
    identities: others,
    sources: scrubber.sources((sources ?? []) as SourceRow[]),
  };
  if (incidentAlerts) {
    result.incidentAlerts = incidentAlerts.filter(([key]) => !mentions(key, identity));
    scrubber.removed += incidentAlerts.length - result.incidentAlerts.length;
  }
  return { snapshot: result, identitiesRemoved: own, mentionsRemoved: scrubber.removed };
}

/** Whether a snapshot (as JSON text) still mentions the identity anywhere. */
export function snapshotMentions(snapshot: StateSnapshot, identity: string): boolean {
  return mentions(JSON.stringify(snapshot), identity);
}
