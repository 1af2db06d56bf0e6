/**
 * Checkpoints in the embedded SQLite file: one row per partition, replaced
 * only by a newer save (the same rule as ClickHouse's
 * ReplacingMergeTree(saved_at_ms)). Selected by `checkpoints.store: sqlite`
 * (the `sinks.sqlite` file); it opens its own connection to that file (WAL
 * lets it and the sink coexist), so a checkpoint is not yet committed in
 * the same transaction as the batch's outputs.
 */
import type { Database } from 'better-sqlite3';
import type { CheckpointStore, PartitionCheckpoint, PartitionRef } from '../engine/partitioned-types.js';
import { errors } from '../errors.js';
import { openSqliteStore } from './sqlite-database.js';

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database;

  constructor(
    path: string,
    private readonly pipeline: string,
  ) {
    this.db = openSqliteStore(path);
  }

  async load(ref: PartitionRef): Promise<PartitionCheckpoint | undefined> {
    const row = this.db
      .prepare(
        'SELECT offset, state, saved_at_ms FROM checkpoints WHERE pipeline = ? AND source = ? AND partition = ?',
      )
      .get(this.pipeline, ref.source, ref.partition) as
      | { offset: string; state: string; saved_at_ms: number }
      | undefined;
    if (!row) return undefined;
    try {
      return { offset: row.offset, state: JSON.parse(row.state), savedAtMs: row.saved_at_ms };
    } catch {
      throw errors.stateCorrupt(`checkpoint of ${ref.source}/${ref.partition} is not valid JSON`);
    }
  }

  async save(ref: PartitionRef, checkpoint: PartitionCheckpoint): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO checkpoints (pipeline, source, partition, offset, state, saved_at_ms)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (pipeline, source, partition) DO UPDATE
           SET offset = excluded.offset, state = excluded.state, saved_at_ms = excluded.saved_at_ms
           WHERE excluded.saved_at_ms >= checkpoints.saved_at_ms`,
      )
      .run(
        this.pipeline,
        ref.source,
        ref.partition,
        checkpoint.offset,
        JSON.stringify(checkpoint.state),
        Math.floor(checkpoint.savedAtMs),
      );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
