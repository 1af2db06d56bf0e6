/**
 * The signals sink: hands each batch's enforced decisions to the in-memory
 * enforcement table (check endpoint) and its SETs to every durable outbox
 * (push receivers, poll). `flush` fsyncs the outboxes, so the engine commits
 * its source only once every SET of the batch is safely queued; a SET
 * enqueued twice (replay after a crash) is dropped by jti.
 */
import type { BatchOutput, Sink } from '../engine/types.js';
import type { EnforcementTable } from '../signals/enforcement.js';
import type { Outbox } from '../signals/outbox.js';

export class SignalsSink implements Sink {
  readonly name = 'signals';

  constructor(
    private readonly outboxes: readonly Outbox[],
    private readonly enforcement?: EnforcementTable,
  ) {}

  async write(output: BatchOutput): Promise<void> {
    this.enforcement?.apply(output.decisions);
    if (!output.signals) return;
    for (const signal of output.signals) {
      for (const outbox of this.outboxes) outbox.enqueue(signal.jti, signal.set);
    }
  }

  async flush(): Promise<void> {
    for (const outbox of this.outboxes) outbox.sync();
  }

  async close(): Promise<void> {}
}
