/**
 * Checkpoint stores (per partition: state snapshot + the offset it
 * reflects). The interface is the engine's (src/engine/partitioned-types.ts);
 * this module re-exports it and holds the embedded implementation, one JSON
 * file per partition in a local directory, written atomically (temp file +
 * rename) so a crash mid-write leaves the previous checkpoint intact.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore, PartitionCheckpoint, PartitionRef } from '../engine/partitioned-types.js';
import { errors } from '../errors.js';

export type { CheckpointStore, PartitionCheckpoint, PartitionRef } from '../engine/partitioned-types.js';

export class LocalDirectoryCheckpointStore implements CheckpointStore {
  constructor(
    private readonly directory: string,
    private readonly pipeline: string,
  ) {}

  private path(ref: PartitionRef): string {
    return join(
      this.directory,
      encodeURIComponent(this.pipeline),
      `${encodeURIComponent(ref.source)}.${ref.partition}.json`,
    );
  }

  async load(ref: PartitionRef): Promise<PartitionCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(ref), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as PartitionCheckpoint;
    } catch {
      throw errors.stateCorrupt(`checkpoint ${this.path(ref)} is not valid JSON`);
    }
  }

  async save(ref: PartitionRef, checkpoint: PartitionCheckpoint): Promise<void> {
    const path = this.path(ref);
    await mkdir(join(this.directory, encodeURIComponent(this.pipeline)), { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(checkpoint));
    await rename(partial, path);
  }

  async close(): Promise<void> {}
}
