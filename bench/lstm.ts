/**
 * LSTM benchmark, one run, same shapes everywhere (embedding 32, 64 units,
 * vocabulary 256, 3 context features, top-3 read back):
 *   - streaming inference events/s of Vigil's serving path (onnxruntime-node
 *     one-step graph, state carried between steps) at batch 1, 64 and 512;
 *   - the tfjs fallback step (wasm) at batch 512;
 *   - PyTorch on CPU, one thread (Debian python3-torch, /usr/bin/python3);
 *   - training samples/s (windows of 10, batch 256) of Vigil's tfjs trainer
 *     and of PyTorch.
 * Also the whole LstmScorer (tokenising, per-identity state, rounds) at
 * batch 512, printed only. Each rate is the best of 3 timing windows (epochs
 * for training; PyTorch likewise): on a shared machine other processes only
 * ever slow a window down. The last stdout line is one JSON object for scripts.
 *
 *   npm run bench:lstm  [-- --seconds S]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BASELINE } from '../src/baseline/config.js';
import { StateStore } from '../src/baseline/state-store.js';
import type { Analysis } from '../src/engine/analyzer.js';
import type { ServiceEvent } from '../src/events/schema.js';
import { QuantileSketch } from '../src/models/calibration.js';
import { createStep, type LstmModel } from '../src/models/lstm/model.js';
import { buildStepGraph } from '../src/models/lstm/onnx-graph.js';
import { LstmScorer } from '../src/models/lstm/scorer.js';
import type { Windows } from '../src/models/lstm/sequences.js';
import { allocateStepInput, type LstmStep } from '../src/models/lstm/step.js';
import { Vocabulary } from '../src/models/lstm/tokens.js';
import { trainLstm } from '../src/models/lstm/train.js';
import { initialWeights, type LstmShape } from '../src/models/lstm/weights.js';
import { SeededRandom } from '../src/models/random.js';

const PYTHON = '/usr/bin/python3';
const SHAPE: LstmShape = { vocabSize: 256, embeddingDim: 32, units: 64, contextSize: 3 };
const TOP_K = 3;
/** Rates are the best of this many timing windows (epochs for training): the machine is shared, and
 * other processes only ever slow a window down. PyTorch is measured the same way. */
const WINDOWS = 3;
const WINDOW = 10;
const TRAIN_BATCH = 256;
const TRAIN_WINDOWS = 4096;
const here = dirname(fileURLToPath(import.meta.url));
const TORCH_SCRIPT = [
  join(here, '../../bench/lstm_torch.py'),
  join(here, 'lstm_torch.py'),
  join(process.cwd(), 'bench/lstm_torch.py'),
].find((p) => existsSync(p));

const seconds = Number(argValue('--seconds') ?? 1.5);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Events/s of streaming steps at `batch`: random token stream, state carried step to step. */
function streamingRate(step: LstmStep, batch: number): number {
  const random = new SeededRandom(batch);
  const tokens = new Int32Array(65 * batch);
  for (let i = 0; i < tokens.length; i++) tokens[i] = random.nextInt(SHAPE.vocabSize);
  const input = allocateStepInput(batch, SHAPE.units, SHAPE.contextSize);
  for (let i = 0; i < input.context.length; i++) input.context[i] = random.nextFloat();
  const n = batch * SHAPE.units;
  let checksum = 0;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const row = (s % 64) * batch;
      input.ids.set(tokens.subarray(row, row + batch));
      input.nextIds.set(tokens.subarray(row + batch, row + 2 * batch));
      const out = step.step(batch, input);
      input.h.set(out.h.subarray(0, n));
      input.c.set(out.c.subarray(0, n));
      checksum += out.surprise[0] + out.expectedIds[0];
    }
  };
  run(Math.max(4, Math.ceil(2000 / batch)));
  let best = 0;
  for (let window = 0; window < WINDOWS; window++) {
    let steps = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < (seconds * 1000) / WINDOWS) {
      const chunk = Math.max(1, Math.ceil(4096 / batch));
      run(chunk);
      steps += chunk;
      elapsed = performance.now() - started;
    }
    best = Math.max(best, (steps * batch) / (elapsed / 1000));
  }
  if (Number.isNaN(checksum)) throw new Error('NaN surprise');
  return best;
}

