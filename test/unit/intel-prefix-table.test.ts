import { describe, expect, it } from 'vitest';
import { parseIpv6, parsePrefix, prefixScratch } from '../../src/intel/address.js';
import { ANONYMISER, CORPORATE_EGRESS, HOSTING, KNOWN_BAD } from '../../src/intel/categories.js';
import { type PrefixTable, PrefixTableBuilder } from '../../src/intel/prefix-table.js';

/** A table from `[prefix, categories, list]` rows. */
function tableOf(rows: [string, number, string?][]): PrefixTable {
  const builder = new PrefixTableBuilder();
  const scratch = prefixScratch();
  for (const [text, categories, list] of rows) {
    if (!parsePrefix(text, scratch)) throw new Error(`bad prefix in test: ${text}`);
    builder.add(scratch, categories, list ?? 'test-list');
  }
  return builder.build();
}

const prefixOf = (table: PrefixTable, address: string): string | undefined => {
  const entry = table.entryOf(address);
  return entry < 0 ? undefined : table.prefixOfEntry(entry);
};

describe('IPv6 address parsing', () => {
  const groups = new Uint16Array(8);
  const parsed = (text: string): number[] | undefined =>
    parseIpv6(text, groups) ? Array.from(groups) : undefined;

  it('expands :: wherever it stands', () => {
    expect(parsed('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parsed('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parsed('fe80::')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
    expect(parsed('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(parsed('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('refuses what is not IPv6', () => {
    for (const text of [
      '1::2::3',
      ':1::',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      '1:',
      'g::',
      '1.2.3.4',
      '',
    ])
      expect(parsed(text), text).toBeUndefined();
  });
});

describe('prefix table', () => {
  it('matches IPv4 addresses exactly (/32) and by range', () => {
    const table = tableOf([
      ['192.0.2.7', ANONYMISER],
      ['198.51.100.0/24', CORPORATE_EGRESS],
    ]);
    expect(prefixOf(table, '192.0.2.7')).toBe('192.0.2.7/32');
    expect(table.categoriesOf('192.0.2.7')).toBe(ANONYMISER);
    expect(table.categoriesOf('192.0.2.8')).toBe(0);
    expect(table.categoriesOf('192.0.2.6')).toBe(0);
    expect(prefixOf(table, '198.51.100.0')).toBe('198.51.100.0/24');
    expect(prefixOf(table, '198.51.100.255')).toBe('198.51.100.0/24');
    expect(table.categoriesOf('198.51.101.0')).toBe(0);
    expect(table.categoriesOf('not an address')).toBe(0);
    expect(table.categoriesOf(undefined)).toBe(0);
  });

  it('picks the longest prefix among nested IPv4 ranges and inherits the outer categories', () => {
    const table = tableOf([
      ['10.0.0.0/8', HOSTING, 'cloud'],
      ['10.1.0.0/16', KNOWN_BAD, 'bad'],
      ['10.1.2.3/32', ANONYMISER, 'tor'],
      ['10.200.0.0/16', CORPORATE_EGRESS, 'office'],
    ]);
    expect(prefixOf(table, '10.1.2.3')).toBe('10.1.2.3/32');
    expect(table.categoriesOf('10.1.2.3')).toBe(ANONYMISER | KNOWN_BAD | HOSTING);
    expect(table.listOfEntry(table.entryOf('10.1.2.3'))).toBe('tor');
    expect(prefixOf(table, '10.1.2.4')).toBe('10.1.0.0/16');
    expect(table.categoriesOf('10.1.2.4')).toBe(KNOWN_BAD | HOSTING);
    // Back in the /8 after the /16 ends, and between the two /16s.
    expect(prefixOf(table, '10.2.0.0')).toBe('10.0.0.0/8');
    expect(prefixOf(table, '10.199.255.255')).toBe('10.0.0.0/8');
    expect(prefixOf(table, '10.200.5.5')).toBe('10.200.0.0/16');
    expect(prefixOf(table, '10.255.255.255')).toBe('10.0.0.0/8');
    expect(prefixOf(table, '11.0.0.0')).toBeUndefined();
    expect(prefixOf(table, '9.255.255.255')).toBeUndefined();
  });

  it('treats /0 as everything and keeps more specific prefixes inside it', () => {
    const table = tableOf([
      ['0.0.0.0/0', HOSTING],
      ['255.255.255.255/32', KNOWN_BAD],
      ['0.0.0.0/32', ANONYMISER],
      ['::/0', HOSTING],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', KNOWN_BAD],
    ]);
    expect(prefixOf(table, '0.0.0.0')).toBe('0.0.0.0/32');
    expect(prefixOf(table, '0.0.0.1')).toBe('0.0.0.0/0');
    expect(prefixOf(table, '203.0.113.9')).toBe('0.0.0.0/0');
    expect(prefixOf(table, '255.255.255.255')).toBe('255.255.255.255/32');
    expect(table.categoriesOf('255.255.255.255')).toBe(KNOWN_BAD | HOSTING);
    expect(prefixOf(table, '2001:db8::1')).toBe('::/0');
    expect(prefixOf(table, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
    );
    expect(prefixOf(table, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toBe('::/0');
  });

  it('matches IPv6 exactly (/128) and by the longest nested prefix', () => {
    const table = tableOf([
      ['2001:db8::/32', HOSTING, 'cloud'],
      ['2001:db8:aa::/48', KNOWN_BAD, 'bad'],
      ['2001:db8:aa::5', ANONYMISER, 'tor'],
      ['2001:db8:aa:0:8000::/65', CORPORATE_EGRESS, 'office'],
    ]);
    expect(prefixOf(table, '2001:db8:aa::5')).toBe('2001:db8:aa::5/128');
    expect(table.categoriesOf('2001:db8:aa::5')).toBe(ANONYMISER | KNOWN_BAD | HOSTING);
    expect(prefixOf(table, '2001:db8:aa::4')).toBe('2001:db8:aa::/48');
    expect(prefixOf(table, '2001:db8:aa::6')).toBe('2001:db8:aa::/48');
    expect(prefixOf(table, '2001:db8:aa:0:8000::1')).toBe('2001:db8:aa:0:8000::/65');
    expect(prefixOf(table, '2001:db8:aa:0:7fff:ffff:ffff:ffff')).toBe('2001:db8:aa::/48');
    expect(prefixOf(table, '2001:db8:ab::1')).toBe('2001:db8::/32');
    expect(prefixOf(table, '2001:db9::1')).toBeUndefined();
    expect(prefixOf(table, '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff')).toBeUndefined();
  });

  it('matches IPv4-mapped IPv6 addresses and prefixes against IPv4 ranges', () => {
    const table = tableOf([
      ['192.0.2.0/24', KNOWN_BAD],
      ['::ffff:198.51.100.0/120', CORPORATE_EGRESS],
    ]);
    expect(table.categoriesOf('::ffff:192.0.2.33')).toBe(KNOWN_BAD);
    expect(table.categoriesOf('::ffff:c000:221')).toBe(KNOWN_BAD);
    expect(table.categoriesOf('198.51.100.9')).toBe(CORPORATE_EGRESS);
    expect(prefixOf(table, '198.51.100.9')).toBe('198.51.100.0/24');
    expect(table.categoriesOf('::ffff:192.0.3.1')).toBe(0);
  });

  it('merges the same prefix from two lists into one entry with both categories and lists', () => {
    const table = tableOf([
      ['203.0.113.0/24', HOSTING, 'cloud'],
      ['203.0.113.0/24', KNOWN_BAD, 'blocklist'],
    ]);
    expect(table.size).toBe(1);
    expect(table.categoriesOf('203.0.113.1')).toBe(HOSTING | KNOWN_BAD);
    expect(table.listOfEntry(table.entryOf('203.0.113.1'))).toBe('cloud, blocklist');
  });

  it('answers correctly when the same address is asked twice and after another', () => {
    const table = tableOf([['192.0.2.0/25', ANONYMISER]]);
    expect(table.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
    expect(table.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
    expect(table.categoriesOf('192.0.2.200')).toBe(0);
    expect(table.categoriesOf('192.0.2.1')).toBe(ANONYMISER);
  });

  it('agrees with a linear scan on random nested prefixes', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const rows: [string, number][] = [];
    const ranges: { network: number; length: number; bit: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const length = 8 + (next() % 25);
      const address = (((next() & 0xff) << 24) >>> 0) | (next() & 0xffffff);
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      const network = (address & mask) >>> 0;
      const bit = 1 << (next() % 4);
      rows.push([
        `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${length}`,
        bit,
      ]);
      ranges.push({ network, length, bit });
    }
    const table = tableOf(rows);
    for (let i = 0; i < 2000; i++) {
      const base = ranges[next() % ranges.length];
      const address = i % 2 === 0 ? (base.network + (next() % 300)) >>> 0 : (next() * 2) >>> 0;
      let expected = 0;
      for (const range of ranges) {
        const mask = (0xffffffff << (32 - range.length)) >>> 0;
        if ((address & mask) >>> 0 === range.network) expected |= range.bit;
      }
      const text = `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
      expect(table.categoriesOf(text), text).toBe(expected);
    }
  });
});
