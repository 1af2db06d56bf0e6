/**
 * The LSTM's parameters as plain typed arrays: the one representation shared
 * by the trainer (tfjs variables are copied in and out), the ONNX graph
 * builder, the tfjs fallback step and the artefact files. Row-major; gate
 * blocks in TensorFlow.js/Keras order i, f, c (candidate), o with one bias.
 */
import { errors } from '../../errors.js';
import { SeededRandom } from '../random.js';

export interface LstmShape {
  /** Tokens including the reserved OOV (0) and BOS (1) ids. */
  vocabSize: number;
  embeddingDim: number;
  units: number;
  /** Numeric context features appended to the embedding (hour-of-week, gap). */
  contextSize: number;
}

export interface LstmWeights {
  shape: LstmShape;
  /** [vocabSize, embeddingDim] */
  embedding: Float32Array;
  /** [embeddingDim + contextSize, 4·units], gates i, f, c, o */
  kernel: Float32Array;
  /** [units, 4·units] */
  recurrentKernel: Float32Array;
  /** [4·units] */
  bias: Float32Array;
  /** [units, vocabSize] */
  outputKernel: Float32Array;
  /** [vocabSize] */
  outputBias: Float32Array;
}

export const WEIGHT_NAMES = [
  'embedding',
  'kernel',
  'recurrentKernel',
  'bias',
  'outputKernel',
  'outputBias',
] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

export function weightDims(shape: LstmShape): Record<WeightName, number[]> {
  const { vocabSize: v, embeddingDim: e, units: h, contextSize: k } = shape;
  return {
    embedding: [v, e],
    kernel: [e + k, 4 * h],
    recurrentKernel: [h, 4 * h],
    bias: [4 * h],
    outputKernel: [h, v],
    outputBias: [v],
  };
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Seeded Glorot-uniform init (forget-gate bias 1, as Keras' unit_forget_bias). */
export function initialWeights(shape: LstmShape, seed: number): LstmWeights {
  const random = new SeededRandom(seed);
  const dims = weightDims(shape);
  const glorot = (name: WeightName): Float32Array => {
    const [fanIn, fanOut] = dims[name];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const out = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < out.length; i++) out[i] = (random.nextFloat() * 2 - 1) * limit;
    return out;
  };
  const bias = new Float32Array(4 * shape.units);
  bias.fill(1, shape.units, 2 * shape.units);
  return {
    shape: { ...shape },
    embedding: glorot('embedding'),
    kernel: glorot('kernel'),
    recurrentKernel: glorot('recurrentKernel'),
    bias,
    outputKernel: glorot('outputKernel'),
    outputBias: new Float32Array(shape.vocabSize),
  };
}

export function checkWeights(weights: LstmWeights): void {
  const dims = weightDims(weights.shape);
  for (const name of WEIGHT_NAMES) {
    const expected = elementCount(dims[name]);
    if (weights[name].length !== expected)
      throw errors.usage(`LSTM weight ${name} has ${weights[name].length} values, expected ${expected}`);
  }
}
