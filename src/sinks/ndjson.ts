/**
 * NDJSON file sink for one output stream (scores, alerts or dead letters):
 * each batch is serialised to one string and written with a single awaited
 * write, so `flush` has nothing left to wait for.
 */
import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BatchOutput, Sink } from '../engine/types.js';

export type OutputStream = 'scores' | 'alerts' | 'deadLetters' | 'decisions' | 'signals';

export interface NdjsonSinkOptions {
  path: string;
  stream: OutputStream;
  append: boolean;
  /** fsync after every batch, for durability across power loss (slower). */
  sync?: boolean;
}

export class NdjsonSink implements Sink {
  readonly name: string;
  private handle: FileHandle | undefined;
  private closed = false;

  constructor(private readonly options: NdjsonSinkOptions) {
    this.name = `ndjson:${options.stream}:${options.path}`;
  }

  async write(output: BatchOutput): Promise<void> {
    const records = (output[this.options.stream] ?? []) as readonly object[];
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += `${JSON.stringify(record)}\n`;
    const handle = await this.open();
    await handle.write(text);
  }

  async flush(): Promise<void> {
    if (this.options.sync && this.handle) await this.handle.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Opening on close makes an empty file for an output that had no records, so consumers find it.
    const handle = await this.open();
    this.closed = true;
    this.handle = undefined;
    await handle.close();
  }

  private async open(): Promise<FileHandle> {
    if (!this.handle) {
      mkdirSync(dirname(this.options.path), { recursive: true });
      this.handle = await open(this.options.path, this.options.append ? 'a' : 'w');
    }
    return this.handle;
  }
}
