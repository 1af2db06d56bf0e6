/**
 * Prometheus metrics of one engine, on a registry of its own (so two servers
 * in one process, as in tests, never share counters). Updated from the
 * runner's onBatch output (`observeBatch`); served by GET /metrics
 * (routes/health.ts). Must never be read or written in the per-event hot
 * path: one call per batch, a loop over its records.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchOutput } from '../engine/types.js';
import type { EffectivenessWindow } from '../evaluation/effectiveness-window.js';
import type { ModelDriftReport, ShadowStatus } from '../models/health/index.js';

export interface ModelDescription {
  name: string;
  version: string;
  backend: string;
  /** Drift against the training window (models with health monitoring; feature_psi: top 5). */
  drift?: ModelDriftReport;
  /** Shadow trial of a retrained model, and the last promotion decision. */
  shadow?: ShadowStatus;
}

export class EngineMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'pipeline' | 'kind'>;
  private readonly deadLetters: Counter<'pipeline' | 'reason'>;
  private readonly alerts: Counter<'pipeline' | 'detector'>;
  private readonly signals: Counter<'pipeline' | 'type'>;
  private readonly batchSeconds: Histogram<'pipeline'>;
  private readonly modelInfo: Gauge<'model' | 'version' | 'backend'>;
  private readonly storeWriteErrors: Counter<'store'>;
  /** Production effectiveness (src/evaluation/effectiveness-window.ts), fed per batch; absent: no gauges. */
  private effectiveness: EffectivenessWindow | undefined;

  constructor(private readonly pipeline: string) {
    const registers = [this.registry];
    this.events = new Counter({
      name: 'vigil_events_total',
      help: 'Events scored, by pipeline and event kind',
      labelNames: ['pipeline', 'kind'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'vigil_dead_letters_total',
      help: 'Records dead-lettered, by reason',
      labelNames: ['pipeline', 'reason'],
      registers,
    });
    this.alerts = new Counter({
      name: 'vigil_alerts_total',
      help: 'Alerts raised, by detector',
      labelNames: ['pipeline', 'detector'],
      registers,
    });
    this.signals = new Counter({
      name: 'vigil_signals_total',
      help: 'Shared Signals SETs built, by event type',
      labelNames: ['pipeline', 'type'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'vigil_batch_duration_seconds',
      help: 'Wall time to process one micro-batch',
      labelNames: ['pipeline'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.modelInfo = new Gauge({
      name: 'vigil_model_info',
      help: 'Models in use (value 1), with their version and backend',
      labelNames: ['model', 'version', 'backend'],
      registers,
    });
    this.storeWriteErrors = new Counter({
      name: 'vigil_store_write_errors_total',
      help: 'Failed writes to a store',
      labelNames: ['store'],
      registers,
    });
  }

  /** Counts one batch's output; `ms` is its processing wall time. */
  observeBatch(output: BatchOutput, ms: number): void {
    const pipeline = this.pipeline;
    for (const score of output.scores) this.events.inc({ pipeline, kind: score.kind });
    for (const dead of output.deadLetters) this.deadLetters.inc({ pipeline, reason: dead.reason });
    for (const alert of output.alerts) this.alerts.inc({ pipeline, detector: alert.kind });
    for (const signal of output.signals ?? []) this.signals.inc({ pipeline, type: signal.event_type });
    this.batchSeconds.observe({ pipeline }, ms / 1000);
    this.effectiveness?.observe(output);
  }

  /**
   * Feeds `window` every batch and exports its report as gauges, read on
   * scrape (the window caches its report, so scrapes stay cheap). Gauges of
   * values that cannot be computed yet (null) are left out of the scrape.
   */
  trackEffectiveness(window: EffectivenessWindow): void {
    this.effectiveness = window;
    registerEffectivenessGauges(this.registry, this.pipeline, window);
  }

  /**
   * Exports model drift, read on scrape: vigil_model_drift_psi per feature
   * (and feature="score"), vigil_model_drift_ks of the score, and
   * vigil_model_drift 1 while a model's status is drift (0 otherwise). Models
   * not judged yet (warming up, no reference) export only vigil_model_drift 0.
   */
  trackModelHealth(reports: () => readonly ModelDriftReport[]): void {
    const registers = [this.registry];
    new Gauge({
      name: 'vigil_model_drift_psi',
      help: 'Population stability index of a feature (or feature="score") against the training window',
      labelNames: ['model', 'version', 'feature'],
      registers,
      collect() {
        this.reset();
        for (const report of reports()) {
          const version = String(report.version);
          const model = report.model;
          if (report.score_psi !== null) this.set({ model, version, feature: 'score' }, report.score_psi);
          for (const { feature, psi } of report.feature_psi) this.set({ model, version, feature }, psi);
        }
      },
    });
    new Gauge({
      name: 'vigil_model_drift_ks',
      help: 'Kolmogorov-Smirnov distance of the score distribution from the training window',
      labelNames: ['model', 'version'],
      registers,
      collect() {
        this.reset();
        for (const report of reports()) {
          const labels = { model: report.model, version: String(report.version) };
          if (report.score_ks !== null) this.set(labels, report.score_ks);
        }
      },
    });
    new Gauge({
      name: 'vigil_model_drift',
      help: '1 while the model in use has drifted from its training window (model_drift), else 0',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const report of reports()) this.set({ model: report.model }, report.status === 'drift' ? 1 : 0);
      },
    });
  }

  /**
   * Exports consumer lag per topic/partition (messages behind the high
   * watermark as of each partition's last fetched batch), read on scrape.
   */
  trackLag(lag: () => Record<string, number>): void {
    const pipeline = this.pipeline;
    new Gauge({
      name: 'vigil_consumer_lag',
      help: 'Kafka consumer lag: messages between the last fetched offset and the high watermark',
      labelNames: ['pipeline', 'topic', 'partition'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [key, value] of Object.entries(lag())) {
          const cut = key.lastIndexOf('/');
          this.set({ pipeline, topic: key.slice(0, cut), partition: key.slice(cut + 1) }, value);
        }
      },
    });
  }

  /** Replaces the model info gauges (call when a model is trained or loaded). */
  setModels(models: readonly ModelDescription[]): void {
    this.modelInfo.reset();
    for (const model of models) {
      this.modelInfo.set({ model: model.name, version: model.version, backend: model.backend }, 1);
    }
  }

  storeWriteError(store: string): void {
    this.storeWriteErrors.inc({ store });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

type EffectivenessReading = (report: ReturnType<EffectivenessWindow['report']>) => number | null;

const EFFECTIVENESS_GAUGES: ReadonlyArray<[name: string, help: string, read: EffectivenessReading]> = [
  [
    'vigil_effectiveness_precision',
    'Confirmed alerts / (confirmed + false positives), from analyst verdicts',
    (r) => r.precision,
  ],
  [
    'vigil_alerts_per_day',
    'Alerts per day of event time over the effectiveness window',
    (r) => r.alerts_per_day,
  ],
  [
    'vigil_alerts_per_1000_identities',
    'Alerts per 1,000 identities seen in the effectiveness window',
    (r) => r.alerts_per_1000_identities,
  ],
  [
    'vigil_time_to_enforce_seconds',
    'Mean time from an alert to the first enforced decision for its identity',
    (r) => r.time_to_enforce.mean_seconds,
  ],
  [
    'vigil_time_to_enforce_median_seconds',
    'Nearest-rank median of the time from alert to enforcement',
    (r) => r.time_to_enforce.median_seconds,
  ],
  [
    'vigil_time_to_enforce_p95_seconds',
    'Nearest-rank p95 of the time from alert to enforcement',
    (r) => r.time_to_enforce.p95_seconds,
  ],
  [
    'vigil_stepup_friction_per_1000',
    'Enforced step-ups per 1,000 auth events in the effectiveness window',
    (r) => r.stepup_friction_per_1000,
  ],
  [
    'vigil_signals_acknowledged_ratio',
    'SETs acknowledged by push receivers / SETs handed to them',
    (r) => r.signals_acknowledged_ratio,
  ],
];

function registerEffectivenessGauges(
  registry: Registry,
  pipeline: string,
  window: EffectivenessWindow,
): void {
  for (const [name, help, read] of EFFECTIVENESS_GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: ['pipeline'],
      registers: [registry],
      collect() {
        this.reset();
        const value = read(window.report());
        if (value !== null) this.set({ pipeline }, value);
      },
    });
  }
}
