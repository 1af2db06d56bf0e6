/**
 * `vigil replay`: score a file offline, deterministically. Writes
 * scores.ndjson (one line per valid input event), alerts.ndjson and
 * dead_letter.ndjson under --out, and prints a summary; with a labels file
 * (the simulator's FILE.labels.ndjson, found automatically) the summary also
 * reports per-scenario detection, false alerts and risk ROC AUC. Effectiveness
 * metrics (docs/effectiveness.md) go into the summary and metrics.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPipeline, type PipelineConfig, parsePipeline } from '../config/pipeline.js';
import { type RunStats, runPipeline } from '../engine/runner.js';
import type { BatchOutput, Sink } from '../engine/types.js';
import { EffectivenessTally } from '../evaluation/effectiveness.js';
import type { EffectivenessReport } from '../evaluation/effectiveness-report.js';
import {
  type DetectionReport,
  DetectionTally,
  readLabels,
  type ScenarioDetection,
} from '../evaluation/labels.js';
import { tallySignIns } from '../evaluation/replay-sign-ins.js';
import type { FeatureKind } from '../features/feature-batch.js';
import { FeatureDump } from '../features/feature-dump.js';
import { NdjsonSink } from '../sinks/ndjson.js';
import { FileSource } from '../sources/file.js';
import { buildEngine } from './components.js';

export interface ReplayOptions {
  input: string;
  format: string;
  out: string;
  pipeline?: string;
  labels?: string;
  batchSize?: number;
  /** Fixed clock for the future-skew check (tests); wall clock otherwise. */
  now?: () => number;
  /** Write the feature rows of mature identities, with attack labels, to this NDJSON file. */
  featuresOut?: string;
  /** Which rows `featuresOut` gets (default auth). */
  featuresKind?: FeatureKind;
  /** Where the effectiveness metrics go (default OUT/metrics.json). */
  metricsOut?: string;
}

export interface ReplayResult {
  stats: RunStats;
  eventsPerSecond: number;
  detection?: DetectionReport;
  /** Rows written by `featuresOut` (and how many were attacks). */
  features?: { rows: number; positives: number };
  /** Effectiveness metrics (docs/effectiveness.md), also written to `metricsPath`. */
  effectiveness: EffectivenessReport;
  metricsPath: string;
}

/** The pipeline a replay runs: the given file's settings, with its source replaced by the input file. */
export function replayConfig(options: ReplayOptions): PipelineConfig {
  const base = options.pipeline ? loadPipeline(options.pipeline) : undefined;
  return parsePipeline({
    ...(base ?? {}),
    name: base?.name ?? 'replay',
    source: { type: 'file', path: options.input, format: options.format },
    batch: { max_events: options.batchSize ?? base?.batch.max_events ?? 4096, max_wait_ms: 0 },
    sinks: {},
  });
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const config = replayConfig(options);
  if (options.featuresOut && !config.models.iforest.enabled) {
    // Features are extracted by the Isolation Forest stage; run it without training so scores are unchanged.
    config.models.iforest = { ...config.models.iforest, enabled: true, train_after: 0, load_existing: false };
  }
  const dump = options.featuresOut
    ? new FeatureDump(options.featuresOut, options.featuresKind ?? 'auth', (id) => labels.has(id))
    : undefined;
  const engine = buildEngine(config, options.now, {
    iforest: {
      onRows: dump ? (kind, matrix, rows, events) => dump.write(kind, matrix, rows, events) : undefined,
      onError: (error, kind) =>
        process.stderr.write(`vigil: training the ${kind} isolation forest failed: ${error.message}\n`),
    },
  });
  mkdirSync(options.out, { recursive: true });
  const sinks: Sink[] = [
    new NdjsonSink({ path: join(options.out, 'scores.ndjson'), stream: 'scores', append: false }),
    new NdjsonSink({ path: join(options.out, 'alerts.ndjson'), stream: 'alerts', append: false }),
    new NdjsonSink({ path: join(options.out, 'dead_letter.ndjson'), stream: 'deadLetters', append: false }),
    new NdjsonSink({ path: join(options.out, 'decisions.ndjson'), stream: 'decisions', append: false }),
    new NdjsonSink({ path: join(options.out, 'signals.ndjson'), stream: 'signals', append: false }),
  ];
  const labels = await readLabels(options.labels ?? `${options.input}.labels.ndjson`);
  const tally = labels.size > 0 ? new DetectionTally(labels) : undefined;
  const effectiveness = new EffectivenessTally(labels, config.alerts.min_severity);
  const onBatch = (output: BatchOutput) => {
    if (tally) tallyBatch(tally, output);
    tallyEffectiveness(effectiveness, output);
  };
  const stats = await runPipeline(new FileSource({ path: options.input }), engine.processor, sinks, {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: 0,
    onBatch,
    deterministic: true,
  });
  const eventsPerSecond = stats.records / Math.max(stats.elapsedMs / 1000, 1e-3);
  dump?.close();
  // After the timed run: scores lack the auth action, so sign-ins are counted from the input.
  await tallySignIns(options.input, options.format, (options.now ?? Date.now)(), effectiveness);
  const detection = tally?.report();
  const metricsPath = options.metricsOut ?? join(options.out, 'metrics.json');
  // A replay delivers no signals, so their acknowledgement is unknown (null).
  const report = effectiveness.report(detection);
  mkdirSync(dirname(metricsPath), { recursive: true });
  writeFileSync(metricsPath, `${JSON.stringify(report, null, 2)}\n`);
  const result: ReplayResult = { stats, eventsPerSecond, detection, effectiveness: report, metricsPath };
  if (dump) result.features = { rows: dump.rows, positives: dump.positives };
  if (result.detection) {
    writeFileSync(join(options.out, 'detection.json'), `${JSON.stringify(result.detection, null, 2)}\n`);
  }
  return result;
}

