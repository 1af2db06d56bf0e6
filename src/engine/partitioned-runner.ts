/**
 * The micro-batch loop for partitioned sources: one engine (state store and
 * batch processor) per source partition, restored from that partition's
 * checkpoint the first time a batch of it arrives. Invariant: a partition's
 * state reflects exactly the records before its `nextOffset`. A batch that
 * does not start there (first sight, a re-delivery, a partition that was
 * away with another process) drops the in-memory state and resumes from the
 * checkpoint: the source is rewound to the checkpoint's offset, or records
 * before it are skipped; with no checkpoint at all, it is rewound to the
 * partition's start. Write → flush → commit as in runner.ts; then, every
 * N batches or T seconds, and when a rebalance starts, the partition's
 * state and offset are checkpointed. Outputs carry deterministic ids, so the
 * records replayed after a crash collapse downstream.
 */
import type { StateStore } from '../baseline/state-store.js';
import type { BatchProcessor } from './batch-processor.js';
import {
  type CheckpointStore,
  type PartitionedPosition,
  type PartitionedSource,
  type PartitionRef,
  partitionKey,
} from './partitioned-types.js';
import { emptyStats, type RunOptions, type RunStats, recordBatch } from './runner.js';
import type { RawRecord, Sink } from './types.js';

export interface PartitionEngine {
  store: StateStore;
  processor: BatchProcessor;
}

export interface PartitionedRunOptions extends RunOptions {
  checkpointEveryBatches: number;
  checkpointEveryMs: number;
  /** Clock for checkpoint timing. */
  now?: () => number;
  onCheckpoint?: (ref: PartitionRef, offset: string) => void;
}

interface PartitionUnit {
  ref: PartitionRef;
  engine: PartitionEngine;
  nextOffset: string;
  batchesSinceCheckpoint: number;
  lastCheckpointAt: number;
  /** Offset of the last checkpoint written (to skip redundant ones). */
  checkpointedOffset: string | undefined;
}

export async function runPartitioned(
  source: PartitionedSource,
  createEngine: () => PartitionEngine,
  sinks: readonly Sink[],
  checkpoints: CheckpointStore,
  options: PartitionedRunOptions,
): Promise<RunStats> {
  const stats = emptyStats();
  const signal = options.signal ?? new AbortController().signal;
  const now = options.now ?? Date.now;
  const units = new Map<string, PartitionUnit>();
  /** Partitions rewound to their start for lack of a checkpoint: the offset they were at, and how often. */
  const startRewinds = new Map<string, { from: bigint; times: number }>();
  /**
   * True once a rewind to the start took effect (a batch before the offset we
   * rewound from arrives; batches fetched before the seek are refused) or,
   * when retention removed the start, after a few tries.
   */
  const rewoundToStart = (key: string, firstOffset: string): boolean => {
    const rewind = startRewinds.get(key);
    if (rewind && (BigInt(firstOffset) < rewind.from || rewind.times >= 3)) return true;
    startRewinds.set(key, { from: rewind?.from ?? BigInt(firstOffset), times: (rewind?.times ?? 0) + 1 });
    return false;
  };
  let rebalancing = false;
  source.onRebalance(() => {
    rebalancing = true;
  });

  const checkpoint = async (unit: PartitionUnit) => {
    if (unit.checkpointedOffset === unit.nextOffset) return;
    await checkpoints.save(unit.ref, {
      offset: unit.nextOffset,
      state: unit.engine.store.snapshot(),
      savedAtMs: now(),
    });
    unit.checkpointedOffset = unit.nextOffset;
    unit.batchesSinceCheckpoint = 0;
    unit.lastCheckpointAt = now();
    options.onCheckpoint?.(unit.ref, unit.nextOffset);
  };

  /** The unit for a batch at `at`, restoring from the checkpoint; undefined when the source was rewound. */
  const unitFor = async (at: PartitionedPosition, position: unknown): Promise<PartitionUnit | undefined> => {
    const key = partitionKey(at);
    const current = units.get(key);
    if (current && current.nextOffset === at.firstOffset) return current;
    units.delete(key);
    const saved = await checkpoints.load(at);
    const engine = createEngine();
    if (saved) engine.store.restore(saved.state);
    if (saved && BigInt(saved.offset) < BigInt(at.firstOffset)) {
      await source.rewind(position, saved.offset);
      return undefined;
    }
    if (!saved && at.firstOffset !== '0' && !rewoundToStart(key, at.firstOffset)) {
      // No checkpoint, yet the group has consumed this partition before (e.g.
      // another process died before its first checkpoint): rebuild the state
      // from the start of the partition rather than judge with an empty one.
      await source.rewind(position, '0');
      return undefined;
    }
    const unit: PartitionUnit = {
      ref: { source: at.source, partition: at.partition },
      engine,
      nextOffset: saved?.offset ?? at.firstOffset,
      batchesSinceCheckpoint: 0,
      lastCheckpointAt: now(),
      checkpointedOffset: saved?.offset,
    };
    units.set(key, unit);
    return unit;
  };

  try {
    while (!signal.aborted) {
      if (rebalancing) {
        rebalancing = false;
        for (const unit of units.values()) await checkpoint(unit);
      }
      const batch = await source.next(options.maxBatchRecords, options.maxWaitMs, signal);
      if (batch === null) break;
      if (batch.records.length === 0) continue;
      const at = source.positionOf(batch.position);
      const unit = await unitFor(at, batch.position);
      if (!unit) continue;
      const records = skipBefore(batch.records, unit.nextOffset);
      const started = performance.now();
      const output = unit.engine.processor.process(records);
      const took = performance.now() - started;
      for (const sink of sinks) await sink.write(output);
      for (const sink of sinks) await sink.flush();
      await source.commit(batch.position);
      if (BigInt(at.offset) > BigInt(unit.nextOffset)) unit.nextOffset = at.offset;
      unit.batchesSinceCheckpoint += 1;
      if (
        unit.batchesSinceCheckpoint >= options.checkpointEveryBatches ||
        now() - unit.lastCheckpointAt >= options.checkpointEveryMs
      ) {
        await checkpoint(unit);
      }
      recordBatch(stats, batch.records.length, output, took, options.keepBatchTimings === true);
      options.onBatch?.(output, stats, took);
    }
    for (const unit of units.values()) await checkpoint(unit);
  } finally {
    stats.elapsedMs = Date.now() - stats.startedAt;
    for (const sink of sinks) await sink.close();
    await source.close();
    await checkpoints.close();
  }
  return stats;
}

/** Records at or after `offset` (a checkpoint can be ahead of the committed offset). */
function skipBefore(records: RawRecord[], offset: string): RawRecord[] {
  const from = BigInt(offset);
  const first = records[0]?.origin.offset;
  if (first === undefined || BigInt(first) >= from) return records;
  return records.filter(
    (record) => record.origin.offset === undefined || BigInt(record.origin.offset) >= from,
  );
}
