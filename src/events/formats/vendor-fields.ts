/**
 * Small, total readers for vendor JSON (Okta, Entra, Windows, Envoy): every
 * function takes an arbitrary parsed value and returns a typed value or
 * undefined, never throws. Vendors disagree on the little things (numbers as
 * strings, `-` for empty, addresses with ports or IPv4-mapped IPv6, times
 * without a zone); those rules live here once, documented in
 * docs/formats-vendors.md.
 */
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

export const asArray = (value: unknown): unknown[] | undefined => (Array.isArray(value) ? value : undefined);

/** A non-empty string; Windows and Envoy write `-` for "no value", which counts as absent. */
export function asText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '-' ? undefined : trimmed;
}

/** A finite number, also when written as a decimal string (`"200"`, Envoy and Azure Monitor do). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return undefined;
}

/** Drops undefined members so optional fields are absent rather than `undefined` in the canonical JSON. */
export function compact<T extends Json>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

/** `compact`, and undefined when nothing is left (an empty geo or device object is no information). */
export function compactOrUndefined<T extends Json>(object: T): T | undefined {
  const compacted = compact(object);
  return Object.keys(compacted).length > 0 ? compacted : undefined;
}

const ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Epoch ms of a vendor timestamp: epoch ms (number), ISO-8601 with a zone
 * (converted to UTC), or ISO-8601 / `YYYY-MM-DD hh:mm:ss` without one, which is
 * read as UTC (NXLog's EventTime is local time: configure it to emit UTC or
 * ISO with an offset). Fractions beyond milliseconds (EVTX's 100 ns ticks) are cut.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  let text = value.trim().replace(' ', 'T');
  text = text.replace(/(\.\d{3})\d+/, '$1');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  if (!ZONE.test(text)) text += 'Z';
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * A source address without port, brackets or IPv4-mapped IPv6 prefix:
 * `[::ffff:10.0.0.5]:443` → `10.0.0.5`, `10.0.0.5:8080` → `10.0.0.5`,
 * `::ffff:10.0.0.5` → `10.0.0.5`; `-`, empty and `::1`-style loopback stay as given except the mapped prefix.
 */
export function normaliseIp(value: unknown): string | undefined {
  let text = asText(value);
  if (!text) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1];
  return text.length <= 64 ? text : undefined;
}

/** Deterministic id for records that carry none: a hash of the record's JSON. */
export function contentId(prefix: string, record: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(record) ?? String(record);
  } catch {
    text = String(record);
  }
  return `${prefix}:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** Reads a dotted path (`a.b.c`) of nested objects. */
export function at(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    const object = asObject(current);
    if (!object) return undefined;
    current = object[key];
  }
  return current;
}
