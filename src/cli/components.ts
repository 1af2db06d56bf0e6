/**
 * Wiring from a validated pipeline config to running parts: the state store,
 * detectors, analyzer and batch processor (engine), plus the source and sinks
 * the config names (adapters). The only place that knows every adapter.
 */
import { type BaselineSettings, DEFAULT_BASELINE } from '../baseline/config.js';
import { StateStore } from '../baseline/state-store.js';
import { detectorOverrides, enabledDetectors, type PipelineConfig } from '../config/pipeline.js';
import { createDetectors } from '../detectors/index.js';
import { Analyzer } from '../engine/analyzer.js';
import { BatchProcessor } from '../engine/batch-processor.js';
import type { Sink, Source } from '../engine/types.js';
import { inputFormat } from '../events/formats/index.js';
import { NdjsonSink, type OutputStream } from '../sinks/ndjson.js';
import { FileSource } from '../sources/file.js';
import { SimulatorSource } from '../sources/simulator.js';

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
}

export function buildEngine(config: PipelineConfig, now: () => number = Date.now): Engine {
  const store = new StateStore(baselineSettings(config), config.baseline.max_identities);
  const detectors = createDetectors(enabledDetectors(config), detectorOverrides(config));
  const weights = config.risk.weights as Record<string, number>;
  const analyzer = new Analyzer(store, {
    authDetectors: detectors.auth,
    serviceDetectors: detectors.service,
    learnBelowRisk: config.baseline.learn_below_risk,
    weights,
  });
  const processor = new BatchProcessor(analyzer, {
    format: inputFormat(config.source.format ?? 'canonical'),
    alerts: { minSeverity: config.alerts.min_severity, suppressMs: config.alerts.suppress_minutes * 60_000 },
    weights,
    now,
  });
  return { store, analyzer, processor };
}

export function buildSource(config: PipelineConfig): Source {
  const source = config.source;
  if (source.type === 'file') return new FileSource({ path: source.path });
  return new SimulatorSource({ seed: source.seed, events: source.events, rate: source.rate });
}

const STREAMS: Record<keyof PipelineConfig['sinks'], OutputStream> = {
  scores: 'scores',
  alerts: 'alerts',
  dead_letter: 'deadLetters',
};

export function buildSinks(config: PipelineConfig): Sink[] {
  const sinks: Sink[] = [];
  for (const [name, stream] of Object.entries(STREAMS) as [keyof PipelineConfig['sinks'], OutputStream][]) {
    const sink = config.sinks[name];
    if (sink) sinks.push(new NdjsonSink({ path: sink.path, stream, append: sink.append }));
  }
  return sinks;
}
