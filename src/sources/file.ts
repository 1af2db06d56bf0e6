/**
 * NDJSON file source: one record per line, read in large chunks and split
 * without a per-line stream. Its position is the number of lines consumed;
 * `startLine` resumes after a committed position. Blank lines are skipped
 * (and counted as consumed); a final line without a newline is still read.
 */
import { createReadStream, existsSync } from 'node:fs';
import { errors } from '../errors.js';
import type { RawRecord, Source, SourceBatch } from '../engine/types.js';

export interface FileSourceOptions {
  path: string;
  /** Lines to skip (a committed position). */
  startLine?: number;
  /** Called with the number of lines consumed when a batch is committed. */
  onCommit?: (line: number) => void | Promise<void>;
}

export class FileSource implements Source {
  readonly name: string;
  private readonly lines: AsyncIterator<string>;
  private lineNumber = 0;
  private exhausted = false;

  constructor(private readonly options: FileSourceOptions) {
    if (!existsSync(options.path)) throw errors.inputNotFound(options.path);
    this.name = `file:${options.path}`;
    this.lines = readLines(options.path)[Symbol.asyncIterator]();
  }

  async next(maxRecords: number, _maxWaitMs: number, signal: AbortSignal): Promise<SourceBatch | null> {
    if (this.exhausted) return null;
    const records: RawRecord[] = [];
    const skip = this.options.startLine ?? 0;
    while (records.length < maxRecords && !signal.aborted) {
      const next = await this.lines.next();
      if (next.done) {
        this.exhausted = true;
        break;
      }
      this.lineNumber += 1;
      if (this.lineNumber <= skip || next.value.trim() === '') continue;
      records.push({ value: next.value, origin: { source: this.name, line: this.lineNumber } });
    }
    if (records.length === 0 && this.exhausted) return null;
    return { records, position: this.lineNumber };
  }

  async commit(position: unknown): Promise<void> {
    await this.options.onCommit?.(position as number);
  }

  async close(): Promise<void> {
    await this.lines.return?.();
  }
}

/** Lines of a UTF-8 file, read in 1 MiB chunks; a trailing `\r` is dropped. */
export async function* readLines(path: string): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      yield stripCr(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) yield stripCr(carry);
}

const stripCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
