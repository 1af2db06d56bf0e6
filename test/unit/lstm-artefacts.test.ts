import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '../../src/models/calibration.js';
import { loadLstmModel, modelFromTraining, saveLstmModel } from '../../src/models/lstm/artefacts.js';
import { createStep } from '../../src/models/lstm/model.js';
import { allocateStepInput } from '../../src/models/lstm/step.js';
import { loadTfjs } from '../../src/models/lstm/tfjs-runtime.js';
import { Vocabulary } from '../../src/models/lstm/tokens.js';
import type { TrainResult } from '../../src/models/lstm/train.js';
import { initialWeights } from '../../src/models/lstm/weights.js';

function untrained(): TrainResult {
  const calibration = new QuantileSketch();
  calibration.addAll([0.1, 0.5, 1, 2, 4]);
  return {
    weights: initialWeights({ vocabSize: 6, embeddingDim: 4, units: 5, contextSize: 3 }, 9),
    calibration,
    backend: 'test',
    metrics: {
      epochsRun: 0,
      bestEpoch: 0,
      trainLoss: 0,
      validationLoss: 0,
      trainWindows: 0,
      validationWindows: 0,
      samplesPerSecond: 0,
      seconds: 0,
    },
  };
}

describe('LSTM artefacts', () => {
  it('round-trip through the model directory and serve the same surprises', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-lstm-art-'));
    const vocabulary = new Vocabulary(['<oov>', '<bos>', 'a', 'b', 'c', 'd']);
    const model = modelFromTraining(untrained(), vocabulary, 10, 2);
    const manifest = await saveLstmModel(model, dir);
    expect(Object.keys(manifest.checksums).sort()).toEqual(
      ['calibration.json', 'model.json', 'step.onnx', 'weights.bin'].sort(),
    );
    const loaded = loadLstmModel(dir);
    expect(loaded.manifest.modelVersion).toBe(model.manifest.modelVersion);
    expect(loaded.weights.recurrentKernel).toEqual(model.weights.recurrentKernel);
    expect(loaded.vocabulary.nameOf(3)).toBe('b');
    const input = allocateStepInput(2, 5, 3);
    input.ids.set([1, 2]);
    input.nextIds.set([2, 3]);
    const original = await createStep(model, { topK: 2 });
    const surprises = Float32Array.from(original.step(2, input).surprise);
    const reloaded = await createStep(loaded, { topK: 2 });
    expect(reloaded.step(2, input).surprise).toEqual(surprises);
    original.close();
    reloaded.close();
  });

  it('rejects a directory whose files do not match their checksums', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-lstm-art-'));
    await saveLstmModel(
      modelFromTraining(untrained(), new Vocabulary(['<oov>', '<bos>', 'a', 'b', 'c', 'd']), 10, 2),
      dir,
    );
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[10] ^= 0xff;
    writeFileSync(join(dir, 'weights.bin'), weights);
    expect(() => loadLstmModel(dir)).toThrow(/checksum/);
  });
});

describe('wasm UnsortedSegmentSum kernel (embedding gradient)', () => {
  it('sums rows by segment id and drops ids out of range', async () => {
    const { tf } = await loadTfjs();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 9], 'int32');
    const sums = tf.unsortedSegmentSum(x, ids, 3);
    expect([...sums.dataSync()]).toEqual([3, 4, 0, 0, 6, 8]);
    tf.dispose([x, ids, sums]);
  });
});
