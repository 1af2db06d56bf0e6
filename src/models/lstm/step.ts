/**
 * One streaming LSTM step for a batch of identities: consume each identity's
 * previous token with the current event's context, advance (h, c), and read
 * back the surprise of the observed token and the top-k expected tokens.
 * Synchronous, because batch scorers are. Implementations: onnxruntime-node
 * (./onnx-step.ts, the fast path) and TensorFlow.js (./tfjs-step.ts, the
 * fallback with the same weights).
 */
export type ServingBackend = 'onnxruntime' | `tfjs-${string}`;

/** Caller-owned input buffers sized for `capacity` rows; a step reads the first n rows. */
export interface StepInput {
  ids: Int32Array;
  /** contextSize values per row */
  context: Float32Array;
  h: Float32Array;
  c: Float32Array;
  nextIds: Int32Array;
}

/** Views valid until the next call of step(). */
export interface StepOutput {
  surprise: Float32Array;
  h: Float32Array;
  c: Float32Array;
  /** topK ids per row, most expected first */
  expectedIds: Int32Array;
  expectedLogp: Float32Array;
}

export interface LstmStep {
  readonly backend: ServingBackend;
  readonly topK: number;
  step(n: number, input: StepInput): StepOutput;
  close(): void;
  /** false while a step is still initialising (the tfjs fallback); absent = always ready. */
  readonly ready?: boolean;
  /** Resolves when ready. */
  readonly loaded?: Promise<void>;
}

export function allocateStepInput(capacity: number, units: number, contextSize: number): StepInput {
  return {
    ids: new Int32Array(capacity),
    context: new Float32Array(capacity * contextSize),
    h: new Float32Array(capacity * units),
    c: new Float32Array(capacity * units),
    nextIds: new Int32Array(capacity),
  };
}
