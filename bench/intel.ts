/**
 * Threat-intel lookup benchmark: builds a table of 100k prefixes (mixed IPv4
 * and IPv6, prefix lengths shaped like real feeds: mostly single addresses
 * and /24s for IPv4, /32-/64 allocations and single hosts for IPv6), loaded
 * from files through the same path the engine uses, then times lookups of
 * address strings (parse + binary search) for hits and misses per family.
 * Prints build time, heap used and, per case, lookups/s and ns per lookup;
 * the last stdout line is one JSON object for scripts.
 *
 *   npm run bench:intel            # = npm run build && node dist/bench/intel.js
 *   node dist/bench/intel.js [--prefixes N] [--lookups N] [--seed S]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IntelLists } from '../src/intel/intel-lists.js';
import { SeededRandom } from '../src/models/random.js';

const REPEATS = 5;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const v4Text = (value: number): string =>
  `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;

function v6Text(words: readonly number[]): string {
  const groups: string[] = [];
  for (const word of words) groups.push((word >>> 16).toString(16), (word & 0xffff).toString(16));
  return groups.join(':');
}

/** IPv4 prefix lengths as feeds have them: many single hosts and /24s, some larger blocks. */
function v4Length(random: SeededRandom): number {
  const roll = random.nextFloat();
  if (roll < 0.55) return 32;
  if (roll < 0.85) return 24;
  if (roll < 0.95) return 16 + Math.floor(random.nextFloat() * 8);
  return 25 + Math.floor(random.nextFloat() * 7);
}

/** IPv6 prefix lengths: allocations /32-/48, sites /56-/64, single hosts. */
function v6Length(random: SeededRandom): number {
  const roll = random.nextFloat();
  if (roll < 0.3) return 128;
  if (roll < 0.6) return 64;
  if (roll < 0.75) return 56;
  if (roll < 0.9) return 48;
  return 32 + Math.floor(random.nextFloat() * 16);
}

interface Generated {
  v4Lines: string[];
  v6Lines: string[];
  v4Hits: string[];
  v6Hits: string[];
}

function generate(prefixes: number, lookups: number, random: SeededRandom): Generated {
  const v4Lines: string[] = [];
  const v6Lines: string[] = [];
  const v4Networks: [number, number][] = [];
  const v6Networks: [number[], number][] = [];
  for (let i = 0; i < prefixes; i++) {
    if (random.nextFloat() < 0.7) {
      const length = v4Length(random);
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      // Public-looking space: 1.0.0.0 - 223.255.255.255.
      const network =
        ((1 + Math.floor(random.nextFloat() * 223)) * 2 ** 24 + (random.nextUint32() % 2 ** 24)) & mask;
      v4Lines.push(`${v4Text(network >>> 0)}/${length}`);
      v4Networks.push([network >>> 0, length]);
    } else {
      const length = v6Length(random);
      const words = [
        0x20010000 | (random.nextUint32() & 0xffff),
        random.nextUint32(),
        random.nextUint32(),
        random.nextUint32(),
      ];
      for (let w = 0; w < 4; w++) {
        const bits = Math.min(32, Math.max(0, length - w * 32));
        words[w] = bits === 0 ? 0 : (words[w] & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
      }
      v6Lines.push(`${v6Text(words)}/${length}`);
      v6Networks.push([words, length]);
    }
  }
  const v4Hits: string[] = [];
  const v6Hits: string[] = [];
  for (let i = 0; i < lookups; i++) {
    const [network, length] = v4Networks[i % v4Networks.length];
    const host = length === 32 ? 0 : random.nextUint32() % 2 ** (32 - length);
    v4Hits.push(v4Text((network + host) >>> 0));
    const [words, v6length] = v6Networks[i % v6Networks.length];
    const inside = words.map((word, w) => {
      const bits = Math.min(32, Math.max(0, v6length - w * 32));
      const hostMask = bits === 32 ? 0 : (0xffffffff >>> bits) >>> 0;
      return (word | (random.nextUint32() & hostMask)) >>> 0;
    });
    v6Hits.push(v6Text(inside));
  }
  return { v4Lines, v6Lines, v4Hits, v6Hits };
}

/** Addresses in ranges no generated prefix covers: 240.0.0.0/4 (reserved) and 3fff::/20 (documentation, RFC 9637). */
function misses(lookups: number, random: SeededRandom): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  for (let i = 0; i < lookups; i++) {
    v4.push(v4Text((0xf0000000 + (random.nextUint32() % 2 ** 28)) >>> 0));
    v6.push(
      v6Text([
        0x3fff0000 | (random.nextUint32() & 0x0fff),
        random.nextUint32(),
        random.nextUint32(),
        random.nextUint32(),
      ]),
    );
  }
  return { v4, v6 };
}

