/**
 * The simulated company's identity directory as a file (`vigil simulate
 * --directory-out FILE`): one row per user with department, title and
 * manager, as CSV (.csv), a JSON array (.json) or NDJSON (anything else),
 * for `peers.directory` in a pipeline. Derived from the same seed and
 * options as the events; never touches the event stream.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { resolveOptions, type SimulationOptions } from './options.js';
import { type DirectoryAttributes, directoryOf } from './population.js';
import { createWorld } from './world.js';

/** The directory rows of the simulation `options` describe. */
export function simulatedDirectory(options: SimulationOptions): DirectoryAttributes[] {
  return directoryOf(createWorld(resolveOptions(options)).users);
}

const csvField = (value: string | undefined): string =>
  value === undefined ? '' : /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export function formatDirectory(
  rows: readonly DirectoryAttributes[],
  format: 'csv' | 'json' | 'ndjson',
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'ndjson') return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
  const lines = ['identity,department,title,manager'];
  for (const row of rows) {
    lines.push([row.identity, row.department, row.title, row.manager].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the directory next to a simulation; the format follows the file extension. */
export function writeDirectory(path: string, options: SimulationOptions): number {
  const ext = extname(path).toLowerCase();
  const format = ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : 'ndjson';
  const rows = simulatedDirectory(options);
  writeFileSync(path, formatDirectory(rows, format));
  return rows.length;
}
