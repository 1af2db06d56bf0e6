/**
 * Wiring from a validated pipeline config to running parts: the state store,
 * detectors, analyzer and batch processor (engine), plus the source and sinks
 * the config names (adapters). The only place that knows every adapter.
 */
import { type BaselineSettings, DEFAULT_BASELINE } from '../baseline/config.js';
import { StateStore } from '../baseline/state-store.js';
import { detectorOverrides, enabledDetectors, type PipelineConfig } from '../config/pipeline.js';
import { type BuiltEnvironment, buildEnvironment } from '../context/build.js';
import { createDetectors } from '../detectors/index.js';
import { Analyzer } from '../engine/analyzer.js';
import { BatchProcessor, type BatchScorer } from '../engine/batch-processor.js';
import type { Sink, Source } from '../engine/types.js';
import { inputFormat } from '../events/formats/index.js';
import type { Logger } from '../logging.js';
import {
  buildIforestStage,
  DEFAULT_IFOREST_WEIGHT,
  type IforestHooks,
  type IforestStage,
  loggingHooks,
} from '../models/iforest-scorer-factory.js';
import { buildLstmStage, DEFAULT_LSTM_WEIGHT, type LstmStage } from '../models/lstm/stage.js';
import { assertPseudonymizable, withPseudonyms } from '../privacy/store-sinks.js';
import { buildResponseStage } from '../risk/decisions-setup.js';
import { Suppressions } from '../risk/policy-suppressions.js';
import { NdjsonSink, type OutputStream } from '../sinks/ndjson.js';
import { SqliteSink } from '../sinks/sqlite.js';
import { FileSource } from '../sources/file.js';
import { SimulatorSource } from '../sources/simulator.js';
import { buildKafkaSource, buildProductionSinks } from './production-components.js';

export function baselineSettings(config: PipelineConfig): BaselineSettings {
  const b = config.baseline;
  return {
    matureEvents: b.mature_events,
    matureDays: b.mature_days,
    halfLifeDays: b.half_life_days,
    ewmaAlpha: b.ewma_alpha,
    caps: { ...DEFAULT_BASELINE.caps, ...(b.caps as Partial<BaselineSettings['caps']>) },
  };
}

export interface Engine {
  store: StateStore;
  analyzer: Analyzer;
  processor: BatchProcessor;
  /** Present when `models.iforest.enabled`. */
  iforest?: IforestStage;
  /** Present when `models.lstm.enabled`. */
  lstm?: LstmStage;
  /** False-positive suppressions from analyst feedback (src/api/feedback.ts). */
  suppressions: Suppressions;
  /** Intel lists, devices, peer groups; `close()` stops their file watchers. */
  environment: BuiltEnvironment;
}

/** Optional hooks into the engine's stages (feature dumps, error reporting). */
export interface EngineHooks {
  iforest?: IforestHooks;
  /** Where environment providers (intel lists, directory) report load and reload problems. */
  log?: Logger;
}

/** Hooks that log what background stages do (model training), for long-running commands. */
export function loggingEngineHooks(log: Logger): EngineHooks {
  return { iforest: loggingHooks(log), log };
}

/** The configured risk weights, plus the default weight of each enabled model's component. */
export function riskWeights(config: PipelineConfig): Record<string, number> {
  const weights = { ...(config.risk.weights as Record<string, number>) };
  if (config.models.iforest.enabled) weights.iforest ??= DEFAULT_IFOREST_WEIGHT;
  if (config.models.lstm?.enabled) weights.lstm ??= DEFAULT_LSTM_WEIGHT;
  return weights;
}

export function buildEngine(
  config: PipelineConfig,
  now: () => number = Date.now,
  hooks: EngineHooks = {},
): Engine {
  const store = new StateStore(baselineSettings(config), config.baseline.max_identities);
  const detectors = createDetectors(enabledDetectors(config), detectorOverrides(config));
  const weights = riskWeights(config);
  const iforest = config.models.iforest.enabled
    ? buildIforestStage(config.models.iforest, hooks.iforest)
    : undefined;
  const batchScorers: BatchScorer[] = [];
  if (iforest) batchScorers.push(iforest.scorer);
  const lstm = config.models.lstm?.enabled ? buildLstmStage(config.models.lstm, store) : undefined;
  if (lstm) batchScorers.push(lstm.scorer);
  const suppressions = new Suppressions();
  const environment = buildEnvironment(config, store, hooks.log);
  const analyzer = new Analyzer(store, {
    authDetectors: detectors.auth,
    serviceDetectors: detectors.service,
    accountDetectors: detectors.account,
    learnBelowRisk: config.baseline.learn_below_risk,
    weights,
    features: iforest?.features,
    findingFilter: suppressions,
    environment: environment.environment,
  });
  const processor = new BatchProcessor(analyzer, {
    format: inputFormat(config.source.format ?? 'canonical'),
    alerts: { minSeverity: config.alerts.min_severity, suppressMs: config.alerts.suppress_minutes * 60_000 },
    weights,
    response: buildResponseStage(config),
    batchScorers,
    now,
  });
  return { store, analyzer, processor, iforest, lstm, suppressions, environment };
}

export function buildSource(config: PipelineConfig, log?: Logger): Source {
  const source = config.source;
  if (source.type === 'file') return new FileSource({ path: source.path });
  if (source.type === 'kafka') return buildKafkaSource(source, log);
  return new SimulatorSource({
    seed: source.seed,
    events: source.events,
    rate: source.rate,
    users: source.users,
    workloads: source.workloads,
    scenarios: source.scenarios,
  });
}

type NdjsonSinkName = Exclude<keyof PipelineConfig['sinks'], 'clickhouse' | 'kafka' | 'sqlite'>;

const STREAMS: Record<NdjsonSinkName, OutputStream> = {
  scores: 'scores',
  alerts: 'alerts',
  dead_letter: 'deadLetters',
  decisions: 'decisions',
  signals: 'signals',
};

export function buildSinks(config: PipelineConfig, log?: Logger): Sink[] {
  assertPseudonymizable(config);
  const sinks: Sink[] = buildProductionSinks(config, log);
  for (const [name, stream] of Object.entries(STREAMS) as [NdjsonSinkName, OutputStream][]) {
    const sink = config.sinks[name];
    if (sink) sinks.push(new NdjsonSink({ path: sink.path, stream, append: sink.append }));
  }
  const sqlite = config.sinks.sqlite;
  if (sqlite) {
    const store = new SqliteSink({
      path: sqlite.path,
      pipeline: config.name,
      retentionDays: sqlite.retention_days,
      retentionByTable: sqlite.retention,
      retentionEveryMs: sqlite.retention_check_minutes * 60_000,
      logger: log,
    });
    // Stored identities become keyed pseudonyms when privacy.pseudonymize is on (docs/privacy.md).
    sinks.push(withPseudonyms(config, store));
  }
  return sinks;
}
