/**
 * Checkpoints in ClickHouse (production): one row per save in
 * `checkpoints`, a ReplacingMergeTree versioned by save time; loading takes
 * the newest row per partition (argMax, exact before merges). Shared by all
 * processes of a consumer group, so whoever takes a partition over finds
 * its state.
 */
import type { CheckpointStore, PartitionCheckpoint, PartitionRef } from '../engine/partitioned-types.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { migrate } from './clickhouse-migrations.js';

export class ClickHouseCheckpointStore implements CheckpointStore {
  private migrated: Promise<unknown> | undefined;

  constructor(
    private readonly connection: ClickHouseConnection,
    private readonly pipeline: string,
  ) {}

  private ready(): Promise<unknown> {
    this.migrated ??= migrate(this.connection);
    return this.migrated;
  }

  async load(ref: PartitionRef): Promise<PartitionCheckpoint | undefined> {
    await this.ready();
    const rows = await this.connection.select<{
      cp_offset: string;
      cp_state: string;
      cp_saved: string | number;
      n: string | number;
    }>(
      `SELECT argMax(offset, saved_at_ms) AS cp_offset, argMax(state, saved_at_ms) AS cp_state,
              max(saved_at_ms) AS cp_saved, count() AS n
       FROM {db}.checkpoints
       WHERE pipeline = {pipeline:String} AND source = {source:String} AND partition = {partition:Int32}`,
      { pipeline: this.pipeline, source: ref.source, partition: ref.partition },
    );
    const row = rows[0];
    if (!row || Number(row.n) === 0) return undefined;
    return { offset: row.cp_offset, state: JSON.parse(row.cp_state), savedAtMs: Number(row.cp_saved) };
  }

  async save(ref: PartitionRef, checkpoint: PartitionCheckpoint): Promise<void> {
    await this.ready();
    await this.connection.insert('checkpoints', [
      {
        pipeline: this.pipeline,
        source: ref.source,
        partition: ref.partition,
        offset: checkpoint.offset,
        state: JSON.stringify(checkpoint.state),
        saved_at_ms: checkpoint.savedAtMs,
      },
    ]);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
