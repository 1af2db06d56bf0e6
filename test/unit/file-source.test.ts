import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource, readLines } from '../../src/sources/file.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-file-'));

async function collect(path: string) {
  const out: string[] = [];
  for await (const line of readLines(path)) out.push(line);
  return out;
}

describe('NDJSON file source', () => {
  it('splits lines across chunk boundaries without corrupting multi-byte characters', async () => {
    const path = join(dir, 'big.ndjson');
    const line = `{"city":"Zürich 東京 🛂","pad":"${'x'.repeat(997)}"}`;
    const lines = Array.from({ length: 3000 }, (_, i) => `${line}${i}`);
    writeFileSync(path, `${lines.join('\r\n')}`);
    expect(await collect(path)).toEqual(lines);
  });

  it('skips blank lines, numbers lines from 1 and resumes after a committed position', async () => {
    const path = join(dir, 'small.ndjson');
    writeFileSync(path, 'a\n\n  \nb\nc\n');
    const source = new FileSource({ path, startLine: 4 });
    const batch = await source.next(10, 0, new AbortController().signal);
    expect(batch!.records.map((r) => [r.value, r.origin.line])).toEqual([['c', 5]]);
    expect(batch!.position).toBe(5);
    expect(await source.next(10, 0, new AbortController().signal)).toBeNull();
    const all = new FileSource({ path });
    const first = await all.next(2, 0, new AbortController().signal);
    expect(first!.records.map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('reports a missing file clearly', () => {
    expect(() => new FileSource({ path: join(dir, 'nope.ndjson') })).toThrow(/does not exist/);
  });
});
