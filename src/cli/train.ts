/**
 * `vigil train --input F --format canonical|ocsf --model if [--out DIR]`:
 * runs the baselines (and detectors, which decide what may teach them) over
 * a file, collects the feature rows of identities whose baseline is mature
 * into a seeded reservoir per event kind, fits one Isolation Forest per kind
 * off-thread, calibrates it on its training scores, and saves each as the
 * next model version with its manifest. Progress goes to stderr; the summary
 * is returned for the command to print.
 */
import { createReadStream } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { runPipeline } from '../engine/runner.js';
import { FEATURE_KINDS, type FeatureKind } from '../features/feature-batch.js';
import { scoreQuantiles } from '../models/iforest-model.js';
import { FileSource } from '../sources/file.js';
import { buildEngine } from './components.js';
import { replayConfig } from './replay.js';

export interface TrainOptions {
  input: string;
  format: string;
  /** Only `if` (Isolation Forest) for now. */
  model: 'if';
  /** Model directory (default: the pipeline's models.iforest.directory, `models`). */
  out?: string;
  pipeline?: string;
  /** Training rows kept per kind (reservoir; default 100,000). */
  sample?: number;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
  now?: () => number;
}

export interface TrainedKind {
  kind: FeatureKind;
  /** Rows of mature identities seen; the model trains on a uniform sample of them. */
  rows: number;
  sampleSize?: number;
  version?: number;
  manifest?: string;
  scoreQuantiles?: Record<string, number>;
  fitSeconds?: number;
}

export interface TrainResult {
  records: number;
  directory: string;
  kinds: TrainedKind[];
}

/** Newline count of a file, for the progress bar's total. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const config = replayConfig({
    input: options.input,
    format: options.format,
    out: '',
    pipeline: options.pipeline,
  });
  const directory = options.out ?? config.models.iforest.directory;
  config.models.iforest = {
    ...config.models.iforest,
    enabled: true,
    load_existing: false,
    directory,
    // Collect every mature row, never train mid-stream: training happens once, at the end.
    train_after: Number.MAX_SAFE_INTEGER,
    retrain_every: 0,
    reservoir: options.sample ?? 100_000,
  };
  const engine = buildEngine(config, options.now);
  const stage = engine.iforest!;
  const bar =
    options.progress === false
      ? undefined
      : new SingleBar({
          stream: process.stderr,
          format: 'training data |{bar}| {percentage}% {value}/{total} events  {eta}s left',
          hideCursor: true,
        });
  bar?.start(await countLines(options.input), 0);
  const stats = await runPipeline(new FileSource({ path: options.input }), engine.processor, [], {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: 0,
    deterministic: true,
    onBatch: (_, s) => bar?.update(s.records),
  });
  bar?.update(stats.records);
  bar?.stop();
  const kinds: TrainedKind[] = [];
  for (const kind of FEATURE_KINDS) {
    const rows = stage.scorer.collected(kind);
    const started = performance.now();
    const model = await stage.scorer.trainNow(kind, stage.registry.latestVersion(kind) + 1);
    if (!model) {
      kinds.push({ kind, rows });
      continue;
    }
    kinds.push({
      kind,
      rows,
      sampleSize: model.sampleSize,
      version: model.version,
      manifest: `${directory}/iforest-${kind}-v${String(model.version).padStart(6, '0')}.json`,
      scoreQuantiles: scoreQuantiles(model),
      fitSeconds: (performance.now() - started) / 1000,
    });
  }
  return { records: stats.records, directory, kinds };
}

export function formatTrainSummary(result: TrainResult): string {
  const lines = [`read ${result.records} records; models in ${result.directory}`];
  for (const row of result.kinds) {
    if (row.version === undefined) {
      lines.push(
        `  ${row.kind.padEnd(8)} not trained: ${row.rows} rows of mature identities (need at least 2)`,
      );
      continue;
    }
    const q = Object.entries(row.scoreQuantiles ?? {})
      .map(([name, value]) => `${name} ${value.toFixed(3)}`)
      .join(', ');
    lines.push(
      `  ${row.kind.padEnd(8)} v${row.version} on ${row.sampleSize} of ${row.rows} mature rows in ${row.fitSeconds?.toFixed(2)} s; scores ${q}`,
      `           ${row.manifest}`,
    );
  }
  return lines.join('\n');
}
