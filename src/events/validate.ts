/**
 * Validation of canonical events: schema conformance (TypeBox, compiled once)
 * plus the semantic checks a schema cannot express (time skew). Returns the
 * first problem as a field-level reason; never throws on any input.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AccountEvent, AuthEvent, LIMITS, ServiceEvent, type VigilEvent } from './schema.js';

export interface Rejection {
  ok: false;
  /** Stable, machine-readable reason code, e.g. `schema`, `not_json`, `oversized`. */
  code: string;
  /** Path of the offending field, `/` for the whole record. */
  field: string;
  message: string;
}
export interface Accepted<T> {
  ok: true;
  value: T;
}
export type Checked<T> = Accepted<T> | Rejection;

export const reject = (code: string, field: string, message: string): Rejection => ({
  ok: false,
  code,
  field,
  message,
});

const authCheck = TypeCompiler.Compile(AuthEvent);
const serviceCheck = TypeCompiler.Compile(ServiceEvent);
const accountCheck = TypeCompiler.Compile(AccountEvent);

export interface ValidationOptions {
  /** Wall-clock "now" used for the future-skew check; injected so replays stay deterministic in tests. */
  nowMs: number;
}

export function validateEvent(candidate: unknown, options: ValidationOptions): Checked<VigilEvent> {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return reject('schema', '/', 'event must be a JSON object');
  }
  const kind = (candidate as { kind?: unknown }).kind;
  const check =
    kind === 'auth'
      ? authCheck
      : kind === 'service'
        ? serviceCheck
        : kind === 'account'
          ? accountCheck
          : undefined;
  if (!check)
    return reject(
      'schema',
      '/kind',
      `kind must be "auth", "service" or "account", got ${JSON.stringify(kind)}`,
    );
  if (!check.Check(candidate)) {
    const first = check.Errors(candidate).First();
    return reject(
      'schema',
      first?.path || '/',
      first ? `${first.message}` : 'does not match the event schema',
    );
  }
  const event = candidate as VigilEvent;
  if (event.time > options.nowMs + LIMITS.maxFutureSkewMs) {
    return reject('time_skew', '/time', 'event time is more than 24 h in the future');
  }
  return { ok: true, value: event };
}
