/**
 * The contract every input format implements: turn one parsed JSON value into
 * a canonical event candidate (validated afterwards by validateEvent) or say
 * precisely why it cannot.
 */
import type { Checked } from '../validate.js';

export interface InputFormat {
  readonly name: string;
  /** Maps a parsed record; must never throw. The result is validated by the caller. */
  map(record: unknown): Checked<unknown>;
}