interface CaseResult {
  lookups_per_s: number;
  ns_per_lookup: number;
  matched: number;
}

/** Best of REPEATS passes over `addresses` (each pass a full sweep, so the one-entry memo never hits). */
function timeLookups(lists: IntelLists, addresses: readonly string[]): CaseResult {
  let best = Infinity;
  let matched = 0;
  for (let r = 0; r < REPEATS; r++) {
    let found = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < addresses.length; i++) if (lists.categoriesOf(addresses[i]) !== 0) found++;
    const ns = Number(process.hrtime.bigint() - started);
    best = Math.min(best, ns);
    matched = found;
  }
  return {
    lookups_per_s: Math.round(addresses.length / (best / 1e9)),
    ns_per_lookup: Math.round((best / addresses.length) * 10) / 10,
    matched,
  };
}

// A collector to call before reading the heap, with or without --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
/** JS heap plus typed-array backing stores (which live outside the heap). */
const heapUsed = (): number => {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

function main(): void {
  const prefixes = argument('prefixes', 100_000);
  const lookups = argument('lookups', 200_000);
  const random = new SeededRandom(argument('seed', 7));
  // Addresses arrive from JSON.parse as flat strings; round-trip them so the bench does not time string flattening.
  const flat = (texts: string[]): string[] => JSON.parse(JSON.stringify(texts)) as string[];
  const generated = generate(prefixes, lookups, random);
  generated.v4Hits = flat(generated.v4Hits);
  generated.v6Hits = flat(generated.v6Hits);
  const drawn = misses(lookups, random);
  const miss = { v4: flat(drawn.v4), v6: flat(drawn.v6) };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-intel-'));
  const v4Path = join(dir, 'v4.netset');
  const v6Path = join(dir, 'v6.netset');
  writeFileSync(v4Path, `${generated.v4Lines.join('\n')}\n`);
  writeFileSync(v6Path, `${generated.v6Lines.join('\n')}\n`);

  const heapBefore = heapUsed();
  const lists = new IntelLists({
    reload: false,
    reload_debounce_ms: 0,
    lists: [
      {
        path: v4Path,
        category: 'known_bad',
        format: 'plain',
        network_column: 'network',
        category_column: 'category',
      },
      {
        path: v6Path,
        category: 'anonymiser',
        format: 'plain',
        network_column: 'network',
        category_column: 'category',
      },
    ],
  });
  const heapMb = Math.round(((heapUsed() - heapBefore) / 2 ** 20) * 10) / 10;
  // Warm-up, then the measured passes.
  timeLookups(lists, generated.v4Hits.slice(0, 20_000));
  timeLookups(lists, generated.v6Hits.slice(0, 20_000));
  const results = {
    prefixes: lists.size,
    ipv4_prefixes: generated.v4Lines.length,
    ipv6_prefixes: generated.v6Lines.length,
    ranges: lists.lastLoad.ranges,
    build_ms: lists.lastLoad.buildMs,
    heap_mb: heapMb,
    ipv4_hit: timeLookups(lists, generated.v4Hits),
    ipv4_miss: timeLookups(lists, miss.v4),
    ipv6_hit: timeLookups(lists, generated.v6Hits),
    ipv6_miss: timeLookups(lists, miss.v6),
  };
  lists.close();
  rmSync(dir, { recursive: true, force: true });

  process.stdout.write(
    `intel lists: ${results.prefixes} prefixes (${results.ipv4_prefixes} IPv4, ${results.ipv6_prefixes} IPv6) ` +
      `-> ${results.ranges} ranges; read + build ${results.build_ms} ms; heap + typed arrays ${results.heap_mb} MB\n`,
  );
  for (const name of ['ipv4_hit', 'ipv4_miss', 'ipv6_hit', 'ipv6_miss'] as const) {
    const row = results[name];
    process.stdout.write(
      `${name.padEnd(10)} ${row.lookups_per_s.toLocaleString('en-US').padStart(12)} lookups/s  ${String(row.ns_per_lookup).padStart(7)} ns/lookup  (${row.matched} of ${lookups} matched)\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main();