/**
 * Events/s of the whole scorer (tokenising, per-identity state, rounds, one
 * batched step per round, calibration, findings) on service events of 5,000
 * workloads in batches of 512.
 */
function scorerRate(model: LstmModel, step: LstmStep): number {
  const random = new SeededRandom(3);
  const store = new StateStore(DEFAULT_BASELINE, 100_000);
  const scorer = new LstmScorer(model, step, store, { alertPercentile: 0.999 });
  const batch = 512;
  const batches: ServiceEvent[][] = [];
  for (let b = 0; b < 32; b++) {
    const events: ServiceEvent[] = [];
    for (let i = 0; i < batch; i++) {
      const route = random.nextInt(260);
      events.push({
        kind: 'service',
        id: `e${b}-${i}`,
        time: 1_767_225_600_000 + (b * batch + i) * 1000,
        identity: `spiffe://bench/wl-${random.nextInt(5000)}`,
        identity_type: 'workload',
        destination: `svc-${route}`,
        method: 'GET',
        route: `/r${route}`,
        status: 200,
        bytes_in: 100,
        bytes_out: 100,
        latency_ms: 5,
      });
    }
    batches.push(events);
  }
  const analysesOf = (events: readonly ServiceEvent[]): Analysis[] =>
    events.map(() => ({ findings: [], risk: 0, components: {}, learned: true }) as unknown as Analysis);
  for (const events of batches.slice(0, 4)) scorer.score(events, analysesOf(events));
  let scored = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const events of batches) {
      scorer.score(events, analysesOf(events));
      scored += events.length;
    }
    elapsed = performance.now() - started;
  }
  return scored / (elapsed / 1000);
}

function benchModel(weights: LstmModel['weights'], onnxGraph: Uint8Array): LstmModel {
  const tokens = ['<oov>', '<bos>'];
  for (let i = 0; tokens.length < SHAPE.vocabSize; i++) tokens.push(`svc svc-${i} GET /r${i} 2xx`);
  const calibration = new QuantileSketch();
  for (let i = 0; i < 1000; i++) calibration.add(i / 100);
  const manifest = { modelVersion: 'bench' } as LstmModel['manifest'];
  return { manifest, vocabulary: new Vocabulary(tokens), weights, calibration, onnxGraph };
}

function syntheticWindows(): Windows {
  const random = new SeededRandom(11);
  const size = TRAIN_WINDOWS * WINDOW;
  const windows: Windows = {
    count: TRAIN_WINDOWS,
    steps: WINDOW,
    contextSize: SHAPE.contextSize,
    inputIds: new Int32Array(size),
    targets: new Int32Array(size),
    context: new Float32Array(size * SHAPE.contextSize),
    mask: new Float32Array(size).fill(1),
  };
  for (let i = 0; i < size; i++) {
    windows.inputIds[i] = random.nextInt(SHAPE.vocabSize);
    windows.targets[i] = (windows.inputIds[i] * 7 + random.nextInt(3)) % SHAPE.vocabSize;
  }
  for (let i = 0; i < windows.context.length; i++) windows.context[i] = random.nextFloat();
  return windows;
}

interface TorchResult {
  torch_version: string;
  infer_per_s: Record<string, number>;
  train_samples_per_s: number;
}

