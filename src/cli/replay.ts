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
import { type DetectionReport, DetectionTally, readLabels } from '../evaluation/labels.js';
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
}

export interface ReplayResult {
  stats: RunStats;
  eventsPerSecond: number;
  detection?: DetectionReport;
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
  const engine = buildEngine(config, options.now);
  mkdirSync(options.out, { recursive: true });
  const sinks: Sink[] = [
    new NdjsonSink({ path: join(options.out, 'scores.ndjson'), stream: 'scores', append: false }),
    new NdjsonSink({ path: join(options.out, 'alerts.ndjson'), stream: 'alerts', append: false }),
    new NdjsonSink({ path: join(options.out, 'dead_letter.ndjson'), stream: 'deadLetters', append: false }),
  ];
  const labels = await readLabels(options.labels ?? `${options.input}.labels.ndjson`);
  const tally = labels.size > 0 ? new DetectionTally(labels) : undefined;
  const onBatch = tally ? (output: BatchOutput) => tallyBatch(tally, output) : undefined;
  const stats = await runPipeline(new FileSource({ path: options.input }), engine.processor, sinks, {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: 0,
    onBatch,
  });
  const eventsPerSecond = stats.records / Math.max(stats.elapsedMs / 1000, 1e-3);
  const result: ReplayResult = { stats, eventsPerSecond, detection: tally?.report() };
  if (result.detection) {
    writeFileSync(join(options.out, 'detection.json'), `${JSON.stringify(result.detection, null, 2)}\n`);
  }
  return result;
}

function tallyBatch(tally: DetectionTally, output: BatchOutput): void {
  for (const score of output.scores) tally.addScore(score.event_id, score.risk);
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
        `  ${scenario.padEnd(22)} ${row.detected}/${row.incidents} (${(row.rate * 100).toFixed(0)}%)  ${by}`,
      );
    }
    lines.push(
      `false alerts: ${detection.falseAlerts} of ${detection.alerts} alerts (${detection.falseAlertsPer1k.toFixed(3)} per 1,000 normal events)`,
      `risk ROC AUC: ${Number.isNaN(detection.riskAuc) ? 'n/a' : detection.riskAuc.toFixed(4)}`,
    );
  }
  return lines.join('\n');
}
