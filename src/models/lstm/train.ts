/**
 * Trains the LSTM with TensorFlow.js (Adam, masked next-token cross-entropy
 * on every step, early stopping on a validation split, best weights kept) and
 * calibrates its surprise: the NLL of held-out steps goes into a quantile
 * sketch so serving can turn a raw surprise into a percentile. Seeded: the
 * same data, options and backend give the same model. Never touches files.
 */
import { QuantileSketch } from '../calibration.js';
import { SeededRandom } from '../random.js';
import { timeMajorBatch, type Windows } from './sequences.js';
import { createVariables, forward, type LstmVariables, readVariables, surprise } from './tfjs-model.js';
import { loadTfjs, type Tf } from './tfjs-runtime.js';
import { initialWeights, type LstmShape, type LstmWeights } from './weights.js';

export interface TrainOptions {
  embeddingDim: number;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without validation improvement before stopping. */
  patience: number;
  validationFraction: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  embeddingDim: 32,
  units: 64,
  epochs: 20,
  batchSize: 256,
  learningRate: 0.01,
  patience: 2,
  validationFraction: 0.1,
  seed: 1,
};

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  samplesPerSecond: number;
}

export interface TrainMetrics {
  epochsRun: number;
  bestEpoch: number;
  trainLoss: number;
  validationLoss: number;
  trainWindows: number;
  validationWindows: number;
  samplesPerSecond: number;
  seconds: number;
}

export interface TrainResult {
  weights: LstmWeights;
  calibration: QuantileSketch;
  metrics: TrainMetrics;
  backend: string;
}

export async function trainLstm(
  windows: Windows,
  vocabSize: number,
  partial: Partial<TrainOptions> = {},
  onProgress?: (progress: TrainProgress) => void,
): Promise<TrainResult> {
  const options = { ...DEFAULT_TRAIN_OPTIONS, ...partial };
  const { tf, backend } = await loadTfjs();
  const shape: LstmShape = {
    vocabSize,
    embeddingDim: options.embeddingDim,
    units: options.units,
    contextSize: windows.contextSize,
  };
  const random = new SeededRandom(options.seed);
  const order = shuffled(windows.count, random);
  const validationCount =
    windows.count >= 10 ? Math.max(1, Math.floor(windows.count * options.validationFraction)) : 0;
  const validation = order.subarray(0, validationCount);
  const training = order.subarray(validationCount);
  const vars = createVariables(tf, initialWeights(shape, options.seed));
  const optimizer = tf.train.adam(options.learningRate);
  const batches = Math.ceil(training.length / options.batchSize);
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: readVariables(vars, shape) };
  let trainLoss = Number.NaN;
  let epochsRun = 0;
  let samples = 0;
  const started = performance.now();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    epochsRun = epoch;
    shuffleInPlace(training, random);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const chosen = training.subarray(b * options.batchSize, (b + 1) * options.batchSize);
      const loss = trainStep(tf, vars, optimizer, windows, chosen, vocabSize);
      lossSum += loss;
      samples += chosen.length;
      onProgress?.({
        epoch,
        epochs: options.epochs,
        batch: b + 1,
        batches,
        loss: lossSum / (b + 1),
        samplesPerSecond: samples / ((performance.now() - started) / 1000),
      });
    }
    trainLoss = lossSum / Math.max(1, batches);
    const validationLoss =
      validationCount > 0 ? meanSurprise(tf, vars, windows, validation, vocabSize) : trainLoss;
    if (validationLoss < best.loss - 1e-4)
      best = { loss: validationLoss, epoch, weights: readVariables(vars, shape) };
    else if (epoch - best.epoch >= options.patience) break;
  }
  const seconds = (performance.now() - started) / 1000;
  for (const name of Object.keys(vars) as (keyof LstmVariables)[]) vars[name].dispose();
  optimizer.dispose();
  const calibrationSet = validationCount > 0 && countSteps(windows, validation) >= 500 ? validation : order;
  const calibration = calibrate(tf, best.weights, windows, calibrationSet);
  return {
    weights: best.weights,
    calibration,
    backend,
    metrics: {
      epochsRun,
      bestEpoch: best.epoch,
      trainLoss,
      validationLoss: best.loss,
      trainWindows: training.length,
      validationWindows: validationCount,
      samplesPerSecond: samples / seconds,
      seconds,
    },
  };
}

