/**
 * Training data and training for the streaming Isolation Forest: a seeded
 * reservoir sample (Vitter 1985, algorithm R) of feature rows, and a fit that
 * runs in a worker thread when the compiled worker script is present (dist/)
 * and in-process otherwise (TypeScript sources under vitest). Both give the
 * same model for the same rows and seed: fit is a pure function.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  fitIsolationForest,
  type IsolationForest,
  type IsolationForestOptions,
  trainInWorker,
} from './isolation-forest/index.js';
import { SeededRandom } from './random.js';

/** A uniform sample of up to `capacity` rows out of every row offered, reproducible from the seed. */
export class RowReservoir {
  readonly data: Float64Array;
  /** Rows offered so far. */
  seen = 0;
  private readonly random: SeededRandom;

  constructor(
    readonly capacity: number,
    readonly cols: number,
    seed: number,
  ) {
    this.data = new Float64Array(capacity * cols);
    this.random = new SeededRandom(seed);
  }

  get rows(): number {
    return Math.min(this.seen, this.capacity);
  }

  offer(source: Float64Array, offset: number): void {
    const seen = this.seen++;
    let slot = seen;
    if (seen >= this.capacity) {
      slot = this.random.nextInt(seen + 1);
      if (slot >= this.capacity) return;
    }
    const cols = this.cols;
    const at = slot * cols;
    for (let c = 0; c < cols; c++) this.data[at + c] = source[offset + c];
  }

  /** A copy of the sampled rows (the reservoir keeps filling while a model trains on it). */
  copyRows(): Float64Array {
    return this.data.slice(0, this.rows * this.cols);
  }
}

export type ForestTrainer = (
  data: Float64Array,
  rows: number,
  cols: number,
  options: IsolationForestOptions,
) => Promise<IsolationForest>;

const workerScript = new URL('./isolation-forest/train-worker.js', import.meta.url);

/** Worker thread when the compiled worker exists, else an in-process fit (same model either way). */
export const defaultTrainer: ForestTrainer = (data, rows, cols, options) => {
  if (workerScript.protocol === 'file:' && existsSync(fileURLToPath(workerScript))) {
    return trainInWorker(data, rows, cols, options, { transfer: true });
  }
  return Promise.resolve().then(() => fitIsolationForest(data, rows, cols, options));
};
