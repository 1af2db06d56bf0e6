/**
 * Worker-thread entry point: fits a forest on the matrix it was handed and
 * posts the model back in binary form, transferring the bytes. Started only
 * by worker.ts; holds no logic of its own beyond the message shapes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../../errors.js';
import { fitIsolationForest } from './fit.js';
import { forestToBinary } from './serialize.js';
import type { TrainReply, TrainRequest } from './worker.js';

const request = workerData as TrainRequest;
let reply: TrainReply;
const transfer: ArrayBuffer[] = [];
try {
  const model = forestToBinary(fitIsolationForest(request.data, request.rows, request.cols, request.options));
  const bytes = new Uint8Array(model.byteLength);
  bytes.set(model);
  transfer.push(bytes.buffer);
  reply = { ok: true, model: bytes };
} catch (error) {
  const failure = error as Error;
  reply = {
    ok: false,
    code: error instanceof VigilError ? error.code : undefined,
    message: failure.message,
    field: error instanceof VigilError ? error.field : undefined,
  };
}
parentPort?.postMessage(reply, transfer);
