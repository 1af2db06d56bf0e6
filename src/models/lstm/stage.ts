/**
 * Builds the LSTM stage from its validated pipeline settings (`models.lstm`):
 * loads the trained artefacts (synchronously: they are small) and picks the
 * serving step: onnxruntime-node when it loads, otherwise the TensorFlow.js
 * step, which initialises asynchronously: until it is ready, events get no
 * `lstm` component (deterministic runs await it before the first batch).
 */
import type { StateStore } from '../../baseline/state-store.js';
import type { LstmConfig } from '../../config/pipeline.js';
import { loadLstmModel } from './artefacts.js';
import { createStep, type LstmModel } from './model.js';
import { OnnxLstmStep } from './onnx-step.js';
import { LstmScorer } from './scorer.js';
import type { LstmStep, StepInput, StepOutput } from './step.js';

/**
 * Weight of the `lstm` component in the noisy-OR fusion: a percentile of 1
 * alone gives risk 50: an unusual order of actions is worth a look and stops
 * the event from teaching the baseline, but never decides on its own.
 */
export const DEFAULT_LSTM_WEIGHT = 0.5;

export interface LstmStage {
  model: LstmModel;
  scorer: LstmScorer;
}

export function buildLstmStage(settings: LstmConfig, store: StateStore): LstmStage {
  const model = loadLstmModel(settings.directory);
  const options = {
    topK: settings.top_k,
    intraOpNumThreads: settings.intra_op_threads,
    backend: settings.backend,
  };
  let step: LstmStep | undefined;
  if (settings.backend !== 'tfjs') {
    try {
      step = new OnnxLstmStep(model.weights, options, model.onnxGraph);
    } catch (error) {
      if (settings.backend === 'onnxruntime') throw error;
    }
  }
  step ??= new PendingStep(createStep(model, { ...options, backend: 'tfjs' }), settings.top_k);
  const scorer = new LstmScorer(model, step, store, { alertPercentile: settings.alert_percentile });
  return { model, scorer };
}

/** A step that is still loading (the tfjs fallback); `ready` tells the scorer whether to step. */
export class PendingStep implements LstmStep {
  private inner: LstmStep | undefined;
  readonly loaded: Promise<void>;

  constructor(
    loading: Promise<LstmStep>,
    readonly topK: number,
  ) {
    this.loaded = loading.then((step) => {
      this.inner = step;
    });
  }

  get ready(): boolean {
    return this.inner !== undefined;
  }

  get backend(): LstmStep['backend'] {
    return this.inner?.backend ?? 'tfjs-loading';
  }

  step(n: number, input: StepInput): StepOutput {
    if (!this.inner) throw new Error('the LSTM tfjs step is still loading');
    return this.inner.step(n, input);
  }

  close(): void {
    this.inner?.close();
  }
}
