/**
 * Contracts for partition-aware running (DESIGN.md: state is partitioned the
 * way the source is). A partitioned source tags each batch with the
 * partition it came from and can re-read a partition from an offset; a
 * checkpoint store keeps, per partition, a state snapshot and the offset it
 * reflects. Implementations live in src/sources (Kafka) and src/store
 * (local directory, ClickHouse); the engine knows only these shapes.
 */
import type { StateSnapshot } from '../baseline/state-store.js';
import type { Source } from './types.js';

export interface PartitionRef {
  /** The stream the partition belongs to (a Kafka topic). */
  source: string;
  partition: number;
}

export interface PartitionedPosition extends PartitionRef {
  /** First offset in the batch. */
  firstOffset: string;
  /** Next offset after the batch: what is committed once it is done. */
  offset: string;
}

export interface PartitionedSource extends Source {
  positionOf(position: unknown): PartitionedPosition;
  /** Gives back an uncommitted batch and re-reads its partition from `offset`. */
  rewind(position: unknown, offset: string): Promise<void>;
  /** Called when the source's partition assignment is about to change. */
  onRebalance(listener: () => void): void;
}

export interface PartitionCheckpoint {
  /** Next offset to read: the state reflects every record before it. */
  offset: string;
  state: StateSnapshot;
  savedAtMs: number;
}

export interface CheckpointStore {
  load(ref: PartitionRef): Promise<PartitionCheckpoint | undefined>;
  save(ref: PartitionRef, checkpoint: PartitionCheckpoint): Promise<void>;
  close(): Promise<void>;
}

export const partitionKey = (ref: PartitionRef): string => `${ref.source}/${ref.partition}`;
