/**
 * What a live run (`vigil run`, `vigil demo`) gives the analyst API: the
 * store's read side (the embedded SQLite file, or ClickHouse when the
 * pipeline stores there), Prometheus metrics updated per batch, readiness
 * checks, the models in use, and the engine's inbox: events posted to
 * /api/ingest and analysts' revoke/reset go through the running engine and
 * are answered once durable. A pipeline with no store serves no analyst API.
 */
import type { TokenRoles } from '../api/auth.js';
import { EngineMetrics, type ModelDescription } from '../api/metrics.js';
import type { BaselineSummary, IdentityAccess } from '../api/routes/identities.js';
import type { AnalystApiDependencies } from '../api/server.js';
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { clickhouseConnectionOptions } from '../config/production.js';
import { EngineInbox } from '../engine/inbox.js';
import { EffectivenessWindow } from '../evaluation/effectiveness-window.js';
import type { ModelDriftReport } from '../models/health/index.js';
import { NdjsonErasureRecorder } from '../privacy/erasure-record.js';
import { type LiveForget, liveForget, liveReveal } from '../privacy/live-access.js';
import { pseudonymizerFromEnv } from '../privacy/pseudonym.js';
import { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { ClickHouseQueryStore } from '../store/clickhouse-queries.js';
import type { FeedbackStore, QueryStore } from '../store/queries.js';
import { openSqliteStore } from '../store/sqlite-database.js';
import { SqliteQueryStore } from '../store/sqlite-queries.js';
import type { Engine } from './components.js';
import { DEFAULT_ERASURE_LOG } from './identity.js';

export interface LiveApi {
  /** Absent when the pipeline has no store the API can read. */
  analyst?: Omit<AnalystApiDependencies, 'tokens'>;
  /** Where analysts' verdicts are stored for queries (the same store). */
  feedbackStore?: FeedbackStore;
  /** Events and analyst actions from the API for the runner (absent for Kafka pipelines). */
  inbox?: EngineInbox;
  metrics: EngineMetrics;
  /** Production effectiveness, fed per batch through `metrics`; attach push delivery state to it. */
  effectiveness: EffectivenessWindow;
  /**
   * Erasure through the API (present when VIGIL_PSEUDONYM_KEY is set). Its recorder writes JSON
   * lines to .vigil/audit/erasures.ndjson until the caller sets the audit log's
   * (`privacy.recorder = auditErasureRecorder(audit.log)`).
   */
  privacy?: LiveForget;
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
          ...iforestHealth(engine, kind),
        }))
      : []),
    ...(engine.lstm && config.models.lstm
      ? [{ name: 'lstm', version: config.models.lstm.directory, backend: String(config.models.lstm.backend) }]
      : []),
  ];
}

/** Drift (top 5 features by PSI) and shadow status of one forest kind, for GET /api/models. */
function iforestHealth(engine: Engine, kind: 'auth' | 'service'): Pick<ModelDescription, 'drift' | 'shadow'> {
  const scorer = engine.iforest?.scorer;
  if (!scorer) return {};
  const drift = scorer.drift(kind);
  return {
    ...(drift ? { drift: { ...drift, feature_psi: drift.feature_psi.slice(0, 5) } } : {}),
    shadow: scorer.shadowStatus(kind),
  };
}

