/**
 * The serving step on onnxruntime-node. Calls the package's native session
 * binding synchronously (the public InferenceSession.run defers every call
 * through setImmediate and returns a Promise; batch scorers are synchronous
 * and a batch-1 call must not pay an event-loop turn). Throws when the
 * runtime cannot load; createStep() then falls back to TensorFlow.js.
 */
import { createRequire } from 'node:module';
import { buildStepGraph, STEP_INPUTS, STEP_OUTPUTS } from './onnx-graph.js';
import type { LstmStep, StepInput, StepOutput } from './step.js';
import type { LstmWeights } from './weights.js';

interface OrtTensor {
  data: ArrayLike<number>;
}
type OrtTensorConstructor = new (type: string, data: ArrayLike<number>, dims: readonly number[]) => OrtTensor;
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, null>,
    options: object,
  ): Record<string, OrtTensor>;
  dispose(): void;
}
interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

export interface OnnxStepOptions {
  topK: number;
  intraOpNumThreads: number;
}

const FETCHES: Record<string, null> = {
  [STEP_OUTPUTS.surprise]: null,
  [STEP_OUTPUTS.h]: null,
  [STEP_OUTPUTS.c]: null,
  [STEP_OUTPUTS.expectedIds]: null,
  [STEP_OUTPUTS.expectedLogp]: null,
};

export class OnnxLstmStep implements LstmStep {
  readonly backend = 'onnxruntime' as const;
  private readonly session: NativeSession;
  private readonly Tensor: OrtTensorConstructor;
  private readonly units: number;
  private readonly contextSize: number;

  constructor(
    weights: LstmWeights,
    readonly options: OnnxStepOptions,
    graph: Uint8Array = buildStepGraph(weights, options.topK),
  ) {
    const require = createRequire(import.meta.url);
    const native = require('onnxruntime-node/dist/binding.js') as NativeBinding;
    this.Tensor = (require('onnxruntime-node') as { Tensor: OrtTensorConstructor }).Tensor;
    native.initOrt();
    this.session = new native.binding.InferenceSession();
    this.session.loadModel(graph.buffer as ArrayBuffer, graph.byteOffset, graph.byteLength, {
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    this.units = weights.shape.units;
    this.contextSize = weights.shape.contextSize;
  }

  get topK(): number {
    return this.options.topK;
  }

  step(n: number, input: StepInput): StepOutput {
    const { units, contextSize, Tensor } = this;
    const feeds: Record<string, OrtTensor> = {
      [STEP_INPUTS.ids]: new Tensor('int32', input.ids.subarray(0, n), [n]),
      [STEP_INPUTS.h]: new Tensor('float32', input.h.subarray(0, n * units), [n, units]),
      [STEP_INPUTS.c]: new Tensor('float32', input.c.subarray(0, n * units), [n, units]),
      [STEP_INPUTS.nextId]: new Tensor('int32', input.nextIds.subarray(0, n), [n]),
    };
    if (contextSize > 0)
      feeds[STEP_INPUTS.context] = new Tensor('float32', input.context.subarray(0, n * contextSize), [
        n,
        contextSize,
      ]);
    const out = this.session.run(feeds, FETCHES, {});
    return {
      surprise: out[STEP_OUTPUTS.surprise].data as Float32Array,
      h: out[STEP_OUTPUTS.h].data as Float32Array,
      c: out[STEP_OUTPUTS.c].data as Float32Array,
      expectedIds: out[STEP_OUTPUTS.expectedIds].data as Int32Array,
      expectedLogp: out[STEP_OUTPUTS.expectedLogp].data as Float32Array,
    };
  }

  close(): void {
    this.session.dispose();
  }
}
