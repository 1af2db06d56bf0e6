/**
 * NDJSON file source: one record per line, read in large chunks and split
 * without a per-line stream. Its position is the number of lines consumed;
 * `startLine` resumes after a committed position. Blank lines are skipped
 * (and counted as consumed); a final line without a newline is still read.
 */
import { createReadStream, existsSync } from 'node:fs';
import type { RawRecord, Source, SourceBatch } from '../engine/types.js';
import { errors } from '../errors.js';

export interface FileSourceOptions {
  path: string;
  /** Lines to skip (a committed position). */
  startLine?: number;
  /** Called with the number of lines consumed when a batch is committed. */
  onCommit?: (line: number) => void | Promise<void>;
}

export class FileSource implements Source {
  readonly name: string;
  private readonly groups: AsyncIterator<string[]>;
  private group: string[] = [];
  private groupIndex = 0;
  private lineNumber = 0;
  private exhausted = false;

  constructor(private readonly options: FileSourceOptions) {
    if (!existsSync(options.path)) throw errors.inputNotFound(options.path);
    this.name = `file:${options.path}`;
    this.groups = readLineGroups(options.path)[Symbol.asyncIterator]();
  }

  async next(maxRecords: number, _maxWaitMs: number, signal: AbortSignal): Promise<SourceBatch | null> {
    if (this.exhausted) return null;
    const records: RawRecord[] = [];
    const skip = this.options.startLine ?? 0;
    while (records.length < maxRecords && !signal.aborted) {
      if (this.groupIndex >= this.group.length && !(await this.nextGroup())) break;
      const line = this.group[this.groupIndex++];
      this.lineNumber += 1;
      if (this.lineNumber <= skip || isBlank(line)) continue;
      records.push({ value: line, origin: { source: this.name, line: this.lineNumber } });
    }
    if (records.length === 0 && this.exhausted) return null;
    return { records, position: this.lineNumber };
  }

  private async nextGroup(): Promise<boolean> {
    const next = await this.groups.next();
    if (next.done) {
      this.exhausted = true;
      return false;
    }
    this.group = next.value;
    this.groupIndex = 0;
    return true;
  }

  async commit(position: unknown): Promise<void> {
    await this.options.onCommit?.(position as number);
  }

  async close(): Promise<void> {
    await this.groups.return?.();
  }
}

/**
 * Lines of a UTF-8 file in groups, one group per 1 MiB chunk read. Each chunk
 * is decoded once up to its last newline and split there (a partial line is
 * carried as bytes, so a multi-byte character split across chunks is decoded
 * whole). Groups rather than single lines keep the per-line cost free of
 * async iteration. A trailing `\r` is dropped.
 */
export async function* readLineGroups(path: string): AsyncGenerator<string[]> {
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry = bytes;
      continue;
    }
    const lines = bytes.toString('utf8', 0, lastNewline).split('\n');
    for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    yield lines;
    carry = lastNewline + 1 < bytes.length ? bytes.subarray(lastNewline + 1) : undefined;
  }
  if (carry && carry.length > 0) {
    const last = carry.toString('utf8');
    yield [last.endsWith('\r') ? last.slice(0, -1) : last];
  }
}

/** Lines of a UTF-8 file, one at a time (for small files such as labels). */
export async function* readLines(path: string): AsyncGenerator<string> {
  for await (const group of readLineGroups(path)) yield* group;
}

const NEWLINE = 0x0a;

/** Blank or whitespace-only; checks the ends first so ordinary lines cost two comparisons. */
function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  if (first > 32 && line.charCodeAt(line.length - 1) > 32) return false;
  return line.trim() === '';
}
