/**
 * The engine's inbox: work that arrives through the API rather than the
 * source — events posted to `POST /api/ingest`, analysts' revoke / reset
 * actions, and tasks that must run between batches (erasing an identity). The runner takes what is waiting at each batch, processes it with
 * the batch (ingested events after the source's records, actions after every
 * event), writes and flushes the sinks, commits, and only then resolves the
 * callers' promises: an API answer of "accepted" or "enforced" means the
 * result is durable in every sink. If the batch fails, the callers get the
 * error; nothing is acknowledged that was not stored.
 *
 * Bounded: past `capacity` waiting events, `ingest` refuses (the API answers
 * 503 and the client retries). Never does I/O.
 */
import type { VigilEvent } from '../events/schema.js';
import type { ManualAction } from '../risk/decisions.js';
import type { RawRecord } from './types.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

interface PendingTask extends Waiter<unknown> {
  run(): Promise<unknown>;
}

interface PendingAction extends Waiter<boolean> {
  action: ManualAction;
  applied: boolean;
}

/** What the runner took for one batch, and how it reports back. */
export interface InboxTake {
  records: RawRecord[];
  actions: PendingAction[];
  /** Everything in the batch is durable: resolve the callers. */
  committed(): void;
  /** The batch failed: reject the callers. */
  failed(error: Error): void;
}

export class InboxFullError extends Error {
  /** HTTP status the API answers with: retry later. */
  readonly statusCode = 503;
  constructor(readonly capacity: number) {
    super(`the engine's ingest queue is full (${capacity} events waiting); retry shortly`);
  }
}

export class InboxClosedError extends Error {
  readonly statusCode = 503;
  constructor() {
    super('the engine has stopped; nothing more is accepted');
  }
}

export class EngineInbox {
  private records: RawRecord[] = [];
  private recordWaiters: Waiter<void>[] = [];
  private actions: PendingAction[] = [];
  private tasks: PendingTask[] = [];
  private closed = false;

  constructor(readonly capacity = 50_000) {}

  /** Events waiting for the next batch. */
  get waiting(): number {
    return this.records.length;
  }

  get hasWork(): boolean {
    return this.records.length > 0 || this.actions.length > 0;
  }

  /** Queues validated canonical events; resolves once the batch holding them is committed. */
  ingest(events: readonly VigilEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new InboxClosedError());
    if (this.records.length + events.length > this.capacity)
      return Promise.reject(new InboxFullError(this.capacity));
    for (const event of events) {
      this.records.push({ value: event, format: 'canonical', origin: { source: 'api-ingest' } });
    }
    return new Promise((resolve, reject) => this.recordWaiters.push({ resolve, reject }));
  }

  /** Queues an analyst action; resolves with whether the engine knew the identity, once committed. */
  act(action: ManualAction): Promise<boolean> {
    if (this.closed) return Promise.reject(new InboxClosedError());
    return new Promise((resolve, reject) => this.actions.push({ action, applied: false, resolve, reject }));
  }

  /**
   * Runs `task` between two batches, when no sink holds a batch transaction
   * open and the engine's state is not being changed (e.g. erasing an
   * identity from state and store). Resolves with the task's result.
   */
  between<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new InboxClosedError());
    return new Promise<T>((resolve, reject) =>
      this.tasks.push({ run: task, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** The runner calls this between batches: runs the waiting tasks in order. */
  async runTasks(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.shift()!;
      try {
        task.resolve(await task.run());
      } catch (error) {
        task.reject(error as Error);
      }
    }
  }

  /** Everything waiting, for the runner's next batch (empty lists when nothing waits). */
  take(): InboxTake {
    const records = this.records;
    const waiters = this.recordWaiters;
    const actions = this.actions;
    this.records = [];
    this.recordWaiters = [];
    this.actions = [];
    return {
      records,
      actions,
      committed: () => {
        for (const waiter of waiters) waiter.resolve();
        for (const pending of actions) pending.resolve(pending.applied);
      },
      failed: (error) => {
        for (const waiter of waiters) waiter.reject(error);
        for (const pending of actions) pending.reject(error);
      },
    };
  }

  /** Refuses new work and fails whatever still waits (the engine is stopping). */
  close(): void {
    this.closed = true;
    const closed = new InboxClosedError();
    this.take().failed(closed);
    for (const task of this.tasks.splice(0)) task.reject(closed);
  }
}
