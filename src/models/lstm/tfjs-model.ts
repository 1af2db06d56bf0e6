/**
 * The LSTM written directly in TensorFlow.js core ops: one-hot × matrix
 * embedding (the wasm backend has no UnsortedSegmentSum kernel for an
 * Embedding layer's gradient), sigmoid gates, time-major sequences, a dense
 * softmax head on every step (DeepLog-style next-token prediction, Du et al.,
 * CCS 2017). The same forward function trains the model and is the reference
 * the streaming steps (ONNX, tfjs) are tested against. Inputs are time-major:
 * row t·batch + b is sequence b at step t.
 */
import type { Tf } from './tfjs-runtime.js';
import { type LstmWeights, WEIGHT_NAMES, type WeightName, weightDims } from './weights.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Variable = import('@tensorflow/tfjs').Variable;

export type LstmVariables = Record<WeightName, Variable>;

export function createVariables(tf: Tf, weights: LstmWeights): LstmVariables {
  const dims = weightDims(weights.shape);
  const out = {} as LstmVariables;
  for (const name of WEIGHT_NAMES) out[name] = tf.variable(tf.tensor(weights[name], dims[name]), true, name);
  return out;
}

export function readVariables(variables: LstmVariables, shape: LstmWeights['shape']): LstmWeights {
  const out = { shape: { ...shape } } as LstmWeights;
  for (const name of WEIGHT_NAMES) out[name] = Float32Array.from(variables[name].dataSync() as Float32Array);
  return out;
}

export interface SequenceBatch {
  /** int32 [steps·batch], time-major: the token each step consumes. */
  inputIds: Tensor;
  /** float32 [steps·batch, contextSize] (ignored when contextSize is 0). */
  context: Tensor | undefined;
  steps: number;
  batch: number;
  /** Initial state [batch, units]; zeros when absent. */
  h0?: Tensor;
  c0?: Tensor;
}

export interface ForwardOutput {
  /** [steps·batch, vocab] */
  logits: Tensor;
  /** hidden and cell state after the last step, [batch, units] */
  h: Tensor;
  c: Tensor;
  /** hidden state after every step, [steps·batch, units] */
  hiddenStates: Tensor;
}

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type GradSave = (tensors: Tensor[]) => void;
type CustomOp = (...args: Tensor[]) => Tensor;

interface FastOps {
  /** a·b; its gradient uses explicit transposes: the wasm backend's matMul with transposeA/B set is ~10x slower. */
  matMul: (a: Tensor, b: Tensor) => Tensor;
  /** rows of `table` picked by int32 `ids`; gradient = segment sum of dy by id (kernel registered for wasm in tfjs-runtime.ts). */
  embed: (table: Tensor, ids: Tensor) => Tensor;
}

const fastOpsCache = new WeakMap<Tf, FastOps>();

function fastOps(tf: Tf): FastOps {
  const cached = fastOpsCache.get(tf);
  if (cached) return cached;
  const custom = (
    f: (
      a: Tensor,
      b: Tensor,
      save: GradSave,
    ) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] },
  ) => tf.customGrad(f as unknown as Parameters<Tf['customGrad']>[0]) as unknown as CustomOp;
  const matMul = custom((a, b, save) => {
    save([a, b]);
    return {
      value: tf.matMul(a as Tensor2D, b as Tensor2D),
      gradFunc: (dy, [x, w]) => [
        tf.matMul(dy as Tensor2D, tf.transpose(w) as Tensor2D),
        tf.matMul(tf.transpose(x) as Tensor2D, dy as Tensor2D),
      ],
    };
  });
  const embed = custom((table, ids, save) => {
    save([ids]);
    const vocabSize = table.shape[0];
    return {
      value: tf.gather(table, ids),
      gradFunc: (dy, [savedIds]) => [
        tf.unsortedSegmentSum(dy, savedIds as import('@tensorflow/tfjs').Tensor1D, vocabSize),
        tf.zerosLike(savedIds),
      ],
    };
  });
  const ops: FastOps = { matMul: (a, b) => matMul(a, b), embed: (table, ids) => embed(table, ids) };
  fastOpsCache.set(tf, ops);
  return ops;
}

/** Runs the LSTM from zero (or the given) state over whole sequences. Call inside tf.tidy or a gradient function. */
export function forward(tf: Tf, vars: LstmVariables, input: SequenceBatch): ForwardOutput {
  const { units } = shapeOf(vars);
  const { matMul: mm, embed } = fastOps(tf);
  const embedded = embed(vars.embedding, input.inputIds);
  const x = input.context ? tf.concat([embedded, input.context], 1) : embedded;
  // Split the narrow inputs, not their 4·units-wide projection: SplitV is slow on wasm for wide tensors.
  const perStepInput = input.steps === 1 ? [x] : tf.split(x, input.steps, 0);
  let h: Tensor = input.h0 ?? tf.zeros([input.batch, units]);
  let c: Tensor = input.c0 ?? tf.zeros([input.batch, units]);
  const hidden: Tensor[] = [];
  for (let t = 0; t < input.steps; t++) {
    const z = tf.add(tf.add(mm(perStepInput[t], vars.kernel), mm(h, vars.recurrentKernel)), vars.bias);
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
    hidden.push(h);
  }
  const hiddenStates = hidden.length === 1 ? hidden[0] : tf.concat(hidden, 0);
  const logits = tf.add(mm(hiddenStates, vars.outputKernel), vars.outputBias);
  return { logits, h, c, hiddenStates };
}

/** Negative log-likelihood of each target under the logits, [rows]. */
export function surprise(tf: Tf, logits: Tensor, targets: Tensor, vocabSize: number): Tensor {
  const logProbabilities = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(logProbabilities, tf.oneHot(targets, vocabSize).toFloat()), 1));
}

function shapeOf(vars: LstmVariables): { units: number } {
  return { units: vars.recurrentKernel.shape[0] };
}

export { weightDims };
