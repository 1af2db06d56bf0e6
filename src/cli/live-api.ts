/**
 * What a live run (`vigil run`, `vigil demo`) gives the analyst API: the
 * embedded store's read side, Prometheus metrics updated per batch, readiness
 * checks and the models in use. Only the SQLite store is wired here; a
 * pipeline without one serves no analyst API (ClickHouse: not yet).
 */
import type { TokenRoles } from '../api/auth.js';
import { EngineMetrics, type ModelDescription } from '../api/metrics.js';
import type { BaselineSummary } from '../api/routes/identities.js';
import type { AnalystApiDependencies } from '../api/server.js';
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { openSqliteStore } from '../store/sqlite-database.js';
import { SqliteQueryStore } from '../store/sqlite-queries.js';
import type { Engine } from './components.js';

export interface LiveApi {
  /** Absent when the pipeline has no store the API can read. */
  analyst?: Omit<AnalystApiDependencies, 'tokens'>;
  metrics: EngineMetrics;
  /** Marks the source up once it delivered a batch (readiness). */
  sourceDelivered(): void;
  close(): void;
}

function modelsOf(config: PipelineConfig, engine: Engine): () => ModelDescription[] {
  return () => [
    ...(engine.iforest
      ? (['auth', 'service'] as const).map((kind) => ({
          name: `iforest-${kind}`,
          version: String(engine.iforest?.registry.latestVersion(kind) ?? 0),
          backend: 'js',
        }))
      : []),
    ...(engine.lstm && config.models.lstm
      ? [{ name: 'lstm', version: config.models.lstm.directory, backend: String(config.models.lstm.backend) }]
      : []),
  ];
}

/** What the identity page shows of a baseline: its rhythm and the devices and countries it knows. */
function baselineSummary(store: StateStore): (identity: string) => BaselineSummary | undefined {
  return (identity) => {
    const state = store.get(identity);
    const profile = state?.auth ?? state?.service;
    if (!state || !profile) return undefined;
    return {
      mature: profile.isMature,
      events: profile.events,
      hour_of_week: Array.from(profile.hours),
      devices: state.auth?.devices.entries().map((entry) => entry.value) ?? [],
      countries: state.auth?.countries.entries().map((entry) => entry.value) ?? [],
    };
  };
}

export function buildLiveApi(config: PipelineConfig, engine: Engine): LiveApi {
  const metrics = new EngineMetrics(config.name);
  const models = modelsOf(config, engine);
  metrics.setModels(models());
  let delivered = false;
  const sqlitePath = config.sinks.sqlite?.path;
  const db = sqlitePath ? openSqliteStore(sqlitePath) : undefined;
  return {
    metrics,
    analyst: db && {
      queries: new SqliteQueryStore(db),
      metrics,
      models,
      readiness: { source: () => delivered, store: () => db.open, models: () => true },
      identities: { baseline: baselineSummary(engine.store) },
    },
    sourceDelivered: () => {
      delivered = true;
    },
    close: () => db?.close(),
  };
}

/** Merges extra tokens (e.g. the demo's generated admin token) over those from the environment. */
export const mergeTokens = (base: TokenRoles, extra?: TokenRoles): TokenRoles =>
  extra ? new Map([...base, ...extra]) : base;
