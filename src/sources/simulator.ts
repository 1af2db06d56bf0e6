/**
 * Built-in traffic simulator as a live source: pulls events from the
 * simulator's generator and paces them at `rate` events per second of wall
 * clock (simulated time runs as fast as the generator makes it). Records are
 * handed over as objects; they still pass the format mapper and validation.
 */
import type { RawRecord, Source, SourceBatch } from '../engine/types.js';
import { type ScenarioName, type SimulatedEvent, simulate } from '../simulator/index.js';

export interface SimulatorSourceOptions {
  seed: number;
  /** Stop after this many events; unbounded when absent. */
  events?: number;
  /** Events per second of wall clock. */
  rate: number;
  users?: number;
  workloads?: number;
  /** Scenarios to inject (default: the standard set). */
  scenarios?: readonly ScenarioName[];
}

export class SimulatorSource implements Source {
  readonly name = 'simulator';
  private readonly generator: Generator<SimulatedEvent>;
  private emitted = 0;
  private readonly startedAt = Date.now();
  private done = false;

  constructor(private readonly options: SimulatorSourceOptions) {
    this.generator = simulate({
      seed: options.seed,
      events: options.events ?? Number.POSITIVE_INFINITY,
      users: options.users,
      workloads: options.workloads,
      scenarios: options.scenarios,
    });
  }

  async next(maxRecords: number, maxWaitMs: number, signal: AbortSignal): Promise<SourceBatch | null> {
    if (this.done) return null;
    const due = await this.waitForDue(maxRecords, maxWaitMs, signal);
    const records: RawRecord[] = [];
    while (records.length < due) {
      const next = this.generator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      this.emitted += 1;
      records.push({ value: next.value.event, origin: { source: this.name, offset: String(this.emitted) } });
    }
    if (records.length === 0 && this.done) return null;
    return { records, position: this.emitted };
  }

  async commit(): Promise<void> {}

  async close(): Promise<void> {
    this.generator.return(undefined);
  }

  /** Events owed by now at the configured rate, waiting up to `maxWaitMs` for at least one. */
  private async waitForDue(maxRecords: number, maxWaitMs: number, signal: AbortSignal): Promise<number> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const owed = Math.floor(((Date.now() - this.startedAt) / 1000) * this.options.rate) - this.emitted;
      if (owed >= maxRecords || signal.aborted) return Math.min(maxRecords, Math.max(0, owed));
      if (Date.now() >= deadline && owed > 0) return owed;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(5, deadline - Date.now()))));
    }
  }
}
