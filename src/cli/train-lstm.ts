/**
 * `vigil train --input F --model lstm [--out DIR] [--epochs N] [--seed S]`:
 * tokenises every valid auth and service event of the file per identity (in
 * input order), builds the vocabulary, trains the LSTM with TensorFlow.js
 * (progress bar on stderr: epoch, loss, samples/s; early stopping on a
 * validation split), calibrates its surprise and writes the artefacts
 * (tfjs weights, ONNX serving graph, calibration, manifest). Train on
 * traffic believed clean: the model learns whatever order of actions it sees.
 */
import { SingleBar } from 'cli-progress';
import { decodeRecordAll } from '../events/decode.js';
import { inputFormat } from '../events/formats/index.js';
import type { VigilEvent } from '../events/schema.js';
import { modelFromTraining, saveLstmModel } from '../models/lstm/artefacts.js';
import type { LstmManifest } from '../models/lstm/model.js';
import { sequencesFromEvents, windowsOf } from '../models/lstm/sequences.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions, trainLstm } from '../models/lstm/train.js';
import { readLines } from '../sources/file.js';
import { replayConfig } from './replay.js';

export interface TrainLstmOptions {
  input: string;
  format: string;
  /** Artefact directory (default: models.lstm.directory of --pipeline, or models/lstm). */
  out?: string;
  pipeline?: string;
  maxVocab?: number;
  window?: number;
  topK?: number;
  training?: Partial<TrainOptions>;
  progress?: boolean;
  now?: () => number;
}

export interface TrainLstmResult {
  events: number;
  identities: number;
  directory: string;
  manifest: LstmManifest;
}

export const DEFAULT_LSTM_WINDOW = 10;
export const DEFAULT_LSTM_VOCABULARY = 256;

async function readEvents(path: string, format: string, nowMs: number): Promise<VigilEvent[]> {
  const mapper = inputFormat(format);
  const events: VigilEvent[] = [];
  for await (const line of readLines(path)) {
    if (line.trim() === '') continue;
    for (const decoded of decodeRecordAll(line, mapper, nowMs)) if (decoded.ok) events.push(decoded.value);
  }
  return events;
}

export async function trainLstmCommand(options: TrainLstmOptions): Promise<TrainLstmResult> {
  const config = replayConfig({
    input: options.input,
    format: options.format,
    out: '',
    pipeline: options.pipeline,
  });
  const directory = options.out ?? config.models.lstm?.directory ?? 'models/lstm';
  const window = options.window ?? DEFAULT_LSTM_WINDOW;
  const events = await readEvents(options.input, options.format, (options.now ?? Date.now)());
  const { vocabulary, sequences } = sequencesFromEvents(events, options.maxVocab ?? DEFAULT_LSTM_VOCABULARY);
  const windows = windowsOf(sequences, window);
  const epochs = options.training?.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs;
  const bar =
    options.progress === false
      ? undefined
      : new SingleBar({
          stream: process.stderr,
          format: 'lstm | epoch {epoch}/{epochs} | {bar} | loss {loss} | {speed} samples/s',
          hideCursor: true,
        });
  bar?.start(1, 0, { epoch: 1, epochs, loss: '-', speed: '-' });
  const result = await trainLstm(windows, vocabulary.size, options.training, (p) => {
    bar?.setTotal(p.batches);
    bar?.update(p.batch, {
      epoch: p.epoch,
      epochs: p.epochs,
      loss: p.loss.toFixed(4),
      speed: Math.round(p.samplesPerSecond),
    });
  });
  bar?.stop();
  const model = modelFromTraining(result, vocabulary, window, options.topK ?? config.models.lstm?.top_k ?? 3);
  const manifest = await saveLstmModel(model, directory);
  return { events: events.length, identities: sequences.length, directory, manifest };
}

export function formatTrainLstmSummary(result: TrainLstmResult): string {
  const m = result.manifest;
  return [
    `trained LSTM ${m.modelVersion} on ${result.events} events of ${result.identities} identities`,
    `  vocabulary ${m.vocabulary.length} tokens, embedding ${m.shape.embeddingDim}, ${m.shape.units} units, window ${m.window}`,
    `  backend ${m.trainingBackend}: ${m.metrics.epochsRun} epochs (best ${m.metrics.bestEpoch}), validation loss ${m.metrics.validationLoss.toFixed(4)}, ${Math.round(m.metrics.samplesPerSecond)} samples/s`,
    `  written to ${result.directory}/ (manifest.json, model.json, weights.bin, step.onnx, calibration.json)`,
  ].join('\n');
}