const formatAuc = (auc: number | undefined) =>
  auc === undefined || Number.isNaN(auc) ? 'n/a' : auc.toFixed(3);

function formatScenarioAuc(row: ScenarioDetection): string {
  if (row.riskAuc === undefined) return '';
  const components = Object.entries(row.componentAuc ?? {}).map(([k, v]) => ` ${k} ${formatAuc(v)}`);
  return `  [AUC risk ${formatAuc(row.riskAuc)}${components.join('')}]`;
}

function tallyEffectiveness(tally: EffectivenessTally, output: BatchOutput): void {
  for (const score of output.scores) tally.addEvent(score.event_id, score.time, score.identity);
  for (const alert of output.alerts) tally.addAlert(alert);
  for (const decision of output.decisions ?? []) tally.addDecision(decision);
}

function tallyBatch(tally: DetectionTally, output: BatchOutput): void {
  for (const score of output.scores) tally.addScore(score.event_id, score.risk, score.components);
  for (const alert of output.alerts) tally.addAlert(alert.kind, alert.event_ids);
}

export function formatReplaySummary(result: ReplayResult): string {
  const { stats } = result;
  const lines = [
    `records ${stats.records}  scored ${stats.scored}  dead-lettered ${stats.deadLetters}  alerts ${stats.alerts}`,
    `throughput ${Math.round(result.eventsPerSecond).toLocaleString('en-US')} events/s over ${(stats.elapsedMs / 1000).toFixed(2)} s`,
  ];
  const kinds = Object.entries(stats.alertsByKind).sort(([a], [b]) => a.localeCompare(b));
  if (kinds.length > 0) lines.push(`alerts by kind: ${kinds.map(([k, n]) => `${k}=${n}`).join('  ')}`);
  const detection = result.detection;
  if (detection) {
    lines.push(`detection: ${detection.detectedIncidents}/${detection.incidents} labelled incidents`);
    for (const [scenario, row] of Object.entries(detection.scenarios)) {
      const by = Object.entries(row.by)
        .map(([k, n]) => `${k}:${n}`)
        .join(', ');
      lines.push(
        `  ${scenario.padEnd(22)} ${row.detected}/${row.incidents} (${(row.rate * 100).toFixed(0)}%)  ${by}${formatScenarioAuc(row)}`,
      );
    }
    lines.push(
      `false alerts: ${detection.falseAlerts} of ${detection.alerts} alerts (${detection.falseAlertsPer1k.toFixed(3)} per 1,000 normal events)`,
      `risk ROC AUC: ${Number.isNaN(detection.riskAuc) ? 'n/a' : detection.riskAuc.toFixed(4)}`,
    );
    for (const [name, auc] of Object.entries(detection.componentAuc ?? {}))
      lines.push(`${name} ROC AUC: ${formatAuc(auc)}`);
  }
  lines.push(...formatEffectiveness(result.effectiveness), `metrics: ${result.metricsPath}`);
  return lines.join('\n');
}

const fixed = (value: number | null, digits: number) => (value === null ? 'n/a' : value.toFixed(digits));
const seconds = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} s`);

/** The effectiveness lines of the summary (definitions in docs/effectiveness.md). */
function formatEffectiveness(report: EffectivenessReport): string[] {
  const recall =
    report.incidents === null ? '' : ` (${report.detected_incidents}/${report.incidents} incidents)`;
  const threshold =
    report.operating_threshold === null ? '' : ` at min_severity ${report.operating_threshold}`;
  const detect = report.time_to_detect;
  const enforce = report.time_to_enforce;
  return [
    `effectiveness${threshold}: precision ${fixed(report.precision, 3)} (${report.true_alerts}/${report.alerts} alerts)  recall ${fixed(report.recall, 3)}${recall}`,
    `  alerts ${fixed(report.alerts_per_day, 2)}/day, ${fixed(report.alerts_per_1000_identities, 1)} per 1,000 identities (${report.identities} identities)`,
    `  time to detect: mean ${seconds(detect.mean_seconds)}, median ${seconds(detect.median_seconds)}, p95 ${seconds(detect.p95_seconds)} over ${detect.count} incidents`,
    `  time to enforce: mean ${seconds(enforce.mean_seconds)}, median ${seconds(enforce.median_seconds)}, p95 ${seconds(enforce.p95_seconds)} over ${enforce.count} alerts`,
    `  step-up friction: ${fixed(report.stepup_friction_per_1000, 2)} per 1,000 benign sign-ins (${report.benign_step_ups}/${report.benign_sign_ins})  signals acknowledged: ${fixed(report.signals_acknowledged_ratio, 3)}`,
  ];
}