/** Drift reports of the forests in use, for the Prometheus gauges. */
function driftReports(engine: Engine): () => ModelDriftReport[] {
  return () => {
    const scorer = engine.iforest?.scorer;
    if (!scorer) return [];
    return (['auth', 'service'] as const).flatMap((kind) => scorer.drift(kind) ?? []);
  };
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

/** How long the check endpoint holds an analyst's revoke. */
export const MANUAL_REVOKE_HOLD_MS = 60 * 60_000;

interface StoreReadSide {
  queries: QueryStore & FeedbackStore;
  ready: () => boolean | Promise<boolean>;
  close: () => void | Promise<void>;
}

/** The read side of the pipeline's store: SQLite when configured, else ClickHouse, else none. */
function storeReadSide(config: PipelineConfig): StoreReadSide | undefined {
  const sqlitePath = config.sinks.sqlite?.path;
  if (sqlitePath) {
    const db = openSqliteStore(sqlitePath);
    return {
      queries: new SqliteQueryStore(db),
      ready: () => db.open,
      close: () => {
        db.close();
      },
    };
  }
  const clickhouse = config.sinks.clickhouse;
  if (clickhouse) {
    const connection = new ClickHouseConnection(clickhouseConnectionOptions(clickhouse));
    return {
      queries: new ClickHouseQueryStore(connection),
      ready: () => connection.ping(),
      close: () => connection.close(),
    };
  }
  return undefined;
}

/** Analyst revoke/reset through the engine's inbox: enforced once the decision and its SETs are durable. */
function actThroughInbox(inbox: EngineInbox): NonNullable<IdentityAccess['act']> {
  return async (identity, action, by, reason) => {
    const applied = await inbox.act({
      identity,
      action,
      by,
      reason,
      time: Date.now(),
      holdMs: MANUAL_REVOKE_HOLD_MS,
    });
    if (!applied) {
      return {
        enforced: false,
        detail: `the engine holds no state for ${identity} (never seen, or not on this instance); nothing was decided`,
      };
    }
    return {
      enforced: true,
      detail:
        action === 'revoke'
          ? 'revoke_sessions decided and its signals queued for every receiver; the check endpoint denies older sessions'
          : 'accumulated risk, alert and decision memory cleared; holds lifted',
    };
  };
}

/** Models the pipeline enables are built (the LSTM loaded from its directory; the forest's stage running). */
function modelsReady(config: PipelineConfig, engine: Engine): boolean {
  if (config.models.iforest.enabled && !engine.iforest) return false;
  if (config.models.lstm?.enabled && !engine.lstm) return false;
  return true;
}

/**
 * Erasure for DELETE /api/identities/:id, keyed by VIGIL_PSEUDONYM_KEY (read here, at the CLI
 * edge). Kafka pipelines keep one engine per partition that this API cannot reach: their
 * in-memory state is not scrubbed (store and checkpoints are).
 */
function liveErasure(
  config: PipelineConfig,
  engine: Engine,
  revealed?: ReturnType<typeof liveReveal>,
): LiveForget | undefined {
  if (!process.env.VIGIL_PSEUDONYM_KEY) return undefined;
  return liveForget({
    config,
    states: () => (config.source.type === 'kafka' ? [] : [engine.store]),
    pseudonyms: pseudonymizerFromEnv(process.env, 'it keys erased identities in the audit log'),
    recorder: new NdjsonErasureRecorder(DEFAULT_ERASURE_LOG),
    directory: revealed?.directory,
  });
}

/** With privacy.pseudonymize: the pseudonym directory, for reveal to allowed roles (needs the key). */
function livePseudonyms(config: PipelineConfig): ReturnType<typeof liveReveal> {
  if (!config.privacy.pseudonymize) return undefined;
  return liveReveal(config, pseudonymizerFromEnv(process.env, 'privacy.pseudonymize is on'));
}

export function buildLiveApi(config: PipelineConfig, engine: Engine): LiveApi {
  const metrics = new EngineMetrics(config.name);
  const models = modelsOf(config, engine);
  metrics.setModels(models());
  metrics.trackModelHealth(driftReports(engine));
  const effectiveness = new EffectivenessWindow({ operatingThreshold: config.alerts.min_severity });
  metrics.trackEffectiveness(effectiveness);
  let delivered = false;
  const store = storeReadSide(config);
  // Kafka pipelines keep one engine per partition: their input is the topics, not this inbox.
  const inbox = config.source.type === 'kafka' ? undefined : new EngineInbox();
  const pseudonymized = livePseudonyms(config);
  const privacy = liveErasure(config, engine, pseudonymized);
  // Erasure runs between batches: no sink holds the store's write lock, and no event is mid-analysis.
  if (privacy && inbox) {
    const forget = privacy.forget.bind(privacy);
    privacy.forget = (identity, actor) => inbox.between(() => forget(identity, actor));
  }
  return {
    metrics,
    effectiveness,
    inbox,
    privacy,
    feedbackStore: store?.queries,
    analyst: store && {
      queries: store.queries,
      metrics,
      models,
      readiness: {
        source: () => delivered,
        store: store.ready,
        models: () => modelsReady(config, engine),
      },
      identities: {
        baseline: baselineSummary(engine.store),
        act: inbox ? actThroughInbox(inbox) : undefined,
      },
      ingest: inbox ? { accept: (events) => inbox.ingest(events) } : undefined,
      training: {
        train: (name) => {
          const kind = name === 'iforest-auth' ? 'auth' : name === 'iforest-service' ? 'service' : undefined;
          return kind && engine.iforest ? engine.iforest.scorer.retrain(kind) : undefined;
        },
        offline: config.models.lstm?.enabled
          ? { lstm: 'vigil train --model lstm, then restart with the new model directory' }
          : {},
      },
      effectiveness,
      privacy,
      reveal: pseudonymized?.reveal,
    },
    sourceDelivered: () => {
      delivered = true;
    },
    close: () => {
      inbox?.close();
      void store?.close();
      pseudonymized?.close();
    },
  };
}

/** Merges extra tokens (e.g. the demo's generated admin token) over those from the environment. */
export const mergeTokens = (base: TokenRoles, extra?: TokenRoles): TokenRoles =>
  extra ? new Map([...base, ...extra]) : base;
