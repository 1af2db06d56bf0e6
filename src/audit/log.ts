/**
 * The audit log of one chain: appends entries as hash-chained records
 * (record.ts) to an AuditStore, one append at a time, and signs a
 * checkpoint (checkpoints.ts) every `checkpointEveryRecords` records or
 * `checkpointEveryMs` of wall clock, and at close. The chain's head lives in
 * memory and moves only after the store confirmed the write, so a failed
 * write leaves the chain as it was.
 *
 * Replays: decision ids and SET jtis are deterministic, so an entry whose
 * (kind, ref) is among the chain's recent records (kept in a bounded set
 * loaded at open) is skipped rather than recorded twice.
 *
 * Never signs with a key it was not given, never rewrites stored records.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging.js';
import { type AuditCheckpoint, type AuditSigner, signCheckpoint } from './checkpoints.js';
import { type AuditEntry, type AuditRecord, sealRecord } from './record.js';
import type { AuditStore } from './store.js';

export interface AuditLogOptions {
  /** Chain name: the pipeline's name. */
  chain: string;
  /** Signs checkpoints; absent: no checkpoints (verify then reports every record unattested). */
  signer?: AuditSigner;
  checkpointEveryRecords?: number;
  checkpointEveryMs?: number;
  /** How many recent (kind, ref) pairs are remembered for replay de-duplication. */
  rememberRefs?: number;
  now?: () => number;
  logger?: Logger;
}

/** What human-action call sites are given: records an entry; never rejects (a failure is logged and retried). */
export interface AuditHook {
  record(entry: AuditEntry): Promise<void>;
}

const DEFAULT_EVERY_RECORDS = 1000;
const DEFAULT_EVERY_MS = 10 * 60_000;
const DEFAULT_REMEMBER = 100_000;

const refKey = (kind: string, ref: string) => `${kind}\u0000${ref}`;

export class AuditLog implements AuditHook {
  private head: { seq: number; hash: string } | undefined;
  private readonly seen = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();
  /** Entries from hooks whose write failed: retried before the next append. */
  private retry: Required<AuditEntry>[] = [];
  private lastCheckpointSeq = 0;
  private lastCheckpointMs: number;
  private readonly now: () => number;
  private readonly everyRecords: number;
  private readonly everyMs: number;
  private readonly remember: number;
  /** Entries skipped because the chain already holds their (kind, ref). */
  duplicatesSkipped = 0;

  private constructor(
    readonly store: AuditStore,
    private readonly options: AuditLogOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.everyRecords = options.checkpointEveryRecords ?? DEFAULT_EVERY_RECORDS;
    this.everyMs = options.checkpointEveryMs ?? DEFAULT_EVERY_MS;
    this.remember = options.rememberRefs ?? DEFAULT_REMEMBER;
    this.lastCheckpointMs = this.now();
  }

  /** Opens the chain: reads its head, its last checkpoint and the refs a replay may repeat. */
  static async open(store: AuditStore, options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(store, options);
    const head = await store.head(options.chain);
    if (head) log.head = { seq: head.seq, hash: head.hash };
    const refs = await store.recentRefs(options.chain, log.remember);
    for (let i = refs.length - 1; i >= 0; i--) log.seen.add(refKey(refs[i].kind, refs[i].ref));
    const checkpoints = await store.checkpoints(options.chain);
    const last = checkpoints.at(-1);
    if (last) {
      log.lastCheckpointSeq = last.seq;
      log.lastCheckpointMs = last.time;
    }
    return log;
  }

  get chain(): string {
    return this.options.chain;
  }

  /** Seq of the last record appended (0 for an empty chain). */
  get headSeq(): number {
    return this.head?.seq ?? 0;
  }

  /** Appends entries in order (skipping replayed ones); resolves with the records written, once durable. */
  append(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    const run = this.tail.then(() => this.write(entries));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** AuditHook: appends one entry; a failure is logged and the entry retried with the next append. */
  async record(entry: AuditEntry): Promise<void> {
    const complete = this.complete(entry);
    try {
      await this.append([complete]);
    } catch (error) {
      this.retry.push(complete);
      this.options.logger?.error(
        { err: error, kind: entry.kind, chain: this.chain },
        'audit record not written; will retry with the next append',
      );
    }
  }

  /** Signs a checkpoint over the head now (if any record is not yet covered). */
  checkpoint(): Promise<AuditCheckpoint | undefined> {
    const run = this.tail.then(() => this.writeCheckpointOnly());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Checkpoints what is not yet covered; the store is closed by its owner. */
  async close(): Promise<void> {
    await this.checkpoint();
  }

  private complete(entry: AuditEntry): Required<AuditEntry> {
    return {
      kind: entry.kind,
      actor: entry.actor,
      subject: entry.subject,
      ref: entry.ref ?? randomUUID(),
      payload: entry.payload,
      time: entry.time ?? this.now(),
    };
  }

  private async write(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    const retried = this.retry;
    this.retry = [];
    const records: AuditRecord[] = [];
    const keys: string[] = [];
    const batchKeys = new Set<string>();
    let previous = this.head;
    for (const entry of [...retried, ...entries.map((e) => this.complete(e))]) {
      const key = refKey(entry.kind, entry.ref);
      if (this.seen.has(key) || batchKeys.has(key)) {
        this.duplicatesSkipped++;
        continue;
      }
      batchKeys.add(key);
      const record = sealRecord(this.chain, previous, entry);
      records.push(record);
      keys.push(key);
      previous = record;
    }
    const checkpoint = previous && this.checkpointDue(previous.seq) ? await this.sign(previous) : undefined;
    if (records.length === 0 && !checkpoint) return records;
    try {
      await this.store.append(records, checkpoint);
    } catch (error) {
      this.retry = [...retried, ...this.retry];
      throw error;
    }
    this.head = previous;
    for (const key of keys) this.rememberKey(key);
    if (checkpoint) this.checkpointed(checkpoint);
    return records;
  }

  private async writeCheckpointOnly(): Promise<AuditCheckpoint | undefined> {
    const head = this.head;
    if (!head || !this.options.signer || head.seq <= this.lastCheckpointSeq) return undefined;
    const checkpoint = await this.sign(head);
    await this.store.append([], checkpoint);
    this.checkpointed(checkpoint);
    return checkpoint;
  }

  private checkpointDue(seq: number): boolean {
    if (!this.options.signer || seq <= this.lastCheckpointSeq) return false;
    return (
      seq - this.lastCheckpointSeq >= this.everyRecords || this.now() - this.lastCheckpointMs >= this.everyMs
    );
  }

  private sign(head: { seq: number; hash: string }): Promise<AuditCheckpoint> {
    const signer = this.options.signer as AuditSigner;
    return signCheckpoint(signer, { chain: this.chain, seq: head.seq, hash: head.hash, time: this.now() });
  }

  private checkpointed(checkpoint: AuditCheckpoint): void {
    this.lastCheckpointSeq = checkpoint.seq;
    this.lastCheckpointMs = checkpoint.time;
  }

  private rememberKey(key: string): void {
    this.seen.add(key);
    if (this.seen.size > this.remember) this.seen.delete(this.seen.values().next().value as string);
  }
}
