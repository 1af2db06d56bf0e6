/**
 * In-memory implementations of the engine's Source and Sink interfaces for
 * unit tests: a source over a fixed list of records that remembers what was
 * committed, and a sink that keeps what it received (and can be told to fail).
 */
import type { BatchOutput, RawRecord, Sink, Source, SourceBatch } from '../../src/engine/types.js';

export class MemorySource implements Source {
  readonly name = 'memory';
  readonly commits: number[] = [];
  private position = 0;
  closed = false;

  constructor(private readonly values: readonly (string | object)[]) {}

  async next(maxRecords: number): Promise<SourceBatch | null> {
    if (this.position >= this.values.length) return null;
    const end = Math.min(this.values.length, this.position + maxRecords);
    const records: RawRecord[] = [];
    for (let i = this.position; i < end; i++) {
      records.push({ value: this.values[i], origin: { source: this.name, offset: String(i) } });
    }
    this.position = end;
    return { records, position: end };
  }

  async commit(position: unknown): Promise<void> {
    this.commits.push(position as number);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class MemorySink implements Sink {
  readonly name = 'memory';
  readonly outputs: BatchOutput[] = [];
  /** Fail the flush of this (1-based) batch number. */
  failFlushAt: number | undefined;
  flushes = 0;
  closed = false;

  async write(output: BatchOutput): Promise<void> {
    this.outputs.push(output);
  }

  async flush(): Promise<void> {
    this.flushes += 1;
    if (this.flushes === this.failFlushAt) throw new Error('sink unavailable');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get scores() {
    return this.outputs.flatMap((o) => o.scores);
  }
  get alerts() {
    return this.outputs.flatMap((o) => o.alerts);
  }
  get deadLetters() {
    return this.outputs.flatMap((o) => o.deadLetters);
  }
}
