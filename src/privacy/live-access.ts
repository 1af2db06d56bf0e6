/**
 * Forget for a running engine (the API's `DELETE /api/identities/:id`):
 * binds the engine's StateStore(s), the pipeline's store and local
 * checkpoint directory, the pseudonym key and the erasure recorder into one
 * `forget(identity, actor)`. Each call opens its own store connection and
 * closes it. The SQLite file is not rebuilt (VACUUM would hold the write
 * lock the engine's sink needs); what forget deletes is still zeroed.
 *
 * Never logs the identity; the answer carries only its keyed hash.
 */
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { clickhouseConnectionOptions } from '../config/production.js';
import { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { openSqliteStore } from '../store/sqlite-database.js';
import type { ErasureRecord, ErasureRecorder } from './erasure-record.js';
import { forgetIdentity } from './forget.js';
import { isPseudonym, type Pseudonymizer } from './pseudonym.js';
import { type PseudonymDirectory, SqlitePseudonymDirectory } from './pseudonymizing-sink.js';
import type { RevealOptions } from './reveal.js';

export interface LiveForget {
  forget(identity: string, actor: string): Promise<ErasureRecord>;
  /** Where erasure records go; replace with the audit log's recorder once it is open. */
  recorder: ErasureRecorder;
}

export interface LiveForgetOptions {
  config: PipelineConfig;
  states: () => readonly StateStore[];
  pseudonyms: Pseudonymizer;
  recorder: ErasureRecorder;
  /** With pseudonymisation on: resolves a pseudonym given in the URL to the identity it stands for. */
  directory?: PseudonymDirectory;
}

export function liveForget(options: LiveForgetOptions): LiveForget {
  const { config } = options;
  const access: LiveForget = {
    recorder: options.recorder,
    forget: async (named, actor) => {
      const identity = (isPseudonym(named) && options.directory?.identityOf(named)) || named;
      const sqlite = config.sinks.sqlite ? openSqliteStore(config.sinks.sqlite.path) : undefined;
      const ch = config.sinks.clickhouse;
      const clickhouse = ch ? new ClickHouseConnection(clickhouseConnectionOptions(ch)) : undefined;
      try {
        return await forgetIdentity(
          identity,
          {
            states: options.states(),
            sqlite,
            clickhouse,
            checkpointDirectory: config.checkpoints.store === 'local' ? config.checkpoints.path : undefined,
          },
          { recorder: access.recorder, pseudonyms: options.pseudonyms, actor, sqlite: { vacuum: false } },
        );
      } finally {
        sqlite?.close();
        await clickhouse?.close();
      }
    },
  };
  return access;
}

/** Reveal options for the live API when the SQLite store holds pseudonyms; its own read connection. */
export function liveReveal(
  config: PipelineConfig,
  pseudonyms: Pseudonymizer,
): { reveal: RevealOptions; directory: PseudonymDirectory; close(): void } | undefined {
  if (!config.privacy.pseudonymize || !config.sinks.sqlite) return undefined;
  const db = openSqliteStore(config.sinks.sqlite.path);
  const directory = new SqlitePseudonymDirectory(db);
  return {
    reveal: { directory, pseudonyms, revealRoles: config.privacy.reveal_roles },
    directory,
    close: () => db.close(),
  };
}
