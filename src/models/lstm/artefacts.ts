/**
 * The LSTM on disk, in one directory (default models/lstm/):
 *   model.json        TensorFlow.js weights manifest (tf.io format) + shape
 *   weights.bin       the weights, float32 little-endian, in model.json order
 *   step.onnx         the one-step serving graph (onnx-proto)
 *   calibration.json  quantile sketch of training surprises
 *   manifest.json     vocabulary, training backend, metrics, version, SHA-256 of each file
 * Loading verifies every checksum and the format version, and rebuilds
 * nothing: a corrupt or foreign directory is rejected with a clear error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../../errors.js';
import { QuantileSketch } from '../calibration.js';
import { LSTM_FORMAT_VERSION, type LstmManifest, type LstmModel } from './model.js';
import { buildStepGraph } from './onnx-graph.js';
import { Vocabulary } from './tokens.js';
import type { TrainResult } from './train.js';
import { checkWeights, elementCount, type LstmWeights, WEIGHT_NAMES, weightDims } from './weights.js';

const FILES = {
  tfjsModel: 'model.json',
  weights: 'weights.bin',
  onnx: 'step.onnx',
  calibration: 'calibration.json',
};

/** Assembles the in-memory model from a training result (builds the ONNX graph). */
export function modelFromTraining(
  result: TrainResult,
  vocabulary: Vocabulary,
  window: number,
  topK: number,
): LstmModel {
  const weightBytes = weightsToBytes(result.weights);
  const onnxGraph = buildStepGraph(result.weights, topK);
  const manifest: LstmManifest = {
    formatVersion: LSTM_FORMAT_VERSION,
    kind: 'vigil-lstm',
    modelVersion: sha256(weightBytes).slice(0, 16),
    shape: { ...result.weights.shape },
    window,
    trainingBackend: result.backend,
    metrics: result.metrics,
    vocabulary: [...vocabulary.tokens],
    files: { ...FILES },
    checksums: {},
  };
  return { manifest, vocabulary, weights: result.weights, calibration: result.calibration, onnxGraph };
}

export async function saveLstmModel(model: LstmModel, dir: string): Promise<LstmManifest> {
  await mkdir(dir, { recursive: true });
  const weightBytes = weightsToBytes(model.weights);
  const contents: Record<keyof typeof FILES, Uint8Array> = {
    tfjsModel: Buffer.from(JSON.stringify(tfjsModelJson(model.weights), null, 2)),
    weights: weightBytes,
    onnx: model.onnxGraph,
    calibration: Buffer.from(JSON.stringify(model.calibration.toJSON())),
  };
  const checksums: Record<string, string> = {};
  for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) {
    await writeFile(join(dir, FILES[key]), contents[key]);
    checksums[FILES[key]] = sha256(contents[key]);
  }
  const manifest: LstmManifest = { ...model.manifest, files: { ...FILES }, checksums };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  model.manifest = manifest;
  return manifest;
}

/** Synchronous, so the engine can be wired without awaiting (model files are small). */
export function loadLstmModel(dir: string): LstmModel {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: LstmManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LstmManifest;
  } catch (error) {
    throw errors.usage(
      `cannot read LSTM model ${manifestPath} (${(error as Error).message}); train one with vigil train --model lstm`,
    );
  }
  if (manifest?.kind !== 'vigil-lstm' || manifest.formatVersion !== LSTM_FORMAT_VERSION)
    throw errors.usage(
      `${dir}/manifest.json is not a Vigil LSTM model of format ${LSTM_FORMAT_VERSION}; retrain with vigil train --model lstm`,
    );
  const read = (file: string): Buffer => {
    const bytes = readFileSync(join(dir, file));
    if (sha256(bytes) !== manifest.checksums[file])
      throw errors.usage(`${dir}/${file} does not match its checksum in manifest.json; the model is corrupt`);
    return bytes;
  };
  const weights = weightsFromBytes(read(manifest.files.weights), manifest.shape);
  const onnxGraph = new Uint8Array(read(manifest.files.onnx));
  const calibration = QuantileSketch.fromJSON(JSON.parse(read(manifest.files.calibration).toString('utf8')));
  read(manifest.files.tfjsModel);
  const vocabulary = new Vocabulary(manifest.vocabulary);
  if (vocabulary.size !== manifest.shape.vocabSize)
    throw errors.usage(
      `${dir}/manifest.json: vocabulary has ${vocabulary.size} tokens, the weights ${manifest.shape.vocabSize}`,
    );
  return { manifest, vocabulary, weights, calibration, onnxGraph };
}

/** tf.io-style model.json: weight specs in weights.bin order, loadable with tf.io.decodeWeights. */
function tfjsModelJson(weights: LstmWeights) {
  const dims = weightDims(weights.shape);
  return {
    format: 'vigil-lstm-tfjs',
    generatedBy: 'vigil',
    shape: weights.shape,
    gateOrder: 'i,f,c,o',
    weightsManifest: [
      {
        paths: [FILES.weights],
        weights: WEIGHT_NAMES.map((name) => ({ name, shape: dims[name], dtype: 'float32' })),
      },
    ],
  };
}

function weightsToBytes(weights: LstmWeights): Uint8Array {
  let total = 0;
  for (const name of WEIGHT_NAMES) total += weights[name].length;
  const all = new Float32Array(total);
  let offset = 0;
  for (const name of WEIGHT_NAMES) {
    all.set(weights[name], offset);
    offset += weights[name].length;
  }
  return new Uint8Array(all.buffer);
}

function weightsFromBytes(bytes: Buffer, shape: LstmWeights['shape']): LstmWeights {
  const dims = weightDims(shape);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const all = new Float32Array(copy.buffer);
  const weights = { shape: { ...shape } } as LstmWeights;
  let offset = 0;
  for (const name of WEIGHT_NAMES) {
    const n = elementCount(dims[name]);
    weights[name] = all.slice(offset, offset + n);
    offset += n;
  }
  if (offset !== all.length)
    throw errors.usage(`weights.bin has ${all.length} values, the shape needs ${offset}`);
  checkWeights(weights);
  return weights;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
