/**
 * Reading address-list files into a PrefixTableBuilder: plain lists (one IP
 * or CIDR per line, `#` and `;` comments, blank lines: Tor bulk exit lists,
 * FireHOL .netset/.ipset, Spamhaus DROP) and CSV with a header row naming a
 * network column and a category column (RFC 4180 quoting).
 *
 * A malformed line is recorded with its file, line number and reason and
 * skipped; it is never fatal. What is fatal is a file that cannot be read or
 * a CSV without the configured columns: those throw IntelListError. Must never
 * log (the caller reports once per load) or touch the network.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parsePrefix, prefixScratch } from './address.js';
import { type CategoryRegistry, normaliseCategory } from './categories.js';
import type { IntelListConfig } from './config.js';
import type { PrefixTableBuilder } from './prefix-table.js';

export interface ListIssue {
  file: string;
  line: number;
  reason: string;
}

/** A list that cannot be used at all; `field` names the configuration key. */
export class IntelListError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'IntelListError';
  }
}

export interface ListLoad {
  /** Prefixes read (after skipping malformed lines). */
  prefixes: number;
  issues: ListIssue[];
}

const scratch = prefixScratch();

/** The name a list goes by in evidence: its `name`, else its file name. */
export function listName(list: IntelListConfig): string {
  return list.name ?? basename(list.path);
}

/** Reads one configured list into `builder`; `field` is its key (e.g. `intel.lists.0`). */
export function loadList(
  list: IntelListConfig,
  field: string,
  builder: PrefixTableBuilder,
  categories: CategoryRegistry,
): ListLoad {
  let text: string;
  try {
    text = readFileSync(list.path, 'utf8');
  } catch (error) {
    throw new IntelListError(`${field}.path`, `cannot read ${list.path}: ${(error as Error).message}`);
  }
  const format =
    list.format === 'auto' ? (extname(list.path).toLowerCase() === '.csv' ? 'csv' : 'plain') : list.format;
  const defaultBit = list.category === undefined ? 0 : categoryBit(list.category, categories);
  if (list.category !== undefined && defaultBit === 0)
    throw new IntelListError(`${field}.category`, `"${list.category}" is not a usable category name`);
  if (format === 'plain' && defaultBit === 0)
    throw new IntelListError(
      `${field}.category`,
      `plain list ${list.path} needs a category (anonymiser, hosting, known_bad, corporate_egress or a name of your own)`,
    );
  const name = listName(list);
  return format === 'csv'
    ? readCsv(text, list, field, name, defaultBit, builder, categories)
    : readPlain(text, list.path, name, defaultBit, builder);
}

function categoryBit(raw: string, categories: CategoryRegistry): number {
  const name = normaliseCategory(raw);
  return name === undefined ? 0 : categories.bitOf(name);
}

/** Each line: an address or CIDR, optionally followed by a `#` or `;` comment. */
function readPlain(
  text: string,
  path: string,
  name: string,
  bit: number,
  builder: PrefixTableBuilder,
): ListLoad {
  const issues: ListIssue[] = [];
  let prefixes = 0;
  let lineNumber = 0;
  for (const raw of text.split('\n')) {
    lineNumber++;
    const comment = raw.search(/[#;]/);
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (line === '') continue;
    if (/\s/.test(line)) {
      issues.push({
        file: path,
        line: lineNumber,
        reason: `expected one address or CIDR, got "${clip(line)}"`,
      });
      continue;
    }
    if (!parsePrefix(line, scratch)) {
      issues.push({
        file: path,
        line: lineNumber,
        reason: `"${clip(line)}" is not an IPv4 or IPv6 address or CIDR`,
      });
      continue;
    }
    builder.add(scratch, bit, name);
    prefixes++;
  }
  return { prefixes, issues };
}

function readCsv(
  text: string,
  list: IntelListConfig,
  field: string,
  name: string,
  defaultBit: number,
  builder: PrefixTableBuilder,
  categories: CategoryRegistry,
): ListLoad {
  const issues: ListIssue[] = [];
  let prefixes = 0;
  let networkAt = -1;
  let categoryAt = -1;
  let lineNumber = 0;
  for (const raw of text.split('\n')) {
    lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cells = splitCsvLine(line);
    if (cells === undefined) {
      issues.push({ file: list.path, line: lineNumber, reason: 'unterminated quoted field' });
      continue;
    }
    if (networkAt < 0) {
      const header = cells.map((cell) => cell.trim().toLowerCase());
      networkAt = header.indexOf(list.network_column.toLowerCase());
      categoryAt = header.indexOf(list.category_column.toLowerCase());
      if (networkAt < 0)
        throw new IntelListError(
          `${field}.network_column`,
          `${list.path} has no column "${list.network_column}" in its header (${header.join(', ')})`,
        );
      if (categoryAt < 0 && defaultBit === 0)
        throw new IntelListError(
          `${field}.category_column`,
          `${list.path} has no column "${list.category_column}" and the list sets no category`,
        );
      continue;
    }
    const network = (cells[networkAt] ?? '').trim();
    if (!parsePrefix(network, scratch)) {
      issues.push({
        file: list.path,
        line: lineNumber,
        reason: `"${clip(network)}" is not an IPv4 or IPv6 address or CIDR`,
      });
      continue;
    }
    const cell = categoryAt >= 0 ? (cells[categoryAt] ?? '').trim() : '';
    let bits = cell === '' ? defaultBit : 0;
    let bad: string | undefined;
    for (const part of cell === '' ? [] : cell.split('|')) {
      const bit = categoryBit(part, categories);
      if (bit === 0) bad = part;
      bits |= bit;
    }
    if (bad !== undefined || bits === 0) {
      issues.push({
        file: list.path,
        line: lineNumber,
        reason:
          bad !== undefined
            ? `"${clip(bad)}" is not a usable category (letters, digits, _; at most 32 categories in all)`
            : 'no category',
      });
      continue;
    }
    builder.add(scratch, bits >>> 0, name);
    prefixes++;
  }
  if (networkAt < 0) throw new IntelListError(`${field}.path`, `${list.path} has no header row`);
  return { prefixes, issues };
}

/** Splits one CSV record (RFC 4180: `"` quotes, `""` inside quotes); undefined when a quote is left open. */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char !== '"') cell += char;
      else if (line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

const clip = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
