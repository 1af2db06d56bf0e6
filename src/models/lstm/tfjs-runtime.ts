/**
 * Loads TensorFlow.js once for the LSTM trainer and the tfjs fallback step:
 * `@tensorflow/tfjs-node` when it is installed (native, fastest), otherwise
 * the WebAssembly backend with its .wasm binaries read from node_modules
 * (never fetched from the network). Must never be imported by the hot
 * serving path unless the ONNX runtime is unavailable.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');

export interface TfjsRuntime {
  tf: Tf;
  /** 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  backend: string;
}

let loading: Promise<TfjsRuntime> | undefined;

/** The one TensorFlow.js instance of this process, initialised on first use. */
export function loadTfjs(options: { preferNative?: boolean } = {}): Promise<TfjsRuntime> {
  loading ??= initialise(options.preferNative ?? true);
  return loading;
}

async function initialise(preferNative: boolean): Promise<TfjsRuntime> {
  if (preferNative) {
    const native = await tryImport('@tensorflow/tfjs-node');
    if (native) {
      const tf = native as Tf;
      await tf.ready();
      return { tf, backend: tf.getBackend() };
    }
  }
  const tf = await import('@tensorflow/tfjs');
  // Production mode: no per-op debug checks, and no "install tfjs-node" banner on stdout.
  tf.env().set('PROD', true);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
  wasm.setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  registerSegmentSumKernel(tf);
  try {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('wasm backend refused to initialise');
  } catch {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  return { tf, backend: tf.getBackend() };
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}
type TensorInfo = import('@tensorflow/tfjs').TensorInfo;

/**
 * UnsortedSegmentSum for the wasm backend, which lacks it: the gradient of
 * gather (an embedding lookup) needs it. Sums rows of x by segment id; ids
 * outside [0, numSegments) are dropped, as in TensorFlow. Registered once.
 */
function registerSegmentSumKernel(tf: Tf): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const wasm = backend as unknown as WasmBackendLike;
      const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
      const innerShape = x.shape.slice(segmentIds.shape.length);
      const rowSize = innerShape.reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
      // Views are taken after the allocation: growing the wasm heap detaches older ones.
      const sums = wasm.typedArrayFromHeap(out);
      const values = wasm.typedArrayFromHeap(x);
      const ids = wasm.typedArrayFromHeap(segmentIds);
      sums.fill(0);
      for (let r = 0; r < rows; r++) {
        const segment = ids[r];
        if (segment < 0 || segment >= numSegments) continue;
        const from = r * rowSize;
        const to = segment * rowSize;
        for (let j = 0; j < rowSize; j++) sums[to + j] += values[from + j];
      }
      return out;
    },
  });
}

async function tryImport(name: string): Promise<unknown | undefined> {
  try {
    return await import(name);
  } catch {
    return undefined;
  }
}
