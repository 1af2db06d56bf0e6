/**
 * Store-side pseudonymisation: a Sink decorator in front of the store sinks
 * (SQLite, ClickHouse) that replaces each record's identity with its keyed
 * pseudonym (pseudonym.ts) — in identity columns, signal subjects, and
 * wherever the record's own identity is mentioned in its summary, evidence,
 * reason or SET payload — and records pseudonym → identity in a directory,
 * so roles allowed to may see the real identity (reveal.ts). The engine,
 * its state and the signals delivered to enforcement points keep real
 * identities: only what is stored is pseudonymised.
 *
 * Limits: another identity named inside a record (e.g. the targets listed in
 * a password-spray alert) is pseudonymised only if it is the record's own;
 * dead letters keep their raw payload (the record could not be read, so its
 * identity is unknown). Never stores or logs the key.
 */
import type { Database } from 'better-sqlite3';
import type { BatchOutput, Sink } from '../engine/types.js';
import type { SignalRecord } from '../risk/decisions.js';
import { redactValue } from './mentions.js';
import type { Pseudonymizer } from './pseudonym.js';

/** pseudonym → identity, kept beside the store. */
export interface PseudonymDirectory {
  record(pairs: ReadonlyMap<string, string>, timeMs: number): void;
  identityOf(pseudonym: string): string | undefined;
}

export class SqlitePseudonymDirectory implements PseudonymDirectory {
  constructor(private readonly db: Database) {}

  record(pairs: ReadonlyMap<string, string>, timeMs: number): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO pseudonyms (pseudonym, identity, first_seen_ms) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const [pseudonym, identity] of pairs) insert.run(pseudonym, identity, Math.floor(timeMs));
    })();
  }

  identityOf(pseudonym: string): string | undefined {
    const row = this.db.prepare('SELECT identity FROM pseudonyms WHERE pseudonym = ?').get(pseudonym) as
      | { identity: string }
      | undefined;
    return row?.identity;
  }
}

/** A record with every mention of `identity` replaced by `pseudonym` (whole names only, see mentions.ts). */
const swapped = <T>(value: T, identity: string, pseudonym: string): T =>
  redactValue(value, identity, pseudonym) as T;

export class PseudonymizingSink implements Sink {
  readonly name: string;
  /** Identities already in the directory (bounded by the number of identities seen). */
  private readonly known = new Set<string>();

  constructor(
    private readonly inner: Sink,
    private readonly pseudonyms: Pseudonymizer,
    private readonly directory: PseudonymDirectory,
    private readonly now: () => number = Date.now,
  ) {
    this.name = `pseudonymized:${inner.name}`;
  }

  async write(output: BatchOutput): Promise<void> {
    const fresh = new Map<string, string>();
    const p = (identity: string) => {
      const pseudonym = this.pseudonyms.pseudonym(identity);
      if (!this.known.has(identity)) fresh.set(pseudonym, identity);
      return pseudonym;
    };
    const stored: BatchOutput = {
      scores: output.scores.map((score) => ({ ...score, identity: p(score.identity) })),
      alerts: output.alerts.map((alert) => {
        const pseudonym = p(alert.identity);
        return { ...swapped(alert, alert.identity, pseudonym), identity: pseudonym, id: alert.id };
      }),
      deadLetters: output.deadLetters,
      decisions: output.decisions?.map((decision) => {
        const pseudonym = p(decision.identity);
        return { ...swapped(decision, decision.identity, pseudonym), identity: pseudonym, id: decision.id };
      }),
      signals: output.signals?.map((signal) => this.signal(signal, p(signal.key))),
    };
    // The directory first: a stored pseudonym must always be revealable.
    if (fresh.size > 0) {
      this.directory.record(fresh, this.now());
      for (const identity of fresh.values()) this.known.add(identity);
    }
    await this.inner.write(stored);
  }

  private signal(signal: SignalRecord, pseudonym: string): SignalRecord {
    const set = redactValue(signal.set, signal.key, pseudonym) as SignalRecord['set'];
    return { ...signal, key: pseudonym, set };
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
