/**
 * The micro-batch loop: read a batch from the source, process it, write it
 * to every sink, flush every sink, and only then commit the source position
 * (at-least-once in; sinks are idempotent by record id). Stops at the end of
 * the input or when the abort signal fires, always finishing, flushing and
 * committing the batch in hand first.
 */
import type { BatchProcessor } from './batch-processor.js';
import type { EngineInbox } from './inbox.js';
import type { BatchOutput, Sink, Source } from './types.js';

export interface RunStats {
  batches: number;
  records: number;
  scored: number;
  deadLetters: number;
  alerts: number;
  alertsByKind: Record<string, number>;
  /** Milliseconds spent processing each batch (decode → alerts), excluding source and sink I/O. */
  batchMs: number[];
  startedAt: number;
  elapsedMs: number;
}

export interface RunOptions {
  maxBatchRecords: number;
  maxWaitMs: number;
  signal?: AbortSignal;
  /**
   * Called after each committed batch, e.g. for a live summary line;
   * `batchMs` is that batch's processing time (as in RunStats.batchMs).
   */
  onBatch?: (output: BatchOutput, stats: RunStats, batchMs: number) => void;
  /** Keep per-batch timings (for benchmarks); off by default to bound memory. */
  keepBatchTimings?: boolean;
  /**
   * Replay: before each batch, wait for background work of batch scorers
   * (model training) so the same input always gives byte-identical outputs.
   */
  deterministic?: boolean;
  /** Events and analyst actions from the API, taken at each batch (src/engine/inbox.ts). */
  inbox?: EngineInbox;
}

export function emptyStats(): RunStats {
  return {
    batches: 0,
    records: 0,
    scored: 0,
    deadLetters: 0,
    alerts: 0,
    alertsByKind: {},
    batchMs: [],
    startedAt: Date.now(),
    elapsedMs: 0,
  };
}

export async function runPipeline(
  source: Source,
  processor: BatchProcessor,
  sinks: readonly Sink[],
  options: RunOptions,
): Promise<RunStats> {
  const stats = emptyStats();
  const signal = options.signal ?? new AbortController().signal;
  try {
    while (!signal.aborted) {
      await options.inbox?.runTasks();
      const batch = await source.next(options.maxBatchRecords, options.maxWaitMs, signal);
      if (batch === null) break;
      const taken = options.inbox?.hasWork ? options.inbox.take() : undefined;
      const records = taken?.records.length ? [...batch.records, ...taken.records] : batch.records;
      if (records.length === 0 && !taken?.actions.length) continue;
      try {
        if (options.deterministic) await processor.beforeBatch();
        const started = performance.now();
        const output = processor.process(records);
        for (const pending of taken?.actions ?? [])
          pending.applied = processor.applyManual(pending.action, output);
        const took = performance.now() - started;
        for (const sink of sinks) await sink.write(output);
        for (const sink of sinks) await sink.flush();
        await source.commit(batch.position);
        taken?.committed();
        recordBatch(stats, records.length, output, took, options.keepBatchTimings === true);
        options.onBatch?.(output, stats, took);
      } catch (error) {
        taken?.failed(error as Error);
        throw error;
      }
    }
  } finally {
    options.inbox?.close();
    await processor.close();
    stats.elapsedMs = Date.now() - stats.startedAt;
    for (const sink of sinks) await sink.close();
    await source.close();
  }
  return stats;
}

/** Adds one committed batch to the run's statistics (shared with the partitioned runner). */
export function recordBatch(
  stats: RunStats,
  records: number,
  output: BatchOutput,
  took: number,
  keepTimings: boolean,
): void {
  stats.batches += 1;
  stats.records += records;
  stats.scored += output.scores.length;
  stats.deadLetters += output.deadLetters.length;
  stats.alerts += output.alerts.length;
  for (const alert of output.alerts)
    stats.alertsByKind[alert.kind] = (stats.alertsByKind[alert.kind] ?? 0) + 1;
  if (keepTimings) stats.batchMs.push(took);
  stats.elapsedMs = Date.now() - stats.startedAt;
}
