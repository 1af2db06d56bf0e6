/**
 * A trained LSTM sequence model as the engine uses it: vocabulary, weights,
 * the surprise calibration and the manifest that describes how it was made.
 * Also chooses the serving step: onnxruntime-node when it loads, else the
 * TensorFlow.js step with the same weights (the active backend is reported).
 */
import type { QuantileSketch } from '../calibration.js';
import { OnnxLstmStep } from './onnx-step.js';
import type { LstmStep } from './step.js';
import { loadTfjs } from './tfjs-runtime.js';
import { TfjsLstmStep } from './tfjs-step.js';
import type { Vocabulary } from './tokens.js';
import type { TrainMetrics } from './train.js';
import type { LstmShape, LstmWeights } from './weights.js';

export const LSTM_FORMAT_VERSION = 1;

export interface LstmManifest {
  formatVersion: number;
  kind: 'vigil-lstm';
  /** Content hash of the weights (first 16 hex of their SHA-256): changes whenever the model does. */
  modelVersion: string;
  shape: LstmShape;
  window: number;
  trainingBackend: string;
  metrics: TrainMetrics;
  vocabulary: string[];
  files: { tfjsModel: string; weights: string; onnx: string; calibration: string };
  /** SHA-256 (hex) of each file in `files`. */
  checksums: Record<string, string>;
}

export interface LstmModel {
  manifest: LstmManifest;
  vocabulary: Vocabulary;
  weights: LstmWeights;
  calibration: QuantileSketch;
  /** Serialized one-step ONNX graph (built from the weights). */
  onnxGraph: Uint8Array;
}

export interface StepOptions {
  topK: number;
  intraOpNumThreads: number;
  /** 'auto' tries onnxruntime first; 'tfjs' forces the fallback. */
  backend: 'auto' | 'onnxruntime' | 'tfjs';
}

export const DEFAULT_STEP_OPTIONS: StepOptions = { topK: 3, intraOpNumThreads: 1, backend: 'auto' };

export async function createStep(
  model: Pick<LstmModel, 'weights' | 'onnxGraph'>,
  partial: Partial<StepOptions> = {},
): Promise<LstmStep> {
  const options = { ...DEFAULT_STEP_OPTIONS, ...partial };
  if (options.backend !== 'tfjs') {
    try {
      return new OnnxLstmStep(model.weights, options, model.onnxGraph);
    } catch (error) {
      if (options.backend === 'onnxruntime') throw error;
    }
  }
  const { tf, backend } = await loadTfjs();
  return new TfjsLstmStep(tf, backend, model.weights, options.topK);
}
