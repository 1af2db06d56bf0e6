/**
 * Pipeline benchmark (`npm run bench`, `vigil bench`): replays a fixed
 * simulator set through the full pipeline in one process — file source,
 * decode/validate, baselines, all detectors, risk, alerts, NDJSON sinks —
 * and reports throughput, batch latency, peak memory and the memory each
 * identity's state costs. The last line of stdout is one JSON object.
 *
 * Run with --expose-gc (the npm script does) for the per-identity heap figure.
 *
 * Options: --events N, --seed S, --batch N, --ocsf; --iforest adds the
 * Isolation Forest stage (trained in the stream); --lstm adds the LSTM scorer
 * (a small model is trained first on a clean simulation, untimed; --lstm-epochs
 * N, default 3), --lstm-model DIR loads a trained one instead.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaselineSettings } from '../src/baseline/config.js';
import { StateStore } from '../src/baseline/state-store.js';
import { buildEngine } from '../src/cli/components.js';
import { parsePipeline } from '../src/config/pipeline.js';
import { runPipeline } from '../src/engine/runner.js';
import { writeSimulation } from '../src/simulator/index.js';
import { NdjsonSink } from '../src/sinks/ndjson.js';
import { FileSource } from '../src/sources/file.js';

export interface PipelineBenchOptions {
  events: number;
  seed: number;
  batch: number;
  format: 'canonical' | 'ocsf';
  /** Also run the Isolation Forest stage (features, in-stream training, scoring). */
  iforest?: boolean;
  /**
   * Also run the LSTM scorer: from `lstmModel` when given, otherwise trained
   * first (not timed) on a clean simulation of `lstmTrainEvents` events
   * (default 20,000, seed + 1) for `lstmEpochs` epochs (default 3).
   */
  lstm?: boolean;
  lstmModel?: string;
  lstmTrainEvents?: number;
  lstmEpochs?: number;
}

export interface PipelineBenchResult {
  events_per_s: number;
  p50_batch_ms: number;
  p99_batch_ms: number;
  peak_rss_mb: number;
  identities: number;
  state_heap_bytes_per_identity: number;
  devices: number;
  state_heap_bytes_per_device: number;
  state_snapshot_bytes_per_identity: number;
  events: number;
  alerts: number;
  dead_letters: number;
  /** Serving backend of the LSTM scorer when it ran (`onnxruntime` or `tfjs-*`). */
  lstm_backend?: string;
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

/**
 * Heap bytes one identity's state costs, measured by restoring the run's
 * final snapshot into several fresh stores and dividing the heap growth.
 * (Deleting the live state and collecting is unreliable: V8 sweeps lazily.)
 */
function stateHeapPerIdentity(
  settings: BaselineSettings,
  snapshotText: string,
  entities: number,
  log: (line: string) => void,
): number {
  if (!collectGarbage()) {
    log('run node with --expose-gc to measure heap bytes per identity');
    return Number.NaN;
  }
  const copies: StateStore[] = [];
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 5; i++) {
    const store = new StateStore(settings);
    store.restore(JSON.parse(snapshotText));
    copies.push(store);
  }
  collectGarbage();
  return (process.memoryUsage().heapUsed - before) / (copies.length * entities);
}

