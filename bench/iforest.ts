/**
 * Isolation Forest benchmark: Vigil's forest against scikit-learn's on the
 * same data (100 trees, ψ = 256, one thread each). For each data set it
 * prints ROC AUC of both, the Spearman correlation of their scores, fit time
 * and scoring throughput. The last stdout line is one JSON object for the
 * synthetic set, for scripts to pick up.
 *
 *   npm run build && node dist/bench/iforest.js [--rows N] [--seed S] [--auc-seeds K] [--features FILE]
 *
 * --auc-seeds K (default 5) also fits both forests with seeds S+1..S+K-1 and
 * prints mean and spread of their AUC: on the synthetic set the AUC of either
 * library moves by about 0.01 with the seed alone, as large as the target gap.
 *
 * --features FILE: a second data set (e.g. features computed from simulator
 * output), either NDJSON, one `{"features": number[], "label": 0|1}` per line,
 * or binary: "VGFT", u32 rows, u32 cols (little-endian), rows x cols float64
 * row-major, then rows u8 labels (1 = anomaly). Without it that set is skipped.
 * To get such a file from simulator traffic (baseline-relative features of
 * mature identities, docs/models.md):
 *   vigil simulate --out sim.ndjson --events 200000 --seed 7
 *   vigil replay --input sim.ndjson --out out/ --features-out features.ndjson [--features-kind service]
 *
 * scikit-learn comes from Debian (python3-sklearn), installed for
 * /usr/bin/python3 only, so that interpreter is called explicitly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitIsolationForest } from '../src/models/isolation-forest/index.js';
import { SeededRandom } from '../src/models/random.js';

const PYTHON = '/usr/bin/python3';
const TREES = 100;
const SAMPLE_SIZE = 256;
const REPEATS = 5;
// The python side lives next to this file in bench/; from dist/bench/ it is two levels up.
const here = dirname(fileURLToPath(import.meta.url));
const SKLEARN_SCRIPT_CANDIDATES = [
  join(here, '../../bench/iforest_sklearn.py'),
  join(here, 'iforest_sklearn.py'),
];

interface LabelledSet {
  name: string;
  data: Float64Array;
  labels: Uint8Array;
  rows: number;
  cols: number;
}

interface SklearnResult {
  sklearn_version: string;
  auc: number | null;
  seed_aucs: number[];
  fit_s: number;
  score_s: number;
  score_per_s: number;
  batch512_per_s: number;
  scores: Float64Array;
}

interface VigilResult {
  auc: number;
  seedAucs: number[];
  /** Spearman correlation of Vigil's scores under seeds S and S+1: how far seed noise alone moves the ranking. */
  spearmanAcrossSeeds: number | null;
  fitSeconds: number;
  scorePerSecond: number;
  singleRowPerSecond: number;
  extendedAuc: number;
  scores: Float64Array;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const synthetic = syntheticSet(args.rows, 16, args.seed);
  const syntheticSummary = benchmarkSet(synthetic, args.seed, args.aucSeeds);
  if (args.features) benchmarkSet(readFeatureFile(args.features), args.seed, args.aucSeeds);
  else
    console.log(
      '\n[features] skipped: pass --features FILE (NDJSON or VGFT binary of simulator features + labels) to benchmark a second set',
    );
  console.log(JSON.stringify(syntheticSummary));
}

function parseArgs(argv: string[]): {
  rows: number;
  seed: number;
  aucSeeds: number;
  features: string | undefined;
} {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const parsed = {
    rows: Number(value('--rows') ?? 200_000),
    seed: Number(value('--seed') ?? 1),
    aucSeeds: Number(value('--auc-seeds') ?? 5),
    features: value('--features'),
  };
  for (const key of ['rows', 'seed', 'aucSeeds'] as const) {
    if (!Number.isSafeInteger(parsed[key]) || parsed[key] < (key === 'seed' ? 0 : 1))
      throw new Error(`--${key === 'aucSeeds' ? 'auc-seeds' : key} must be a whole number`);
  }
  return parsed;
}

/**
 * Normal rows: three Gaussian clusters with different centres and scales, half
 * of the dimensions correlated with the other half. Anomalies (1%): normal
 * rows shifted by 3-5 standard deviations in 2-4 random dimensions.
 */
