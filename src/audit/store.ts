/**
 * Where an audit chain lives: the embedded SQLite store (sqlite-store.ts),
 * ClickHouse (clickhouse-store.ts), or memory (memory-store.ts, for tests
 * and tools). Every store keeps records by (chain, seq) and checkpoints by
 * (chain, seq), and answers the few reads the log, `vigil audit` and the
 * API need. A store only stores: it never computes hashes nor decides what
 * is valid, and it never rewrites a record.
 */
import type { AuditCheckpoint } from './checkpoints.js';
import type { AuditKind, AuditRecord } from './record.js';

export interface AuditRef {
  kind: AuditKind;
  ref: string;
}

export interface AuditStore {
  readonly name: string;
  /** The chain's last record (highest seq). */
  head(chain: string): Promise<AuditRecord | undefined>;
  /** Appends records (already sealed, in seq order) and optionally a checkpoint, durably before resolving. */
  append(records: readonly AuditRecord[], checkpoint?: AuditCheckpoint): Promise<void>;
  /** Records with seq ≥ `fromSeq` (and ≤ `toSeq` when given), in seq order, at most `limit`. */
  records(chain: string, fromSeq: number, limit: number, toSeq?: number): Promise<AuditRecord[]>;
  /** Lowest seq whose time is ≥ `timeMs`, or null. */
  firstSeqAtOrAfter(chain: string, timeMs: number): Promise<number | null>;
  /** Highest seq whose time is < `timeMs`, or null. */
  lastSeqBefore(chain: string, timeMs: number): Promise<number | null>;
  /** (kind, ref) of the chain's last `limit` records: what a replay may repeat. */
  recentRefs(chain: string, limit: number): Promise<AuditRef[]>;
  /** The chain's latest record of a kind (e.g. the last recorded policy). */
  latest(chain: string, kind: AuditKind): Promise<AuditRecord | undefined>;
  checkpoints(chain: string): Promise<AuditCheckpoint[]>;
  close(): Promise<void>;
}

/** Reads a chain page by page, in seq order, from `fromSeq` to `toSeq` (inclusive, when given). */
export async function* recordsOf(
  store: AuditStore,
  chain: string,
  fromSeq = 1,
  toSeq?: number,
  pageSize = 1000,
): AsyncGenerator<AuditRecord> {
  let next = fromSeq;
  for (;;) {
    const page = await store.records(chain, next, pageSize, toSeq);
    for (const record of page) yield record;
    if (page.length < pageSize) return;
    next = (page.at(-1)?.seq ?? next) + 1;
  }
}
