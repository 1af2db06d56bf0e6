import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../src/events/schema.js';
import { modelFromTraining } from '../../src/models/lstm/artefacts.js';
import { createStep, type LstmModel } from '../../src/models/lstm/model.js';
import { sequencesFromEvents, windowsOf } from '../../src/models/lstm/sequences.js';
import { allocateStepInput, type LstmStep } from '../../src/models/lstm/step.js';
import { createVariables, forward, surprise } from '../../src/models/lstm/tfjs-model.js';
import { loadTfjs } from '../../src/models/lstm/tfjs-runtime.js';
import {
  actionToken,
  BOS_ID,
  CONTEXT_SIZE,
  newTokenMemory,
  writeContext,
} from '../../src/models/lstm/tokens.js';
import { trainLstm } from '../../src/models/lstm/train.js';
import { MINUTE, T0 } from '../support/events.js';
import { workflowCall, workflowToken, workflowTraffic } from '../support/lstm-workflow.js';

const WINDOW = 10;
let model: LstmModel;

beforeAll(async () => {
  const { vocabulary, sequences } = sequencesFromEvents(workflowTraffic(24, 160, 0.05), 256);
  const result = await trainLstm(windowsOf(sequences, WINDOW), vocabulary.size, {
    embeddingDim: 8,
    units: 16,
    epochs: 25,
    batchSize: 32,
    learningRate: 0.02,
    patience: 3,
    seed: 3,
  });
  model = modelFromTraining(result, vocabulary, WINDOW, 3);
});

/** Token ids and context rows of one identity's calls, as the tokenizer sees them. */
function encode(calls: readonly ServiceEvent[]): { ids: number[]; context: Float32Array } {
  const memory = newTokenMemory();
  const context = new Float32Array(calls.length * CONTEXT_SIZE);
  const ids = calls.map((call, i) => {
    const id = model.vocabulary.idOf(actionToken(call, memory));
    writeContext(call.time, memory, context, i * CONTEXT_SIZE);
    return id;
  });
  return { ids, context };
}

function callsOf(steps: string): ServiceEvent[] {
  return [...steps].map((step, i) => workflowCall('spiffe://test/probe', step, T0 + i * MINUTE));
}

/** Steps one identity event by event through `step`, carrying (h, c). */
function streamSurprises(step: LstmStep, calls: readonly ServiceEvent[]) {
  const { units } = model.weights.shape;
  const { ids, context } = encode(calls);
  const input = allocateStepInput(1, units, CONTEXT_SIZE);
  const surprises: number[] = [];
  const expected: string[][] = [];
  let previous = BOS_ID;
  for (let i = 0; i < ids.length; i++) {
    input.ids[0] = previous;
    input.nextIds[0] = ids[i];
    input.context.set(context.subarray(i * CONTEXT_SIZE, (i + 1) * CONTEXT_SIZE));
    const out = step.step(1, input);
    surprises.push(out.surprise[0]);
    expected.push([...out.expectedIds.subarray(0, step.topK)].map((id) => model.vocabulary.nameOf(id)));
    input.h.set(out.h.subarray(0, units));
    input.c.set(out.c.subarray(0, units));
    previous = ids[i];
  }
  return { surprises, expected, h: Float32Array.from(input.h), c: Float32Array.from(input.c) };
}

/** The trained tfjs model run over the whole sequence at once, from zero state. */
async function fullSequence(calls: readonly ServiceEvent[]) {
  const { tf } = await loadTfjs();
  const { ids, context } = encode(calls);
  const vars = createVariables(tf, model.weights);
  const inputs = [BOS_ID, ...ids.slice(0, -1)];
  const [surprises, h, c] = tf.tidy(() => {
    const out = forward(tf, vars, {
      inputIds: tf.tensor1d(inputs, 'int32'),
      context: tf.tensor2d(context, [ids.length, CONTEXT_SIZE]),
      steps: ids.length,
      batch: 1,
    });
    const nll = surprise(tf, out.logits, tf.tensor1d(ids, 'int32'), model.weights.shape.vocabSize);
    return [nll.dataSync(), out.h.dataSync(), out.c.dataSync()] as Float32Array[];
  });
  for (const v of Object.values(vars)) v.dispose();
  return { surprises: [...surprises], h, c };
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('LSTM sequence model', () => {
  it('gives an out-of-order action far higher surprise than in-order ones', async () => {
    const step = await createStep(model);
    const { surprises } = streamSurprises(step, callsOf('abcdabcdabcdac'));
    const inOrder = surprises.slice(4, 13);
    const outOfOrder = surprises[13];
    expect(Math.max(...inOrder)).toBeLessThan(1);
    expect(outOfOrder).toBeGreaterThan(4 * Math.max(...inOrder));
    expect(outOfOrder).toBeGreaterThan(2.5);
    expect(model.calibration.cdf(outOfOrder)).toBeGreaterThan(0.95);
    step.close();
  });

  it('names the expected actions when an action is out of order', async () => {
    const step = await createStep(model);
    const { expected } = streamSurprises(step, callsOf('abcdabca'));
    expect(expected[7][0]).toBe(workflowToken('d'));
    step.close();
  });

  it('serves with onnxruntime-node by default', async () => {
    const step = await createStep(model);
    expect(step.backend).toBe('onnxruntime');
    step.close();
  });
});

describe('LSTM serving equivalence', () => {
  const calls = callsOf('abcdabcdaebcdabdcabcfdabcdabcd');

  it('the ONNX step, event by event, matches the trained tfjs model over the full sequence', async () => {
    const reference = await fullSequence(calls);
    const step = await createStep(model, { backend: 'onnxruntime' });
    const streamed = streamSurprises(step, calls);
    expect(maxAbsDifference(streamed.surprises, reference.surprises)).toBeLessThan(1e-4);
    expect(maxAbsDifference(streamed.h, reference.h)).toBeLessThan(1e-4);
    expect(maxAbsDifference(streamed.c, reference.c)).toBeLessThan(1e-4);
    step.close();
  });

  it('the tfjs fallback step matches too', async () => {
    const reference = await fullSequence(calls);
    const step = await createStep(model, { backend: 'tfjs' });
    expect(step.backend).toMatch(/^tfjs-/);
    const streamed = streamSurprises(step, calls);
    expect(maxAbsDifference(streamed.surprises, reference.surprises)).toBeLessThan(1e-4);
    expect(maxAbsDifference(streamed.h, reference.h)).toBeLessThan(1e-4);
    expect(maxAbsDifference(streamed.c, reference.c)).toBeLessThan(1e-4);
    step.close();
  });

  it('steps a batch of identities in one call with the same results as one at a time', async () => {
    const step = await createStep(model);
    const { units } = model.weights.shape;
    const single = streamSurprises(step, calls);
    const batch = 5;
    const { ids, context } = encode(calls);
    const input = allocateStepInput(batch, units, CONTEXT_SIZE);
    const last: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      for (let b = 0; b < batch; b++) {
        input.ids[b] = i === 0 ? BOS_ID : ids[i - 1];
        input.nextIds[b] = ids[i];
        input.context.set(context.subarray(i * CONTEXT_SIZE, (i + 1) * CONTEXT_SIZE), b * CONTEXT_SIZE);
      }
      const out = step.step(batch, input);
      input.h.set(out.h.subarray(0, batch * units));
      input.c.set(out.c.subarray(0, batch * units));
      last.length = 0;
      last.push(...out.surprise.subarray(0, batch));
    }
    for (const value of last) expect(value).toBeCloseTo(single.surprises[ids.length - 1], 4);
    step.close();
  });
});