function syntheticSet(rows: number, cols: number, seed: number): LabelledSet {
  const random = new SeededRandom(seed);
  const centres = [0, 3, -2];
  const scales = [1, 0.5, 1.5];
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  const half = cols / 2;
  for (let r = 0; r < rows; r++) {
    const cluster = random.nextInt(3);
    const base = r * cols;
    for (let c = 0; c < half; c++) data[base + c] = centres[cluster] + scales[cluster] * random.nextNormal();
    for (let c = half; c < cols; c++)
      data[base + c] = 0.8 * data[base + c - half] + 0.6 * scales[cluster] * random.nextNormal();
    if (random.nextFloat() >= 0.01) continue;
    labels[r] = 1;
    const shifted = 2 + random.nextInt(3);
    for (let k = 0; k < shifted; k++) {
      const c = random.nextInt(cols);
      data[base + c] += (random.nextFloat() < 0.5 ? -1 : 1) * scales[cluster] * (3 + 2 * random.nextFloat());
    }
  }
  return {
    name: `synthetic ${rows} x ${cols}, ${countAnomalies(labels)} planted anomalies`,
    data,
    labels,
    rows,
    cols,
  };
}

function benchmarkSet(set: LabelledSet, seed: number, aucSeeds: number): Record<string, number | null> {
  console.log(`\n[${set.name}] ${TREES} trees, sample size ${SAMPLE_SIZE}, seed ${seed}`);
  const vigil = runVigil(set, seed, aucSeeds);
  const sklearn = runSklearn(set, seed, aucSeeds);
  const spearman = sklearn ? spearmanCorrelation(vigil.scores, sklearn.scores) : null;
  const rows: [string, string, string][] = [
    ['ROC AUC', fixed(sklearn?.auc, 4), fixed(vigil.auc, 4)],
    [
      `ROC AUC, seeds ${seed}..${seed + aucSeeds - 1} (mean ± sd)`,
      meanAndSpread(sklearn?.seed_aucs),
      meanAndSpread(vigil.seedAucs),
    ],
    ['fit (s, median)', fixed(sklearn?.fit_s, 3), fixed(vigil.fitSeconds, 3)],
    ['score whole set (rows/s)', rate(sklearn?.score_per_s), rate(vigil.scorePerSecond)],
    ['score 512-row batches (rows/s)', rate(sklearn?.batch512_per_s), '(same code as whole set)'],
    ['score one row at a time (rows/s)', '-', rate(vigil.singleRowPerSecond)],
    ['extended forest ROC AUC', '-', fixed(vigil.extendedAuc, 4)],
  ];
  console.log(`  ${'measure'.padEnd(40)}${`scikit-learn ${sklearn?.sklearn_version ?? ''}`.padEnd(24)}vigil`);
  for (const [label, theirs, ours] of rows) console.log(`  ${label.padEnd(40)}${theirs.padEnd(24)}${ours}`);
  console.log(
    `  Spearman correlation of the two score vectors: ${fixed(spearman, 4)} (Vigil seed ${seed} vs seed ${seed + 1}: ${fixed(vigil.spearmanAcrossSeeds, 4)})`,
  );
  return {
    sklearn_auc: sklearn?.auc ?? null,
    vigil_auc: vigil.auc,
    spearman,
    sklearn_fit_s: sklearn?.fit_s ?? null,
    vigil_fit_s: vigil.fitSeconds,
    sklearn_score_per_s: sklearn?.score_per_s ?? null,
    vigil_score_per_s: vigil.scorePerSecond,
  };
}

function runVigil(set: LabelledSet, seed: number, aucSeeds: number): VigilResult {
  const options = { trees: TREES, sampleSize: SAMPLE_SIZE, seed };
  const fitSeconds = medianSeconds(() => fitIsolationForest(set.data, set.rows, set.cols, options));
  const forest = fitIsolationForest(set.data, set.rows, set.cols, options);
  const scores = new Float64Array(set.rows);
  forest.scoreBatch(set.data, set.rows, scores); // warm-up, as the median below also discards outliers
  const scoreSeconds = medianSeconds(() => forest.scoreBatch(set.data, set.rows, scores));
  const singleRows = Math.min(set.rows, 50_000);
  const singleSeconds = medianSeconds(() => {
    for (let r = 0; r < singleRows; r++) forest.score(set.data.subarray(r * set.cols, (r + 1) * set.cols));
  });
  const extended = fitIsolationForest(set.data, set.rows, set.cols, { ...options, extended: true });
  const extendedScores = extended.scoreBatch(set.data, set.rows, new Float64Array(set.rows));
  const seedAucs = [rocAuc(scores, set.labels)];
  const otherScores = new Float64Array(set.rows);
  let spearmanAcrossSeeds: number | null = null;
  for (let k = 1; k < aucSeeds; k++) {
    fitIsolationForest(set.data, set.rows, set.cols, { ...options, seed: seed + k }).scoreBatch(
      set.data,
      set.rows,
      otherScores,
    );
    seedAucs.push(rocAuc(otherScores, set.labels));
    if (k === 1) spearmanAcrossSeeds = spearmanCorrelation(scores, otherScores);
  }
  return {
    seedAucs,
    spearmanAcrossSeeds,
    auc: rocAuc(scores, set.labels),
    fitSeconds,
    scorePerSecond: set.rows / scoreSeconds,
    singleRowPerSecond: singleRows / singleSeconds,
    extendedAuc: rocAuc(extendedScores, set.labels),
    scores,
  };
}

