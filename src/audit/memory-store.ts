/**
 * An audit store in memory: for unit tests and tools that assemble a chain
 * before writing it out. Holds copies, so a caller mutating what it passed
 * in or got back cannot change the stored chain by accident.
 */
import type { AuditCheckpoint } from './checkpoints.js';
import type { AuditKind, AuditRecord } from './record.js';
import type { AuditRef, AuditStore } from './store.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAuditStore implements AuditStore {
  readonly name = 'memory';
  /** Records per chain in append order; tests may edit them to simulate tampering. */
  readonly chains = new Map<string, AuditRecord[]>();
  readonly checkpointsByChain = new Map<string, AuditCheckpoint[]>();
  /** Set to make the next append fail (simulates a store outage). */
  failNextAppend: Error | undefined;

  private chainOf(chain: string): AuditRecord[] {
    let records = this.chains.get(chain);
    if (!records) {
      records = [];
      this.chains.set(chain, records);
    }
    return records;
  }

  async head(chain: string): Promise<AuditRecord | undefined> {
    const records = this.chains.get(chain) ?? [];
    let best: AuditRecord | undefined;
    for (const record of records) if (!best || record.seq > best.seq) best = record;
    return best && copy(best);
  }

  async append(records: readonly AuditRecord[], checkpoint?: AuditCheckpoint): Promise<void> {
    if (this.failNextAppend) {
      const error = this.failNextAppend;
      this.failNextAppend = undefined;
      throw error;
    }
    for (const record of records) this.chainOf(record.chain).push(copy(record));
    if (checkpoint) {
      const list = this.checkpointsByChain.get(checkpoint.chain) ?? [];
      list.push(copy(checkpoint));
      this.checkpointsByChain.set(checkpoint.chain, list);
    }
  }

  async records(chain: string, fromSeq: number, limit: number, toSeq?: number): Promise<AuditRecord[]> {
    return [...(this.chains.get(chain) ?? [])]
      .sort((a, b) => a.seq - b.seq)
      .filter((record) => record.seq >= fromSeq && (toSeq === undefined || record.seq <= toSeq))
      .slice(0, limit)
      .map(copy);
  }

  async firstSeqAtOrAfter(chain: string, timeMs: number): Promise<number | null> {
    const seqs = (this.chains.get(chain) ?? []).filter((r) => r.time >= timeMs).map((r) => r.seq);
    return seqs.length ? Math.min(...seqs) : null;
  }

  async lastSeqBefore(chain: string, timeMs: number): Promise<number | null> {
    const seqs = (this.chains.get(chain) ?? []).filter((r) => r.time < timeMs).map((r) => r.seq);
    return seqs.length ? Math.max(...seqs) : null;
  }

  async recentRefs(chain: string, limit: number): Promise<AuditRef[]> {
    return (this.chains.get(chain) ?? []).slice(-limit).map(({ kind, ref }) => ({ kind, ref }));
  }

  async latest(chain: string, kind: AuditKind): Promise<AuditRecord | undefined> {
    const found = (this.chains.get(chain) ?? []).filter((record) => record.kind === kind).at(-1);
    return found && copy(found);
  }

  async checkpoints(chain: string): Promise<AuditCheckpoint[]> {
    return (this.checkpointsByChain.get(chain) ?? []).map(copy);
  }

  async close(): Promise<void> {}
}
