/**
 * Keyed pseudonyms of identities: `p_` + the first 24 hex digits (96 bits)
 * of HMAC-SHA256(key, identity). Stable for as long as the key is (across
 * restarts and processes), not reversible without the key, and cheap enough
 * to compute per stored row (memoised per identity, bounded). The same
 * function names the subject of an erasure in the audit log.
 *
 * The key comes from VIGIL_PSEUDONYM_KEY, read once at the CLI edge; this
 * module never reads the environment, and never logs or returns the key.
 */
import { createHmac } from 'node:crypto';
import { errors } from '../errors.js';

export const PSEUDONYM_PREFIX = 'p_';
const HEX_DIGITS = 24;
const PSEUDONYM = /^p_[0-9a-f]{24}$/;
const MEMO_LIMIT = 100_000;

/** Minimum key length: 16 bytes of text is the least an HMAC key should carry. */
export const MIN_KEY_LENGTH = 16;

export const isPseudonym = (text: string): boolean => PSEUDONYM.test(text);

export class Pseudonymizer {
  readonly #key: Buffer;
  readonly #memo = new Map<string, string>();

  constructor(key: string) {
    if (key.length < MIN_KEY_LENGTH) {
      throw errors.configInvalid(
        'VIGIL_PSEUDONYM_KEY',
        `the pseudonym key must be at least ${MIN_KEY_LENGTH} characters (e.g. openssl rand -hex 32)`,
      );
    }
    this.#key = Buffer.from(key, 'utf8');
  }

  pseudonym(identity: string): string {
    let out = this.#memo.get(identity);
    if (out === undefined) {
      out =
        PSEUDONYM_PREFIX +
        createHmac('sha256', this.#key).update(identity, 'utf8').digest('hex').slice(0, HEX_DIGITS);
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      this.#memo.set(identity, out);
    }
    return out;
  }

  /** Keeps the key out of logs and JSON dumps. */
  toJSON(): string {
    return 'Pseudonymizer(key hidden)';
  }
}

/** The key from the environment (CLI edge only); an error naming the variable when it is missing. */
export function pseudonymizerFromEnv(env: NodeJS.ProcessEnv, why: string): Pseudonymizer {
  const key = env.VIGIL_PSEUDONYM_KEY;
  if (!key) throw errors.configInvalid('VIGIL_PSEUDONYM_KEY', `set VIGIL_PSEUDONYM_KEY: ${why}`);
  return new Pseudonymizer(key);
}