function runSklearn(set: LabelledSet, seed: number, aucSeeds: number): SklearnResult | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(
      `  scikit-learn is not available to ${PYTHON}; install it with: apt-get install -y python3-sklearn`,
    );
    return undefined;
  }
  const directory = mkdtempSync(join(tmpdir(), 'vigil-iforest-bench-'));
  try {
    writeFileSync(
      join(directory, 'x.f64'),
      new Uint8Array(set.data.buffer, set.data.byteOffset, set.data.byteLength),
    );
    writeFileSync(join(directory, 'y.u8'), set.labels);
    const script = SKLEARN_SCRIPT_CANDIDATES.find((path) => existsSync(path));
    if (!script)
      throw new Error(
        `bench/iforest_sklearn.py not found (looked in ${SKLEARN_SCRIPT_CANDIDATES.join(', ')})`,
      );
    const args = [script, directory, set.rows, set.cols, TREES, SAMPLE_SIZE, seed, aucSeeds].map(String);
    const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) throw new Error(`scikit-learn run failed: ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    const scoreBytes = readFileSync(join(directory, 'sklearn_scores.f64'));
    const scores = new Float64Array(
      scoreBytes.buffer.slice(scoreBytes.byteOffset, scoreBytes.byteOffset + scoreBytes.byteLength),
    );
    return { ...(JSON.parse(lines[lines.length - 1]) as Omit<SklearnResult, 'scores'>), scores };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function readFeatureFile(path: string): LabelledSet {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 4).toString('latin1') === 'VGFT') {
    const rows = bytes.readUInt32LE(4);
    const cols = bytes.readUInt32LE(8);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = bytes.readDoubleLE(12 + 8 * i);
    const labels = Uint8Array.from(bytes.subarray(12 + 8 * data.length, 12 + 8 * data.length + rows));
    return {
      name: `features ${path}: ${rows} x ${cols}, ${countAnomalies(labels)} labelled anomalies`,
      data,
      labels,
      rows,
      cols,
    };
  }
  const records = bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { features: number[]; label: number });
  const cols = records[0]?.features.length ?? 0;
  const data = new Float64Array(records.length * cols);
  const labels = new Uint8Array(records.length);
  records.forEach((record, r) => {
    if (record.features.length !== cols)
      throw new Error(`${path} line ${r + 1} has ${record.features.length} features, the first line ${cols}`);
    data.set(record.features, r * cols);
    labels[r] = record.label ? 1 : 0;
  });
  return {
    name: `features ${path}: ${records.length} x ${cols}, ${countAnomalies(labels)} labelled anomalies`,
    data,
    labels,
    rows: records.length,
    cols,
  };
}

/** ROC AUC as the Mann-Whitney rank statistic, ties sharing their mean rank. */
export function rocAuc(scores: Float64Array, labels: Uint8Array): number {
  const ranks = averageRanks(scores);
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    positives++;
    positiveRankSum += ranks[i];
  }
  const negatives = labels.length - positives;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function spearmanCorrelation(a: Float64Array, b: Float64Array): number {
  const rankA = averageRanks(a);
  const rankB = averageRanks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = rankA[i] - mean;
    const db = rankB[i] - mean;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  return covariance / Math.sqrt(varianceA * varianceB);
}

/** 1-based ranks; tied values all get the mean of their ranks. */
function averageRanks(values: Float64Array): Float64Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((i, j) => values[i] - values[j]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

function medianSeconds(action: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    action();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((x, y) => x - y)[Math.floor(REPEATS / 2)];
}

function countAnomalies(labels: Uint8Array): number {
  let count = 0;
  for (const label of labels) count += label;
  return count;
}

function meanAndSpread(values: number[] | undefined): string {
  if (!values || values.length === 0) return 'n/a';
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  if (values.length === 1) return mean.toFixed(4);
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(4)} ± ${sd.toFixed(4)}`;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

function rate(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

main();
