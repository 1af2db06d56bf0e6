/**
 * A durable outbox of SETs for one destination (a push receiver, or the poll
 * endpoint): an append-only NDJSON journal of `enqueue` and `ack` lines.
 * Opening it replays the journal, so an engine restart resumes exactly the
 * deliveries still pending. De-duplicated by jti: a SET enqueued again (a
 * replayed batch after a crash) is ignored whether it is pending or was
 * already delivered. The journal is compacted (pending SETs plus the jtis of
 * the most recent deliveries) once it has grown past a threshold.
 *
 * `enqueue` appends to the journal in memory order; `sync` makes everything
 * enqueued so far durable (fsync) — the engine commits its source only after.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface OutboxEntry {
  jti: string;
  set: Record<string, unknown>;
  /** Epoch ms when the entry was enqueued (wall clock). */
  enqueuedAt: number;
}

type JournalLine =
  | { op: 'enqueue'; jti: string; set: Record<string, unknown>; at: number }
  | { op: 'ack'; jti: string; failed?: string };

export interface OutboxOptions {
  dir: string;
  /** File-name-safe name of the destination. */
  name: string;
  /** Delivered jtis remembered for de-duplication (most recent first out). */
  rememberDelivered?: number;
  /** Compact once the journal holds this many lines. */
  compactAfterLines?: number;
}

export class Outbox {
  readonly path: string;
  private readonly pending = new Map<string, OutboxEntry>();
  private readonly delivered = new Map<string, true>();
  private readonly rememberDelivered: number;
  private readonly compactAfterLines: number;
  private fd: number;
  private lines = 0;
  private dirty = false;
  private waiters: Array<() => void> = [];

  constructor(options: OutboxOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.path = join(options.dir, `${options.name}.outbox.ndjson`);
    this.rememberDelivered = options.rememberDelivered ?? 100_000;
    this.compactAfterLines = options.compactAfterLines ?? 50_000;
    this.load();
    this.fd = openSync(this.path, 'a');
  }

  get size(): number {
    return this.pending.size;
  }

  /** Pending entries, oldest first. */
  peek(max: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const entry of this.pending.values()) {
      if (out.length >= max) break;
      out.push(entry);
    }
    return out;
  }

  has(jti: string): boolean {
    return this.pending.has(jti) || this.delivered.has(jti);
  }

  /** Adds a SET unless its jti is pending or was delivered; returns whether it was added. */
  enqueue(jti: string, set: Record<string, unknown>, now = Date.now()): boolean {
    if (this.has(jti)) return false;
    this.pending.set(jti, { jti, set, enqueuedAt: now });
    this.append({ op: 'enqueue', jti, set, at: now });
    for (const wake of this.waiters.splice(0)) wake();
    return true;
  }

  /** Marks a SET delivered (or given up on, with the reason); durable at the next sync. */
  ack(jti: string, failed?: string): void {
    if (!this.pending.delete(jti)) return;
    this.remember(jti);
    this.append(failed ? { op: 'ack', jti, failed } : { op: 'ack', jti });
    if (this.lines >= this.compactAfterLines) this.compact();
  }

  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  /** Resolves when something is pending (at once if already). */
  whenPending(signal?: AbortSignal): Promise<void> {
    if (this.pending.size > 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
    for (const wake of this.waiters.splice(0)) wake();
  }

  private append(line: JournalLine): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.lines++;
    this.dirty = true;
  }

  private remember(jti: string): void {
    this.delivered.set(jti, true);
    if (this.delivered.size > this.rememberDelivered)
      this.delivered.delete(this.delivered.keys().next().value!);
  }

  private load(): void {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        continue; // a torn last line after a crash: its SET will be enqueued again by the replayed batch
      }
      this.lines++;
      if (line.op === 'enqueue') {
        if (!this.has(line.jti))
          this.pending.set(line.jti, { jti: line.jti, set: line.set, enqueuedAt: line.at });
      } else if (this.pending.delete(line.jti) || !this.delivered.has(line.jti)) {
        this.remember(line.jti);
      }
    }
  }

  /** Rewrites the journal as delivered jtis + pending SETs (write a temporary file, fsync, rename). */
  private compact(): void {
    const temporary = `${this.path}.compact.tmp`;
    const fd = openSync(temporary, 'w');
    let lines = 0;
    for (const jti of this.delivered.keys()) {
      writeSync(fd, `${JSON.stringify({ op: 'ack', jti })}\n`);
      lines++;
    }
    for (const entry of this.pending.values()) {
      writeSync(
        fd,
        `${JSON.stringify({ op: 'enqueue', jti: entry.jti, set: entry.set, at: entry.enqueuedAt })}\n`,
      );
      lines++;
    }
    fsyncSync(fd);
    closeSync(fd);
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(temporary, this.path);
    this.fd = openSync(this.path, 'a');
    this.lines = lines;
    this.dirty = false;
  }
}
