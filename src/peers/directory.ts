/**
 * The identity directory: who works in which department, under which title
 * and manager (plus any other attributes), read from a CSV file with a
 * header, a JSON array or NDJSON. Malformed rows are reported by line and
 * skipped. `WatchedDirectory` reloads the file when it changes (watching its
 * folder, so editors' and deploy tools' atomic renames are seen), debounced,
 * and swaps the new contents in whole; a reload that fails keeps the previous
 * directory. The watcher never keeps the process alive and never throws
 * into the engine.
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { errors } from '../errors.js';

export type DirectoryFormat = 'auto' | 'csv' | 'json' | 'ndjson';

export interface DirectoryEntry {
  identity: string;
  /** Every attribute of the row (department, title, manager and any other column), as text. */
  attributes: Readonly<Record<string, string>>;
}

export interface DirectoryProblem {
  /** 1-based line (CSV, NDJSON) or 1-based array position (JSON array). */
  line: number;
  message: string;
}

export interface Directory {
  /** Entries by lower-cased identity. */
  entries: ReadonlyMap<string, DirectoryEntry>;
  problems: DirectoryProblem[];
}

const MAX_PROBLEMS_KEPT = 100;

export function directoryEntry(directory: Directory, identity: string): DirectoryEntry | undefined {
  return directory.entries.get(identity.toLowerCase());
}

function resolveFormat(
  path: string,
  text: string,
  format: DirectoryFormat,
): Exclude<DirectoryFormat, 'auto'> {
  if (format !== 'auto') return format;
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return text.trimStart().startsWith('[') ? 'json' : 'ndjson';
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields); undefined if quotes are unbalanced. */
function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields.map((value) => value.trim());
}

class DirectoryBuilder {
  readonly entries = new Map<string, DirectoryEntry>();
  readonly problems: DirectoryProblem[] = [];

  problem(line: number, message: string): void {
    if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push({ line, message });
  }

  add(line: number, row: unknown): void {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      this.problem(line, 'row is not an object');
      return;
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(row)) {
      if (value === null || value === undefined || value === '') continue;
      if (typeof value === 'object') {
        this.problem(line, `attribute "${key}" must be text or a number`);
        return;
      }
      attributes[key] = String(value).trim();
    }
    const identity = attributes.identity;
    if (!identity) {
      this.problem(line, 'missing "identity"');
      return;
    }
    delete attributes.identity;
    const key = identity.toLowerCase();
    if (this.entries.has(key)) this.problem(line, `identity "${identity}" listed again; the later row wins`);
    this.entries.set(key, { identity, attributes });
  }
}

/** Parses a directory file's text; throws VigilError only when the file as a whole is unreadable. */
export function parseDirectory(text: string, path: string, format: DirectoryFormat = 'auto'): Directory {
  const builder = new DirectoryBuilder();
  const resolved = resolveFormat(path, text, format);
  if (resolved === 'json') {
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (error) {
      throw errors.configInvalid(
        'peers.directory.path',
        `${path} is not valid JSON: ${(error as Error).message}`,
      );
    }
    if (!Array.isArray(rows))
      throw errors.configInvalid('peers.directory.path', `${path} must hold a JSON array`);
    for (let i = 0; i < rows.length; i++) builder.add(i + 1, rows[i]);
    return builder;
  }
  const lines = text.split(/\r?\n/);
  if (resolved === 'ndjson') {
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        builder.problem(i + 1, 'not valid JSON');
        return;
      }
      builder.add(i + 1, row);
    });
    return builder;
  }
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = headerIndex < 0 ? undefined : splitCsvLine(lines[headerIndex]);
  if (!header?.includes('identity')) {
    throw errors.configInvalid(
      'peers.directory.path',
      `${path}: the CSV header must name an "identity" column`,
    );
  }
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = splitCsvLine(lines[i]);
    if (!fields) builder.problem(i + 1, 'unbalanced quotes');
    else if (fields.length !== header.length)
      builder.problem(i + 1, `has ${fields.length} fields, the header has ${header.length}`);
    else builder.add(i + 1, Object.fromEntries(header.map((name, k) => [name, fields[k]])));
  }
  return builder;
}

export function loadDirectory(path: string, format: DirectoryFormat = 'auto'): Directory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw errors.configInvalid('peers.directory.path', `cannot read ${path}: ${(error as Error).message}`);
  }
  return parseDirectory(text, path, format);
}

export type ReloadOutcome = { ok: true; directory: Directory } | { ok: false; error: Error };

export interface WatchedDirectoryOptions {
  path: string;
  format?: DirectoryFormat;
  debounceMs?: number;
  /** Told about every reload attempt (log it; problems carry line numbers). */
  onReload?: (outcome: ReloadOutcome) => void;
}

/** A directory that follows its file; `current` is swapped whole on each successful reload. */
export class WatchedDirectory {
  current: Directory;
  /** Incremented on every successful reload (consumers recompute groups when it changes). */
  version = 0;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<(outcome: ReloadOutcome) => void> = [];

  constructor(private readonly options: WatchedDirectoryOptions) {
    this.current = loadDirectory(options.path, options.format);
  }

  /** Starts watching; the watcher and its timer are unref'd. */
  watch(): this {
    const name = basename(this.options.path);
    this.watcher = watch(dirname(this.options.path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) this.schedule();
    });
    this.watcher.on('error', () => this.close());
    this.watcher.unref();
    return this;
  }

  /** Resolves at the end of the next reload attempt. */
  nextReload(): Promise<ReloadOutcome> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Re-reads the file now; keeps the previous directory if it cannot be read or parsed. */
  async reload(): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      const text = await readFile(this.options.path, 'utf8');
      const directory = parseDirectory(text, this.options.path, this.options.format);
      this.current = directory;
      this.version++;
      outcome = { ok: true, directory };
    } catch (error) {
      outcome = { ok: false, error: error as Error };
    }
    this.options.onReload?.(outcome);
    for (const resolve of this.waiters.splice(0)) resolve(outcome);
    return outcome;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.options.debounceMs ?? 200);
    this.timer.unref();
  }
}
