/**
 * Wiring of store-side pseudonymisation at the CLI edge: when
 * `privacy.pseudonymize` is on, the SQLite store sink is wrapped in a
 * PseudonymizingSink keyed by VIGIL_PSEUDONYM_KEY, and a pipeline that
 * cannot be served (no key, or a ClickHouse store, whose pseudonym
 * directory is not built yet) is refused at start with an error naming the
 * setting. Off by default: sinks are returned unchanged.
 */
import type { PipelineConfig } from '../config/pipeline.js';
import type { Sink } from '../engine/types.js';
import { errors } from '../errors.js';
import type { SqliteSink } from '../sinks/sqlite.js';
import { pseudonymizerFromEnv } from './pseudonym.js';
import { PseudonymizingSink, SqlitePseudonymDirectory } from './pseudonymizing-sink.js';

/** Refuses a pipeline whose store cannot be pseudonymised (called once when its sinks are built). */
export function assertPseudonymizable(config: PipelineConfig): void {
  if (!config.privacy.pseudonymize) return;
  if (config.sinks.clickhouse || !config.sinks.sqlite) {
    throw errors.configInvalid(
      'privacy.pseudonymize',
      'pseudonymisation is available with sinks.sqlite only (and without sinks.clickhouse, which would keep real identities)',
    );
  }
}

export function withPseudonyms(
  config: PipelineConfig,
  sink: SqliteSink,
  env: NodeJS.ProcessEnv = process.env,
): Sink {
  if (!config.privacy.pseudonymize) return sink;
  assertPseudonymizable(config);
  const pseudonyms = pseudonymizerFromEnv(env, 'privacy.pseudonymize is on');
  return new PseudonymizingSink(sink, pseudonyms, new SqlitePseudonymDirectory(sink.db));
}
