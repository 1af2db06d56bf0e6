/**
 * Writing to the embedded SQLite file from a second connection in the same
 * process (the audit log, analysts' verdicts) while the store sink holds its
 * batch transaction open across awaits: better-sqlite3 is synchronous, so a
 * write that hits the lock would block the event loop — and with it the
 * sink's own commit — until the busy timeout. A WriterGate lets such writes
 * wait, asynchronously, until the sink's connection is between batches.
 */
import type { Database } from 'better-sqlite3';

const DEFAULT_WAIT_MS = 30_000;

export class WriterGate {
  private readonly writers: Database[] = [];

  constructor(
    private readonly what: string,
    private readonly maxWaitMs = DEFAULT_WAIT_MS,
  ) {}

  /** A connection that keeps transactions open across awaits (the store sink's). */
  yieldTo(db: Database): void {
    this.writers.push(db);
  }

  /** Resolves once no such connection is inside a transaction; throws past `maxWaitMs`. */
  async idle(): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    while (this.writers.some((db) => db.open && db.inTransaction)) {
      if (Date.now() > deadline)
        throw new Error(
          `${this.what} waited ${this.maxWaitMs / 1000} s for the store sink's batch to commit`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
