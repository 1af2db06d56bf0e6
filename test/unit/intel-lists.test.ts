import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/config/pipeline.js';
import { VigilError } from '../../src/errors.js';
import { acquireIntel } from '../../src/intel/build.js';
import { ANONYMISER, CORPORATE_EGRESS, HOSTING, KNOWN_BAD } from '../../src/intel/categories.js';
import { type IntelConfig, IntelSchema } from '../../src/intel/config.js';
import { IntelLists, type IntelLoadReport } from '../../src/intel/intel-lists.js';

const open: IntelLists[] = [];
afterEach(() => {
  for (const lists of open.splice(0)) lists.close();
});

function directory(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-intel-'));
}

/** The intel config with defaults filled in, as the pipeline loader would produce it. */
function intelConfig(document: unknown): IntelConfig {
  return Value.Default(IntelSchema, Value.Clone(document)) as IntelConfig;
}

function listsOf(document: unknown): IntelLists {
  const lists = new IntelLists(intelConfig(document));
  open.push(lists);
  return lists;
}

/** Resolves with the next reload report (or rejects with the reload error). */
function nextReload(lists: IntelLists): Promise<IntelLoadReport> {
  return new Promise((resolve, reject) => {
    lists.once('reload', resolve);
    lists.once('reload-failed', reject);
  });
}

describe('plain address lists', () => {
  it('reads a Tor-style list and a FireHOL-style netset with comments and blank lines', () => {
    const dir = directory();
    writeFileSync(join(dir, 'tor.txt'), '# exits\n185.220.101.1\n\n185.220.101.2 # second\n2001:db8:7::1\n');
    writeFileSync(
      join(dir, 'level1.netset'),
      '#\n# FireHOL level1\n#\n192.0.2.0/24\n198.18.0.0/15 ; benchmark range\n2001:db8:bad::/48\n',
    );
    const lists = listsOf({
      reload: false,
      lists: [
        { path: join(dir, 'tor.txt'), category: 'anonymiser' },
        { path: join(dir, 'level1.netset'), category: 'known_bad', name: 'firehol_level1' },
      ],
    });
    expect(lists.size).toBe(6);
    expect(lists.lastLoad.issues).toEqual([]);
    expect(lists.categoriesOf('185.220.101.2')).toBe(ANONYMISER);
    expect(lists.categoriesOf('185.220.101.3')).toBe(0);
    expect(lists.categoriesOf('2001:db8:7::1')).toBe(ANONYMISER);
    expect(lists.categoriesOf('198.19.255.1')).toBe(KNOWN_BAD);
    expect(lists.matchOf('2001:db8:bad:1::9')).toEqual({
      categories: ['known_bad'],
      prefix: '2001:db8:bad::/48',
      list: 'firehol_level1',
    });
    expect(lists.matchOf('185.220.101.1')).toEqual({
      categories: ['anonymiser'],
      prefix: '185.220.101.1/32',
      list: 'tor.txt',
    });
  });

  it('reports malformed lines with file and line number, skips them and keeps the rest', () => {
    const dir = directory();
    const path = join(dir, 'bad.txt');
    writeFileSync(
      path,
      '192.0.2.1\n300.1.1.1\n192.0.2.0/33\n\n192.0.2.5 192.0.2.6\n2001:db8::/129\nfe80::1\n',
    );
    const lists = listsOf({ reload: false, lists: [{ path, category: 'known_bad' }] });
    expect(lists.size).toBe(2);
    expect(lists.categoriesOf('fe80::1')).toBe(KNOWN_BAD);
    expect(lists.lastLoad.issues.map((issue) => [issue.file, issue.line])).toEqual([
      [path, 2],
      [path, 3],
      [path, 5],
      [path, 6],
    ]);
    expect(lists.lastLoad.issues[0].reason).toContain('300.1.1.1');
    expect(lists.lastLoad.issues[2].reason).toContain('one address or CIDR');
  });

  it('refuses a plain list without a category, naming the key', () => {
    const dir = directory();
    writeFileSync(join(dir, 'x.txt'), '192.0.2.1\n');
    const attempt = () => listsOf({ reload: false, lists: [{ path: join(dir, 'x.txt') }] });
    expect(attempt).toThrow(VigilError);
    expect(attempt).toThrow(/category/);
    try {
      attempt();
    } catch (error) {
      expect((error as VigilError).field).toBe('intel.lists.0.category');
    }
  });

  it('refuses a list file that does not exist at start, naming its path key', () => {
    try {
      listsOf({ reload: false, lists: [{ path: '/nonexistent/vigil/tor.txt', category: 'anonymiser' }] });
      expect.unreachable('a missing list must fail at start');
    } catch (error) {
      expect((error as VigilError).field).toBe('intel.lists.0.path');
    }
  });
});

