/**
 * Property-based, per vendor format: whatever arrives (random text, random
 * JSON, fixture records with fields replaced by arbitrary JSON at any depth),
 * the engine never throws and every record ends up scored or dead-lettered
 * with a reason code; a container record (`{"records":[...]}`) accounts for
 * each of its members.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { runLines } from '../support/format-runs.js';

type Json = Record<string, unknown>;

const FIXTURES: Record<string, Json[]> = {
  okta: Object.values(fixtures('okta')),
  entra: Object.values(fixtures('entra')),
  windows: Object.values(fixtures('windows')),
  envoy: Object.values(fixtures('envoy')),
};
FIXTURES.auto = Object.values(FIXTURES).flat();

/** Every path to a member of nested objects and arrays, e.g. ['winlog', 'event_data', 'IpAddress']. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, key];
    out.push(path, ...paths(child, path));
  }
  return out;
}

function setPath(record: Json, path: string[], value: unknown): void {
  let current: Record<string, unknown> = record;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== 'object' || next === null) return;
    current = next as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}

const mutated = (format: string) =>
  fc
    .tuple(
      fc.constantFrom(...FIXTURES[format]),
      fc.array(fc.tuple(fc.nat(), fc.jsonValue()), { maxLength: 3 }),
    )
    .map(([fixture, patches]) => {
      const record = structuredClone(fixture);
      const all = paths(record);
      for (const [index, value] of patches)
        if (all.length > 0) setPath(record, all[index % all.length], value);
      return JSON.stringify(record);
    });

const line = (format: string) =>
  fc.oneof(
    fc.string(),
    fc.json(),
    mutated(format),
    mutated(format),
    fc.constantFrom(...FIXTURES[format].map((record) => JSON.stringify(record))),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

/** Outputs a line must produce: one per member of a container record, one otherwise. */
function expectedOutputs(text: string): number {
  try {
    const parsed = JSON.parse(text);
    const members = parsed?.records;
    if (typeof parsed === 'object' && !Array.isArray(parsed) && Array.isArray(members))
      return Math.max(1, members.length);
  } catch {
    // not JSON: one dead letter
  }
  return 1;
}

describe('fuzzed vendor input', () => {
  it.each(['okta', 'entra', 'windows', 'envoy', 'auto'])(
    'never crashes the engine and accounts for every %s record',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(fc.array(line(format), { maxLength: 30 }), async (lines) => {
          const { stats, sink } = await runLines(format, lines);
          expect(stats.records).toBe(lines.length);
          const expected = lines.reduce((sum, text) => sum + expectedOutputs(text), 0);
          expect(sink.scores.length + sink.deadLetters.length).toBe(expected);
          for (const letter of sink.deadLetters) {
            expect(letter.reason).toMatch(/^[a-z_]+$/);
            expect(letter.field.startsWith('/')).toBe(true);
            expect(letter.reason).not.toBe('mapper_error');
          }
        }),
        { numRuns: 100, seed: 20261125 },
      );
    },
  );
});
