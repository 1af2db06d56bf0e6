/**
 * `vigil identity forget` (and `DELETE /api/identities/:id`): erases one
 * identity from everything the pipeline configures — the running engine's
 * state when there is one, the SQLite or ClickHouse store with its
 * checkpoint rows, and a local checkpoint directory — then records the
 * erasure through the ErasureRecorder: a keyed hash of the identity, the
 * counts per place, the actor and the time. When the recorder writes to an
 * audit chain, the content of that chain's records naming the identity is
 * erased too (audit-erasure.ts) and the record lists their seqs, so the
 * chain still verifies. The record is written only
 * after every place is done; a failure part-way leaves no record and the
 * command can be run again (every step is idempotent).
 *
 * Never writes the identity, or anything erased, to the audit record or
 * the logs.
 */
import type { Database } from 'better-sqlite3';
import type { StateStore } from '../baseline/state-store.js';
import type { ClickHouseConnection } from '../store/clickhouse-connection.js';
import type { AuditErasure } from './audit-erasure.js';
import { type ClickHouseForgetOptions, forgetInClickHouse } from './clickhouse-forget.js';
import type { ErasureRecord, ErasureRecorder } from './erasure-record.js';
import { forgetInCheckpointDirectory } from './local-checkpoint-forget.js';
import type { Pseudonymizer } from './pseudonym.js';
import { scrubSnapshot } from './scrub-state.js';
import { type ErasureCounts, forgetInSqlite, type SqliteForgetOptions } from './sqlite-forget.js';

export interface ForgetTargets {
  /** Running engines' state (the live API); several for partitioned runs. */
  states?: readonly StateStore[];
  sqlite?: Database;
  clickhouse?: ClickHouseConnection;
  checkpointDirectory?: string;
}

export interface ForgetOptions {
  recorder: ErasureRecorder;
  /** Keys the subject hash in the audit record. */
  pseudonyms: Pseudonymizer;
  actor: string;
  now?: () => number;
  clickhouse?: ClickHouseForgetOptions;
  sqlite?: SqliteForgetOptions;
}

/**
 * Removes the identity from a live StateStore: snapshot, scrub, restore.
 * A batch being analysed at that moment may lose its own baseline updates.
 */
export function forgetInState(store: StateStore, identity: string): ErasureCounts {
  const scrubbed = scrubSnapshot(store.snapshot(), identity);
  if (scrubbed.identitiesRemoved + scrubbed.mentionsRemoved > 0) store.restore(scrubbed.snapshot);
  return { 'state.identities': scrubbed.identitiesRemoved, 'state.mentions': scrubbed.mentionsRemoved };
}

function add(total: ErasureCounts, part: ErasureCounts): void {
  for (const [key, n] of Object.entries(part)) total[key] = (total[key] ?? 0) + n;
}

export async function forgetIdentity(
  identity: string,
  targets: ForgetTargets,
  options: ForgetOptions,
): Promise<ErasureRecord> {
  if (identity.length === 0) throw new Error('forget needs a non-empty identity');
  const counts: ErasureCounts = {};
  const chain = options.recorder.auditChain;
  const audit: AuditErasure | undefined = chain ? { chain, erasedSeqs: new Set() } : undefined;
  const sqliteOptions = { ...options.sqlite, audit };
  const clickhouseOptions = { ...options.clickhouse, audit };
  for (const state of targets.states ?? []) add(counts, forgetInState(state, identity));
  // With pseudonymisation on, stored rows carry the keyed pseudonym instead: erase that form first.
  const pseudonym = options.pseudonyms.pseudonym(identity);
  if (targets.sqlite) add(counts, forgetInSqlite(targets.sqlite, pseudonym, { audit, vacuum: false }));
  if (targets.clickhouse)
    add(counts, await forgetInClickHouse(targets.clickhouse, pseudonym, clickhouseOptions));
  if (targets.sqlite) add(counts, forgetInSqlite(targets.sqlite, identity, sqliteOptions));
  if (targets.clickhouse)
    add(counts, await forgetInClickHouse(targets.clickhouse, identity, clickhouseOptions));
  if (targets.checkpointDirectory)
    add(counts, await forgetInCheckpointDirectory(targets.checkpointDirectory, identity));
  const record: ErasureRecord = {
    subject_hash: pseudonym,
    counts,
    actor: options.actor,
    time: new Date((options.now ?? Date.now)()).toISOString(),
    ...(audit ? { erased_seqs: [...audit.erasedSeqs].sort((a, b) => a - b) } : {}),
  };
  await options.recorder.recordErasure(record);
  return record;
}