describe('CSV address lists', () => {
  it('takes categories from the category column, with aliases, several per cell and custom names', () => {
    const dir = directory();
    const path = join(dir, 'feed.csv');
    writeFileSync(
      path,
      [
        '# exported feed',
        'Network,Category,Comment',
        '203.0.113.0/24,hosting,"cloud, region eu"',
        '203.0.113.7,Anonymizer|known-bad,"exit ""relay"""',
        '2001:db8:c0::/44,corporate_egress,office',
        '192.0.2.9,botnet_c2,custom',
        'not-an-ip,known_bad,',
        '192.0.2.10,no good!,',
        '192.0.2.11,,empty category',
        '"192.0.2.12,known_bad',
      ].join('\r\n'),
    );
    const lists = listsOf({ reload: false, lists: [{ path, name: 'feed' }] });
    expect(lists.categoriesOf('203.0.113.8')).toBe(HOSTING);
    expect(lists.categoriesOf('203.0.113.7')).toBe(ANONYMISER | KNOWN_BAD | HOSTING);
    expect(lists.categoriesOf('2001:db8:cf::1')).toBe(CORPORATE_EGRESS);
    expect(lists.matchOf('192.0.2.9')?.categories).toEqual(['botnet_c2']);
    expect(lists.lastLoad.issues.map((issue) => issue.line)).toEqual([7, 8, 9, 10]);
    expect(lists.lastLoad.issues[3].reason).toContain('quoted');
  });

  it('reads configured column names, and the list category fills empty cells', () => {
    const dir = directory();
    const path = join(dir, 'egress.csv');
    writeFileSync(path, 'cidr,kind\n198.51.100.0/24,\n192.0.2.0/24,known_bad\n');
    const lists = listsOf({
      reload: false,
      lists: [{ path, network_column: 'cidr', category_column: 'kind', category: 'corporate_egress' }],
    });
    expect(lists.categoriesOf('198.51.100.77')).toBe(CORPORATE_EGRESS);
    expect(lists.categoriesOf('192.0.2.77')).toBe(KNOWN_BAD);
  });

  it('refuses a CSV whose header lacks the network column, naming the key', () => {
    const dir = directory();
    const path = join(dir, 'feed.csv');
    writeFileSync(path, 'address,category\n192.0.2.1,known_bad\n');
    try {
      listsOf({ reload: false, lists: [{ path }] });
      expect.unreachable('a CSV without its network column must fail');
    } catch (error) {
      expect((error as VigilError).field).toBe('intel.lists.0.network_column');
      expect((error as VigilError).message).toContain('address, category');
    }
  });
});

describe('reloading lists', () => {
  it('swaps in the new table when a list file is rewritten', async () => {
    const dir = directory();
    const path = join(dir, 'tor.txt');
    writeFileSync(path, '192.0.2.1\n');
    const lists = listsOf({ reload_debounce_ms: 20, lists: [{ path, category: 'anonymiser' }] });
    expect(lists.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
    const reloaded = nextReload(lists);
    writeFileSync(path, '192.0.2.2\n192.0.2.3\n');
    const report = await reloaded;
    expect(report.prefixes).toBe(2);
    expect(lists.categoriesOf('192.0.2.1')).toBe(0);
    expect(lists.categoriesOf('192.0.2.2')).toBe(ANONYMISER);
  });

  it('picks up a list replaced by rename (how feeds are usually updated)', async () => {
    const dir = directory();
    const path = join(dir, 'level1.netset');
    writeFileSync(path, '192.0.2.0/24\n');
    const lists = listsOf({ reload_debounce_ms: 20, lists: [{ path, category: 'known_bad' }] });
    const reloaded = nextReload(lists);
    writeFileSync(join(dir, 'level1.netset.tmp'), '198.18.0.0/15\n');
    renameSync(join(dir, 'level1.netset.tmp'), path);
    await reloaded;
    expect(lists.categoriesOf('198.18.1.1')).toBe(KNOWN_BAD);
    expect(lists.categoriesOf('192.0.2.1')).toBe(0);
  });

  it('keeps the previous table when a reload fails', async () => {
    const dir = directory();
    const path = join(dir, 'tor.txt');
    writeFileSync(path, '192.0.2.1\n');
    const lists = listsOf({ reload_debounce_ms: 20, lists: [{ path, category: 'anonymiser' }] });
    const failed = new Promise<Error>((resolve) => lists.once('reload-failed', resolve));
    rmSync(path);
    const error = await failed;
    expect(error.message).toContain('cannot read');
    expect(lists.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
  });

  it('reports malformed lines of a reloaded file without failing the reload', () => {
    const dir = directory();
    const path = join(dir, 'tor.txt');
    writeFileSync(path, '192.0.2.1\n');
    const lists = listsOf({ reload: false, lists: [{ path, category: 'anonymiser' }] });
    writeFileSync(path, '192.0.2.1\nbogus\n192.0.2.2\n');
    expect(lists.reload()).toBe(true);
    expect(lists.size).toBe(2);
    expect(lists.lastLoad.issues).toEqual([
      { file: path, line: 2, reason: expect.stringContaining('bogus') },
    ]);
  });
});

describe('intel lists shared between engines', () => {
  it('loads once for every engine built from the same configuration, and again after the last one closes', () => {
    const dir = directory();
    writeFileSync(join(dir, 'tor.txt'), '192.0.2.1\n');
    const config = intelConfig({
      reload: false,
      lists: [{ path: join(dir, 'tor.txt'), category: 'anonymiser' }],
    });
    expect(acquireIntel(intelConfig({}))).toBeUndefined();
    const first = acquireIntel(config)!;
    const second = acquireIntel(config)!;
    expect(second.lists).toBe(first.lists);
    first.release();
    const third = acquireIntel(config)!;
    expect(third.lists).toBe(first.lists);
    second.release();
    third.release();
    const fresh = acquireIntel(config)!;
    expect(fresh.lists).not.toBe(first.lists);
    expect(fresh.lists.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
    fresh.release();
  });
});

describe('intel configuration', () => {
  it('defaults to no lists and reload on', () => {
    const config = parsePipeline({ source: { type: 'file', path: 'x.ndjson' } });
    expect(config.intel).toEqual({ lists: [], reload: true, reload_debounce_ms: 250 });
  });

  it('names the offending key when a list entry is wrong', () => {
    const attempt = () =>
      parsePipeline({
        source: { type: 'file', path: 'x.ndjson' },
        intel: { lists: [{ path: 'a', format: 'xml' }] },
      });
    expect(attempt).toThrow(VigilError);
    try {
      attempt();
    } catch (error) {
      expect((error as VigilError).field).toBe('intel.lists.0.format');
    }
  });
});
