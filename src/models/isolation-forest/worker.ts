/**
 * Trains an isolation forest in a worker thread so fitting a large matrix
 * never blocks the engine's event loop. fit is a pure function of its inputs,
 * so the worker's model is byte-identical to an in-process fit with the same
 * seed. Runs from the compiled JS (dist/): the worker script is the sibling
 * train-worker.js.
 */
import { Worker } from 'node:worker_threads';
import { VigilError, type VigilErrorCode } from '../../errors.js';
import type { IsolationForest } from './forest.js';
import { forestFromBinary } from './serialize.js';
import type { FeatureMatrix, IsolationForestOptions } from './types.js';

export interface TrainRequest {
  data: FeatureMatrix;
  rows: number;
  cols: number;
  options: IsolationForestOptions;
}

export type TrainReply =
  | { ok: true; model: Uint8Array }
  | { ok: false; code: VigilErrorCode | undefined; message: string; field: string | undefined };

export interface TrainInWorkerOptions {
  /**
   * Move `data`'s buffer to the worker instead of copying it (default true).
   * The caller's array is then detached (length 0) and must not be used again.
   * A SharedArrayBuffer is shared, never moved.
   */
  transfer?: boolean;
}

export function trainInWorker(
  data: FeatureMatrix,
  rows: number,
  cols: number,
  options: IsolationForestOptions = {},
  { transfer = true }: TrainInWorkerOptions = {},
): Promise<IsolationForest> {
  const request: TrainRequest = {
    data,
    rows,
    cols,
    options: { ...options, featureNames: options.featureNames ? [...options.featureNames] : undefined },
  };
  const transferList = transfer && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), {
      workerData: request,
      transferList,
    });
    let settled = false;
    worker.once('message', (reply: TrainReply) => {
      settled = true;
      if (reply.ok) {
        try {
          resolve(forestFromBinary(reply.model));
        } catch (error) {
          reject(error);
        }
      } else {
        reject(reply.code ? new VigilError(reply.code, reply.message) : new Error(reply.message));
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (exitCode) => {
      if (!settled)
        reject(new Error(`isolation forest training worker exited with code ${exitCode} before replying`));
    });
  });
}
