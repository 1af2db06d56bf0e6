/**
 * Vendor-format fixtures (test/fixtures/formats/*.json, written from the
 * vendors' public schema documentation) and a decoder that runs a record
 * through the real decode path: parse, split, map, validate.
 */
import { readFileSync } from 'node:fs';
import { decodeRecordAll } from '../../src/events/decode.js';
import { inputFormat } from '../../src/events/formats/index.js';
import type { VigilEvent } from '../../src/events/schema.js';
import type { Checked } from '../../src/events/validate.js';

export const NOW = Date.UTC(2026, 5, 1);

export function fixtures(name: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(new URL(`../fixtures/formats/${name}.json`, import.meta.url), 'utf8'));
}

/** Every result of decoding one record (one per member for container records). */
export function decodeAll(format: string, record: unknown): Checked<VigilEvent>[] {
  return decodeRecordAll(JSON.stringify(record), inputFormat(format), NOW);
}

/** The single event a record decodes to; throws with the rejection when it does not. */
export function decodeOne(format: string, record: unknown): VigilEvent {
  const results = decodeAll(format, record);
  if (results.length !== 1) throw new Error(`expected one result, got ${results.length}`);
  const [result] = results;
  if (!result.ok) throw new Error(`rejected: ${result.code} ${result.field} ${result.message}`);
  return result.value;
}

/** The rejection of a record that must not decode. */
export function rejectionOf(
  format: string,
  record: unknown,
): { code: string; field: string; message: string } {
  const [result] = decodeAll(format, record);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`);
  return result;
}
