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
    const event = record as Record<string, unknown>;
    if (typeof event.time === 'string') {
      const parsed = Date.parse(event.time);
      if (Number.isNaN(parsed)) return reject('schema', '/time', 'time is not an ISO-8601 date or epoch ms');
      event.time = parsed;
    }
    if (event.identity_type === undefined) {
      event.identity_type = event.kind === 'service' ? 'workload' : 'user';
    }
    return { ok: true, value: event };
  },
};
