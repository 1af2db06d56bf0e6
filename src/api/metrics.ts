/**
 * Prometheus metrics of one engine, on a registry of its own (so two servers
 * in one process, as in tests, never share counters). Updated from the
 * runner's onBatch output (`observeBatch`); served by GET /metrics
 * (routes/health.ts). Must never be read or written in the per-event hot
 * path: one call per batch, a loop over its records.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchOutput } from '../engine/types.js';

export interface ModelDescription {
  name: string;
  version: string;
  backend: string;
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