export async function benchPipeline(
  options: PipelineBenchOptions,
  log: (line: string) => void,
): Promise<PipelineBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const input = join(dir, `sim-${options.seed}-${options.events}.${options.format}.ndjson`);
  try {
    log(`generating ${options.events} simulator events (seed ${options.seed}, ${options.format}) ...`);
    await writeSimulation({ out: input, events: options.events, seed: options.seed, format: options.format });
    log(`input: ${(statSync(input).size / 1e6).toFixed(1)} MB`);

    const lstmDirectory = options.lstm
      ? (options.lstmModel ?? (await trainBenchLstm(options, dir, log)))
      : undefined;
    const config = parsePipeline({
      name: 'bench',
      source: { type: 'file', path: input, format: options.format },
      batch: { max_events: options.batch, max_wait_ms: 0 },
      models: {
        iforest: { enabled: options.iforest === true, directory: join(dir, 'models') },
        ...(lstmDirectory ? { lstm: { enabled: true, directory: lstmDirectory } } : {}),
      },
    });
    const engine = buildEngine(config);
    if (engine.lstm) {
      const step = engine.lstm.scorer.step as { loaded?: Promise<void> };
      await step.loaded; // the tfjs fallback step loads asynchronously; onnxruntime is ready at once
      log(
        `lstm: model ${engine.lstm.model.manifest.modelVersion}, serving on ${engine.lstm.scorer.servingBackend}`,
      );
    }
    const sinks = [
      new NdjsonSink({ path: join(dir, 'scores.ndjson'), stream: 'scores', append: false }),
      new NdjsonSink({ path: join(dir, 'alerts.ndjson'), stream: 'alerts', append: false }),
      new NdjsonSink({ path: join(dir, 'dead_letter.ndjson'), stream: 'deadLetters', append: false }),
    ];
    collectGarbage();
    let peakRss = process.memoryUsage.rss();
    const started = performance.now();
    const stats = await runPipeline(new FileSource({ path: input }), engine.processor, sinks, {
      maxBatchRecords: options.batch,
      maxWaitMs: 0,
      keepBatchTimings: true,
      onBatch: () => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const identities = engine.store.size;

    // Identity state only: the population-level trackers (source addresses, incident alerts) and the
    // device book are not per identity; devices are measured on their own.
    const full = engine.store.snapshot();
    const snapshotText = JSON.stringify({ ...full, sources: [], incidentAlerts: [], devices: undefined });
    const heapPerIdentity = stateHeapPerIdentity(engine.store.settings, snapshotText, identities, log);
    const devices = engine.store.devices.size;
    const deviceText = JSON.stringify({ ...full, identities: [], sources: [], incidentAlerts: [] });
    const heapPerDevice =
      devices > 0 ? stateHeapPerIdentity(engine.store.settings, deviceText, devices, log) : 0;

    const sorted = [...stats.batchMs].sort((a, b) => a - b);
    return {
      events_per_s: Math.round(stats.records / seconds),
      p50_batch_ms: round(percentile(sorted, 0.5)),
      p99_batch_ms: round(percentile(sorted, 0.99)),
      peak_rss_mb: round(peakRss / 2 ** 20, 1),
      identities,
      state_heap_bytes_per_identity: Math.round(heapPerIdentity),
      state_snapshot_bytes_per_identity: Math.round(Buffer.byteLength(snapshotText) / identities),
      devices,
      state_heap_bytes_per_device: Math.round(heapPerDevice),
      events: stats.scored,
      alerts: stats.alerts,
      dead_letters: stats.deadLetters,
      ...(engine.lstm ? { lstm_backend: engine.lstm.scorer.servingBackend } : {}),
    };
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Trains the benchmark's LSTM (not timed) on a clean simulation; returns its artefact directory. */
async function trainBenchLstm(
  options: PipelineBenchOptions,
  dir: string,
  log: (line: string) => void,
): Promise<string> {
  const events = options.lstmTrainEvents ?? 20_000;
  const epochs = options.lstmEpochs ?? 3;
  const clean = join(dir, 'lstm-train.ndjson');
  const out = join(dir, 'lstm');
  log(
    `training the LSTM on ${events} clean simulator events (seed ${options.seed + 1}, ${epochs} epochs) ...`,
  );
  await writeSimulation({ out: clean, events, seed: options.seed + 1, format: 'canonical', attacks: false });
  const { trainLstmCommand } = await import('../src/cli/train-lstm.js');
  const trained = await trainLstmCommand({
    input: clean,
    format: 'canonical',
    out,
    progress: false,
    training: { epochs, seed: 1 },
  });
  log(
    `lstm: ${trained.manifest.metrics.epochsRun} epochs, validation loss ${trained.manifest.metrics.validationLoss.toFixed(4)}`,
  );
  return out;
}

function textArgument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const options: PipelineBenchOptions = {
    events: argument('events', 200_000),
    seed: argument('seed', 7),
    batch: argument('batch', 4096),
    format: process.argv.includes('--ocsf') ? 'ocsf' : 'canonical',
    iforest: process.argv.includes('--iforest'),
    lstm: process.argv.includes('--lstm') || textArgument('lstm-model') !== undefined,
    lstmModel: textArgument('lstm-model'),
    lstmEpochs: argument('lstm-epochs', 3),
  };
  const result = await benchPipeline(options, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(
    [
      `events           ${result.events.toLocaleString('en-US')} (${result.dead_letters} dead letters, ${result.alerts} alerts)`,
      `throughput       ${result.events_per_s.toLocaleString('en-US')} events/s (batch ${options.batch}, all detectors${options.iforest ? ' + isolation forest' : ''}${options.lstm ? ` + lstm (${result.lstm_backend})` : ''})`,
      `batch latency    p50 ${result.p50_batch_ms} ms, p99 ${result.p99_batch_ms} ms`,
      `peak RSS         ${result.peak_rss_mb} MB`,
      `identities       ${result.identities.toLocaleString('en-US')}`,
      `state/identity   ${result.state_heap_bytes_per_identity} B heap, ${result.state_snapshot_bytes_per_identity} B snapshot`,
      `state/device     ${result.state_heap_bytes_per_device} B heap (${result.devices} devices in the device book)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
