/**
 * `vigil replay`: score a file offline, deterministically. Writes
 * scores.ndjson (one line per valid input event), alerts.ndjson and
 * dead_letter.ndjson under --out, and prints a summary; with a labels file
 * (the simulator's FILE.labels.ndjson, found automatically) the summary also
 * reports per-scenario detection, false alerts and risk ROC AUC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipeline, type PipelineConfig, parsePipeline } from '../config/pipeline.js';
import { type RunStats, runPipeline } from '../engine/runner.js';
import type { BatchOutput, Sink } from '../engine/types.js';
import {
  type DetectionReport,
  DetectionTally,
  readLabels,
  type ScenarioDetection,
} from '../evaluation/labels.js';
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
}

export interface ReplayResult {
  stats: RunStats;
  eventsPerSecond: number;
  detection?: DetectionReport;
  /** Rows written by `featuresOut` (and how many were attacks). */
  features?: { rows: number; positives: number };
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
  const onBatch = tally ? (output: BatchOutput) => tallyBatch(tally, output) : undefined;
  const stats = await runPipeline(new FileSource({ path: options.input }), engine.processor, sinks, {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: 0,
    onBatch,
    deterministic: true,
  });
  const eventsPerSecond = stats.records / Math.max(stats.elapsedMs / 1000, 1e-3);
  dump?.close();
  const result: ReplayResult = { stats, eventsPerSecond, detection: tally?.report() };
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
  return lines.join('\n');
}
