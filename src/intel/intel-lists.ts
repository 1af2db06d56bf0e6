/**
 * The live threat-intel lists of one engine: loads the configured files into
 * a PrefixTable, answers lookups from the current table, and (with
 * `reload: true`) watches the files and swaps in a freshly built table when
 * they change. The swap is one reference assignment between events, so a
 * lookup sees either the old table or the new one, never a mix. A reload that
 * fails (a file gone or unreadable, a CSV without its columns) keeps the
 * previous table and logs why.
 *
 * Watchers and timers are unref'd: they never keep the process alive. Must
 * never throw from a watcher callback, and never log the contents of a list
 * beyond the first few malformed lines.
 */
import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { errors } from '../errors.js';
import type { Logger } from '../logging.js';
import { CategoryRegistry } from './categories.js';
import type { IntelConfig } from './config.js';
import { IntelListError, type ListIssue, loadList } from './list-formats.js';
import type { IntelLookup, IntelMatch } from './lookup.js';
import { type PrefixTable, PrefixTableBuilder } from './prefix-table.js';

/** Malformed lines named individually in the load warning; the rest are counted. */
const ISSUES_LOGGED = 5;

export interface IntelLoadReport {
  prefixes: number;
  ranges: number;
  issues: ListIssue[];
  /** Milliseconds spent reading and building. */
  buildMs: number;
}

/** Emitted on every reload attempt: `reload` with an IntelLoadReport, or `reload-failed` with the error. */
export interface IntelListsEvents {
  reload: [IntelLoadReport];
  'reload-failed': [Error];
}

export class IntelLists extends EventEmitter<IntelListsEvents> implements IntelLookup {
  readonly categories = new CategoryRegistry();
  private table: PrefixTable;
  /** Per table entry, the frozen match handed out as evidence and facts; reset on swap. */
  private matches: (IntelMatch | undefined)[] = [];
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Report of the last successful load. */
  lastLoad: IntelLoadReport;

  /** Loads every list; throws VigilError naming the key when a list cannot be used at all. */
  constructor(
    readonly config: IntelConfig,
    private readonly log?: Logger,
  ) {
    super();
    try {
      const { table, report } = this.build();
      this.table = table;
      this.lastLoad = report;
    } catch (error) {
      if (error instanceof IntelListError) throw errors.configInvalid(error.field, error.message);
      throw error;
    }
    this.report(this.lastLoad, 'loaded');
    if (config.reload) this.watch();
  }

  get size(): number {
    return this.table.size;
  }

  categoriesOf(address: string | undefined): number {
    return this.table.categoriesOf(address);
  }

  matchOf(address: string | undefined): IntelMatch | undefined {
    const entry = this.table.entryOf(address);
    if (entry < 0) return undefined;
    let match = this.matches[entry];
    if (match === undefined) {
      match = Object.freeze({
        categories: this.categories.namesOf(this.table.categoriesOfEntry(entry)),
        prefix: this.table.prefixOfEntry(entry),
        list: this.table.listOfEntry(entry),
      });
      this.matches[entry] = match;
    }
    return match;
  }

  namesOf(mask: number): readonly string[] {
    return this.categories.namesOf(mask);
  }

  /** Re-reads every list and swaps the table; on failure keeps the current one. Returns whether it swapped. */
  reload(): boolean {
    let built: { table: PrefixTable; report: IntelLoadReport };
    try {
      built = this.build();
    } catch (error) {
      const reason = error as Error;
      this.log?.warn(
        { err: { message: reason.message }, prefixes: this.table.size },
        'intel lists: reload failed, keeping the previous lists',
      );
      this.emit('reload-failed', reason);
      return false;
    }
    this.table = built.table;
    this.matches = [];
    this.lastLoad = built.report;
    this.report(built.report, 'reloaded');
    this.emit('reload', built.report);
    return true;
  }

  /** Stops watching. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private build(): { table: PrefixTable; report: IntelLoadReport } {
    const started = performance.now();
    const builder = new PrefixTableBuilder();
    const issues: ListIssue[] = [];
    this.config.lists.forEach((list, index) => {
      const load = loadList(list, `intel.lists.${index}`, builder, this.categories);
      issues.push(...load.issues);
    });
    const table = builder.build();
    const buildMs = Math.round((performance.now() - started) * 10) / 10;
    return { table, report: { prefixes: table.size, ranges: table.ranges, issues, buildMs } };
  }

  private report(report: IntelLoadReport, verb: string): void {
    const lists = this.config.lists.length;
    this.log?.info(
      { lists, prefixes: report.prefixes, ranges: report.ranges, build_ms: report.buildMs },
      `intel lists ${verb}`,
    );
    if (report.issues.length > 0)
      this.log?.warn(
        {
          skipped_lines: report.issues.length,
          first: report.issues
            .slice(0, ISSUES_LOGGED)
            .map((issue) => `${issue.file}:${issue.line}: ${issue.reason}`),
        },
        'intel lists: malformed lines skipped',
      );
  }

  /**
   * Watches the directories holding the lists (not the files: editors and
   * `mv` replace a file with a new inode, which a file watch would miss) and
   * schedules one reload per burst of changes to a list file.
   */
  private watch(): void {
    const byDirectory = new Map<string, Set<string>>();
    for (const list of this.config.lists) {
      const path = resolve(list.path);
      const names = byDirectory.get(dirname(path)) ?? new Set<string>();
      names.add(basename(path));
      byDirectory.set(dirname(path), names);
    }
    for (const [directory, names] of byDirectory) {
      try {
        const watcher = watch(directory, { persistent: false }, (_event, file) => {
          if (file === null || names.has(file.toString())) this.schedule();
        });
        watcher.on('error', (error) =>
          this.log?.warn({ err: { message: error.message }, directory }, 'intel lists: watch failed'),
        );
        this.watchers.push(watcher);
      } catch (error) {
        this.log?.warn(
          { err: { message: (error as Error).message }, directory },
          'intel lists: cannot watch for changes',
        );
      }
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload();
    }, this.config.reload_debounce_ms);
    this.timer.unref();
  }
}
