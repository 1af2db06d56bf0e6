/**
 * The identity directory file: CSV with a header, JSON array or NDJSON;
 * malformed rows reported by line and skipped; reloaded when the file
 * changes, keeping the previous directory when a reload fails.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryEntry, parseDirectory, WatchedDirectory } from '../../src/peers/directory.js';

describe('directory file formats', () => {
  it('reads CSV with quoted fields and extra attributes', () => {
    const directory = parseDirectory(
      [
        'identity,department,title,manager,location',
        'ana@example.com,finance,"Controller, EMEA",boss@example.com,Berlin',
        'ben@example.com,engineering,"Engineer ""II""",,Lisbon',
      ].join('\n'),
      'people.csv',
    );
    expect(directory.problems).toEqual([]);
    expect(directoryEntry(directory, 'ANA@example.com')?.attributes).toEqual({
      department: 'finance',
      title: 'Controller, EMEA',
      manager: 'boss@example.com',
      location: 'Berlin',
    });
    expect(directoryEntry(directory, 'ben@example.com')?.attributes).toEqual({
      department: 'engineering',
      title: 'Engineer "II"',
      location: 'Lisbon',
    });
  });

  it('reports malformed CSV rows by line and skips them', () => {
    const directory = parseDirectory(
      [
        'identity,department,title',
        'ana@example.com,finance,Controller',
        'ben@example.com,engineering',
        ',sales,Account Executive',
        'cy@example.com,"support,Lead',
        'dee@example.com,sales,Account Executive',
      ].join('\n'),
      'people.csv',
    );
    expect([...directory.entries.keys()]).toEqual(['ana@example.com', 'dee@example.com']);
    expect(directory.problems).toEqual([
      { line: 3, message: 'has 2 fields, the header has 3' },
      { line: 4, message: 'missing "identity"' },
      { line: 5, message: 'unbalanced quotes' },
    ]);
  });

  it('rejects a CSV file whose header has no identity column', () => {
    expect(() => parseDirectory('user,department\nana,finance\n', 'people.csv')).toThrow(/identity/);
  });

  it('reads a JSON array, reporting rows that are not objects by position', () => {
    const directory = parseDirectory(
      JSON.stringify([{ identity: 'ana@example.com', department: 'finance' }, 'ben', { department: 'x' }]),
      'people.json',
    );
    expect([...directory.entries.keys()]).toEqual(['ana@example.com']);
    expect(directory.problems).toEqual([
      { line: 2, message: 'row is not an object' },
      { line: 3, message: 'missing "identity"' },
    ]);
  });

  it('reads NDJSON, reporting lines that are not JSON', () => {
    const directory = parseDirectory(
      '{"identity":"ana@example.com","department":"finance","level":3}\n{oops\n\n{"identity":"ben@example.com"}\n',
      'people.ndjson',
    );
    expect(directoryEntry(directory, 'ana@example.com')?.attributes).toEqual({
      department: 'finance',
      level: '3',
    });
    expect(directory.entries.has('ben@example.com')).toBe(true);
    expect(directory.problems).toEqual([{ line: 2, message: 'not valid JSON' }]);
  });
});

describe('directory reload on change', () => {
  const watched: WatchedDirectory[] = [];
  afterEach(() => {
    for (const directory of watched.splice(0)) directory.close();
  });

  function watchedFile(name: string, text: string): { path: string; directory: WatchedDirectory } {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-peers-')), name);
    writeFileSync(path, text);
    const directory = new WatchedDirectory({ path, debounceMs: 20 }).watch();
    watched.push(directory);
    return { path, directory };
  }

  /** Replaces the file the way deploy tools do: write aside, then rename over it. */
  function replaceAtomically(path: string, text: string): void {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }

  it('swaps in the new contents after the file is replaced', async () => {
    const { path, directory } = watchedFile('people.csv', 'identity,department\nana@example.com,finance\n');
    const reloaded = directory.nextReload();
    replaceAtomically(path, 'identity,department\nana@example.com,engineering\nben@example.com,sales\n');
    const outcome = await reloaded;
    expect(outcome.ok).toBe(true);
    expect(directory.version).toBe(1);
    expect(directoryEntry(directory.current, 'ana@example.com')?.attributes.department).toBe('engineering');
    expect(directory.current.entries.size).toBe(2);
  });

  it('keeps the previous directory when a reload fails', async () => {
    const { path, directory } = watchedFile(
      'people.json',
      '[{"identity":"ana@example.com","department":"finance"}]',
    );
    const reloaded = directory.nextReload();
    writeFileSync(path, '[{"identity": "ana@exa');
    const outcome = await reloaded;
    expect(outcome.ok).toBe(false);
    expect(directory.version).toBe(0);
    expect(directoryEntry(directory.current, 'ana@example.com')?.attributes.department).toBe('finance');
  });
});