function runTorch(): TorchResult | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (!TORCH_SCRIPT) {
    console.log('  bench/lstm_torch.py not found; run from the repository root');
    return undefined;
  }
  if (probe.status !== 0) {
    console.log(`  PyTorch is not available to ${PYTHON}; install it with: apt-get install -y python3-torch`);
    return undefined;
  }
  const args = [
    TORCH_SCRIPT,
    ...['--vocab', SHAPE.vocabSize, '--embedding', SHAPE.embeddingDim, '--units', SHAPE.units],
    ...['--context', SHAPE.contextSize, '--topk', TOP_K, '--seconds', seconds, '--window', WINDOW],
    ...['--train-batch', TRAIN_BATCH, '--train-windows', TRAIN_WINDOWS, '--repeats', WINDOWS],
  ].map(String);
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (run.status !== 0) {
    console.log(`  PyTorch run failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return undefined;
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as TorchResult;
}

const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US'));

async function main(): Promise<void> {
  console.log(
    `LSTM benchmark: embedding ${SHAPE.embeddingDim}, ${SHAPE.units} units, vocabulary ${SHAPE.vocabSize}, top-${TOP_K}`,
  );
  // Training first, on a fresh wasm heap, before any serving session exists.
  const epochRates: number[] = [];
  let epochStarted = performance.now();
  const trained = await trainLstm(
    syntheticWindows(),
    SHAPE.vocabSize,
    {
      embeddingDim: SHAPE.embeddingDim,
      units: SHAPE.units,
      epochs: WINDOWS,
      patience: WINDOWS + 1,
      batchSize: TRAIN_BATCH,
      // 256 of 4096 windows held out: 15 full training batches per epoch.
      validationFraction: 0.0625,
    },
    (p) => {
      if (p.batch === 1) epochStarted = performance.now();
      if (p.batch === p.batches)
        epochRates.push(((p.batches - 1) * TRAIN_BATCH) / ((performance.now() - epochStarted) / 1000));
    },
  );
  const trainRate = Math.max(...epochRates);
  console.log(
    `  vigil training (${trained.backend}): ${fmt(trainRate)} samples/s best epoch, ${fmt(trained.metrics.samplesPerSecond)} overall (windows of ${WINDOW}, batch ${TRAIN_BATCH})`,
  );

  const weights = initialWeights(SHAPE, 5);
  const onnxGraph = buildStepGraph(weights, TOP_K);
  const serving = await createStep({ weights, onnxGraph }, { topK: TOP_K, intraOpNumThreads: 1 });
  const rates: Record<number, number> = {};
  for (const batch of [1, 64, 512]) {
    rates[batch] = streamingRate(serving, batch);
    console.log(`  vigil serving (${serving.backend}) batch ${batch}: ${fmt(rates[batch])} events/s`);
  }
  const scorerPerSecond = scorerRate(benchModel(weights, onnxGraph), serving);
  console.log(
    `  vigil LstmScorer (${serving.backend}, 5,000 identities, batch 512): ${fmt(scorerPerSecond)} events/s`,
  );
  serving.close();
  const fallback = await createStep({ weights, onnxGraph }, { topK: TOP_K, backend: 'tfjs' });
  const tfjsRate = streamingRate(fallback, 512);
  console.log(`  ${fallback.backend} step batch 512: ${fmt(tfjsRate)} events/s`);
  fallback.close();

  const torch = runTorch();
  if (torch) {
    for (const batch of [1, 64, 512])
      console.log(
        `  torch ${torch.torch_version} batch ${batch}: ${fmt(torch.infer_per_s[String(batch)])} events/s`,
      );
    console.log(`  torch training: ${fmt(torch.train_samples_per_s)} samples/s`);
  }
  const result = {
    serving_backend: serving.backend,
    training_backend: trained.backend,
    infer_per_s_b1: Math.round(rates[1]),
    infer_per_s_b64: Math.round(rates[64]),
    infer_per_s_b512: Math.round(rates[512]),
    tfjs_wasm_infer_per_s_b512: Math.round(tfjsRate),
    torch_infer_per_s_b512: torch ? Math.round(torch.infer_per_s['512']) : null,
    train_samples_per_s: Math.round(trainRate),
    torch_train_samples_per_s: torch ? Math.round(torch.train_samples_per_s) : null,
  };
  console.log(JSON.stringify(result));
}

await main();