function trainStep(
  tf: Tf,
  vars: LstmVariables,
  optimizer: ReturnType<Tf['train']['adam']>,
  windows: Windows,
  chosen: Uint32Array,
  vocabSize: number,
): number {
  const data = timeMajorBatch(windows, chosen);
  const cost = tf.tidy(() => {
    const inputIds = tf.tensor1d(data.inputIds, 'int32');
    const targets = tf.tensor1d(data.targets, 'int32');
    const context =
      windows.contextSize > 0
        ? tf.tensor2d(data.context, [data.mask.length, windows.contextSize])
        : undefined;
    const mask = tf.tensor1d(data.mask);
    const maskTotal = Math.max(1, sumOf(data.mask));
    const result = optimizer.minimize(
      () => {
        const out = forward(tf, vars, { inputIds, context, steps: windows.steps, batch: chosen.length });
        return tf.div(tf.sum(tf.mul(surprise(tf, out.logits, targets, vocabSize), mask)), maskTotal);
      },
      true,
      Object.values(vars),
    );
    return result ?? tf.scalar(Number.NaN);
  });
  const value = cost.dataSync()[0] as number;
  cost.dispose();
  return value;
}

/** Per-step surprises of the chosen windows (masked steps left out), in batches. */
function surprises(
  tf: Tf,
  vars: LstmVariables,
  windows: Windows,
  chosen: Uint32Array,
  vocabSize: number,
): number[] {
  const out: number[] = [];
  const batchSize = 512;
  for (let start = 0; start < chosen.length; start += batchSize) {
    const part = chosen.subarray(start, start + batchSize);
    const data = timeMajorBatch(windows, part);
    const values = tf.tidy(() => {
      const inputIds = tf.tensor1d(data.inputIds, 'int32');
      const targets = tf.tensor1d(data.targets, 'int32');
      const context =
        windows.contextSize > 0
          ? tf.tensor2d(data.context, [data.mask.length, windows.contextSize])
          : undefined;
      const result = forward(tf, vars, { inputIds, context, steps: windows.steps, batch: part.length });
      return surprise(tf, result.logits, targets, vocabSize).dataSync() as Float32Array;
    });
    for (let i = 0; i < values.length; i++) if (data.mask[i] > 0) out.push(values[i]);
  }
  return out;
}

function meanSurprise(
  tf: Tf,
  vars: LstmVariables,
  windows: Windows,
  chosen: Uint32Array,
  vocabSize: number,
): number {
  const values = surprises(tf, vars, windows, chosen, vocabSize);
  return values.length === 0 ? Number.NaN : sumOf(values) / values.length;
}

function calibrate(tf: Tf, weights: LstmWeights, windows: Windows, chosen: Uint32Array): QuantileSketch {
  const vars = createVariables(tf, weights);
  const sketch = new QuantileSketch();
  sketch.addAll(surprises(tf, vars, windows, chosen, weights.shape.vocabSize));
  for (const name of Object.keys(vars) as (keyof LstmVariables)[]) vars[name].dispose();
  return sketch;
}

function countSteps(windows: Windows, chosen: Uint32Array): number {
  let n = 0;
  for (const w of chosen) for (let t = 0; t < windows.steps; t++) n += windows.mask[w * windows.steps + t];
  return n;
}

function shuffled(n: number, random: SeededRandom): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, random);
}

function shuffleInPlace(values: Uint32Array, random: SeededRandom): Uint32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}
