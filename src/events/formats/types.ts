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
  /**
   * Optional: when one parsed record is a container of several (Azure Monitor's
   * `{"records":[...]}`), returns its members, each then mapped, validated and
   * scored or dead-lettered on its own; undefined for an ordinary record.
   */
  split?(record: unknown): RecordContainer | undefined;
}

export interface RecordContainer {
  /** JSON pointer of the member array, prefixed to a member's rejection field, e.g. `/records`. */
  path: string;
  members: readonly unknown[];
}
