/**
 * Pipeline benchmark (`npm run bench`, `vigil bench`): replays a fixed
 * simulator set through the full pipeline in one process — file source,
 * decode/validate, baselines, all detectors, risk, alerts, NDJSON sinks —
 * and reports throughput, batch latency, peak memory and the memory each
 * identity's state costs. The last line of stdout is one JSON object.
 *
 * Run with --expose-gc (the npm script does) for the per-identity heap figure.
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
}

export interface PipelineBenchResult {
  events_per_s: number;
  p50_batch_ms: number;
  p99_batch_ms: number;
  peak_rss_mb: number;
  identities: number;
  state_heap_bytes_per_identity: number;
  state_snapshot_bytes_per_identity: number;
  events: number;
  alerts: number;
  dead_letters: number;
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
  identities: number,
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
  return (process.memoryUsage().heapUsed - before) / (copies.length * identities);
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

    const config = parsePipeline({
      name: 'bench',
      source: { type: 'file', path: input, format: options.format },
      batch: { max_events: options.batch, max_wait_ms: 0 },
      models: { iforest: { enabled: options.iforest === true, directory: join(dir, 'models') } },
    });
    const engine = buildEngine(config);
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

    // Identity state only: the population-level trackers (source addresses, incident alerts) are not per identity.
    const snapshotText = JSON.stringify({ ...engine.store.snapshot(), sources: [], incidentAlerts: [] });
    const heapPerIdentity = stateHeapPerIdentity(engine.store.settings, snapshotText, identities, log);

    const sorted = [...stats.batchMs].sort((a, b) => a - b);
    return {
      events_per_s: Math.round(stats.records / seconds),
      p50_batch_ms: round(percentile(sorted, 0.5)),
      p99_batch_ms: round(percentile(sorted, 0.99)),
      peak_rss_mb: round(peakRss / 2 ** 20, 1),
      identities,
      state_heap_bytes_per_identity: Math.round(heapPerIdentity),
      state_snapshot_bytes_per_identity: Math.round(Buffer.byteLength(snapshotText) / identities),
      events: stats.scored,
      alerts: stats.alerts,
      dead_letters: stats.deadLetters,
    };
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
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
  };
  const result = await benchPipeline(options, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(
    [
      `events           ${result.events.toLocaleString('en-US')} (${result.dead_letters} dead letters, ${result.alerts} alerts)`,
      `throughput       ${result.events_per_s.toLocaleString('en-US')} events/s (batch ${options.batch}, all detectors${options.iforest ? ' + isolation forest' : ''})`,
      `batch latency    p50 ${result.p50_batch_ms} ms, p99 ${result.p99_batch_ms} ms`,
      `peak RSS         ${result.peak_rss_mb} MB`,
      `identities       ${result.identities.toLocaleString('en-US')}`,
      `state/identity   ${result.state_heap_bytes_per_identity} B heap, ${result.state_snapshot_bytes_per_identity} B snapshot`,
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
