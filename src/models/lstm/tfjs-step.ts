/**
 * The fallback serving step on TensorFlow.js (wasm or native backend), using
 * the trainer's own forward function for one step from the given state, so
 * it agrees with training by construction. About 10x slower than the ONNX
 * step; used when onnxruntime-node cannot load.
 */
import type { LstmStep, ServingBackend, StepInput, StepOutput } from './step.js';
import { createVariables, forward, type LstmVariables } from './tfjs-model.js';
import type { Tf } from './tfjs-runtime.js';
import type { LstmWeights } from './weights.js';

export class TfjsLstmStep implements LstmStep {
  readonly backend: ServingBackend;
  private readonly vars: LstmVariables;

  constructor(
    private readonly tf: Tf,
    tfBackend: string,
    private readonly weights: LstmWeights,
    readonly topK: number,
  ) {
    this.backend = `tfjs-${tfBackend}`;
    this.vars = createVariables(tf, weights);
  }

  step(n: number, input: StepInput): StepOutput {
    const { tf, vars } = this;
    const { units, contextSize, vocabSize } = this.weights.shape;
    const k = Math.min(this.topK, vocabSize);
    const tensors = tf.tidy(() => {
      const ids = tf.tensor1d(input.ids.subarray(0, n), 'int32');
      const context =
        contextSize > 0
          ? tf.tensor2d(input.context.subarray(0, n * contextSize), [n, contextSize])
          : undefined;
      const h0 = tf.tensor2d(input.h.subarray(0, n * units), [n, units]);
      const c0 = tf.tensor2d(input.c.subarray(0, n * units), [n, units]);
      const out = forward(tf, vars, { inputIds: ids, context, steps: 1, batch: n, h0, c0 });
      const logp = tf.logSoftmax(out.logits);
      // gather with batchDims reads out of bounds on the wasm backend at larger batches; one-hot × logp is safe.
      const nextIds = tf.oneHot(tf.tensor1d(input.nextIds.subarray(0, n), 'int32'), vocabSize).toFloat();
      const observed = tf.sum(tf.mul(logp, nextIds), 1);
      const top = tf.topk(logp, k);
      return [tf.neg(observed), out.h, out.c, top.indices, top.values];
    });
    const [surprise, h, c, expectedIds, expectedLogp] = tensors.map((t) => t.dataSync());
    for (const t of tensors) t.dispose();
    return {
      surprise: surprise as Float32Array,
      h: h as Float32Array,
      c: c as Float32Array,
      expectedIds: expectedIds as Int32Array,
      expectedLogp: expectedLogp as Float32Array,
    };
  }

  close(): void {
    for (const name of Object.keys(this.vars) as (keyof LstmVariables)[]) this.vars[name].dispose();
  }
}
