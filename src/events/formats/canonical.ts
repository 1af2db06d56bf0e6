/**
 * Canonical JSON: Vigil's own event shape (src/events/schema.ts). Accepts an
 * ISO-8601 string for `time` and fills the obvious `identity_type` default,
 * nothing more; everything else is the schema's job.
 */
import { reject } from '../validate.js';
import type { InputFormat } from './types.js';

export const canonicalFormat: InputFormat = {
  name: 'canonical',
  map(record) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return reject('schema', '/', 'event must be a JSON object');
    }
    const input = record as Record<string, unknown>;
    const needsTime = typeof input.time === 'string';
    const needsType = input.identity_type === undefined;
    if (!needsTime && !needsType) return { ok: true, value: input };
    // Copy before filling in, so an in-process caller's object (and a dead letter's raw text) stays as given.
    const event = { ...input };
    if (needsTime) {
      const parsed = Date.parse(input.time as string);
      if (Number.isNaN(parsed)) return reject('schema', '/time', 'time is not an ISO-8601 date or epoch ms');
      event.time = parsed;
    }
    if (needsType) event.identity_type = event.kind === 'service' ? 'workload' : 'user';
    return { ok: true, value: event };
  },
};
