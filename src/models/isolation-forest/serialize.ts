/**
 * Isolation forest on disk: a JSON document (readable, diffable) and a compact
 * binary form (a header followed by the node arrays), both round-tripping
 * exactly. Loaders check the format version and that every node's children
 * are an adjacent pair after it inside the node arrays, so a corrupt or foreign model is rejected
 * with a clear error instead of scoring garbage or looping forever.
 *
 * Binary layout, format version 1, all little-endian:
 *   0  "VGIF" magic              24 u32 extensionLevel
 *   4  u16 formatVersion         28 u32 nodeCount
 *   6  u16 flags (1 = extended)  32 u32 normalCount (values, = rows x cols)
 *   8  u32 cols                  36 u32 byte length of featureNames (UTF-8 JSON)
 *   12 u32 trees                 40 f64 seed
 *   16 u32 sampleSize            48 f64 threshold[n], leafPathLength[n], normals[normalCount]
 *   20 u32 maxDepth                 then i32 treeRoots[trees], feature[n], left[n], right[n],
 *                                   nodeSize[n], then the featureNames JSON bytes
 */
import { errors } from '../../errors.js';
import { IsolationForest } from './forest.js';
import type { ForestNodes, IsolationForestParams } from './types.js';

export const FORMAT_VERSION = 1;
const MAGIC = 'VGIF';
const HEADER_BYTES = 48;
const FLAG_EXTENDED = 1;

export interface IsolationForestJson {
  formatVersion: number;
  kind: 'isolation-forest';
  params: IsolationForestParams;
  featureNames: string[];
  nodes: { [K in keyof ForestNodes]: number[] };
}

export function forestToJson(forest: IsolationForest): IsolationForestJson {
  const n = forest.nodes;
  return {
    formatVersion: FORMAT_VERSION,
    kind: 'isolation-forest',
    params: { ...forest.params },
    featureNames: [...forest.featureNames],
    nodes: {
      treeRoots: Array.from(n.treeRoots),
      feature: Array.from(n.feature),
      threshold: Array.from(n.threshold),
      left: Array.from(n.left),
      right: Array.from(n.right),
      nodeSize: Array.from(n.nodeSize),
      leafPathLength: Array.from(n.leafPathLength),
      normals: Array.from(n.normals),
    },
  };
}

export function forestFromJson(json: unknown): IsolationForest {
  const doc = json as Partial<IsolationForestJson> | null;
  if (!doc || typeof doc !== 'object') throw errors.stateCorrupt('isolation forest JSON is not an object');
  if (doc.formatVersion !== FORMAT_VERSION) throw errors.stateVersion(doc.formatVersion, FORMAT_VERSION);
  if (doc.kind !== 'isolation-forest' || !doc.params || !doc.nodes || !Array.isArray(doc.featureNames)) {
    throw errors.stateCorrupt('isolation forest JSON lacks kind, params, featureNames or nodes');
  }
  const p = doc.params;
  const numeric = [p.trees, p.sampleSize, p.maxDepth, p.seed, p.extensionLevel, p.cols];
  if (!numeric.every((v) => Number.isSafeInteger(v)) || typeof p.extended !== 'boolean')
    throw errors.stateCorrupt('isolation forest params are malformed');
  const n = doc.nodes;
  const nodes: ForestNodes = {
    treeRoots: Int32Array.from(numbers(n.treeRoots, 'treeRoots')),
    feature: Int32Array.from(numbers(n.feature, 'feature')),
    threshold: Float64Array.from(numbers(n.threshold, 'threshold')),
    left: Int32Array.from(numbers(n.left, 'left')),
    right: Int32Array.from(numbers(n.right, 'right')),
    nodeSize: Int32Array.from(numbers(n.nodeSize, 'nodeSize')),
    leafPathLength: Float64Array.from(numbers(n.leafPathLength, 'leafPathLength')),
    normals: Float64Array.from(numbers(n.normals, 'normals')),
  };
  return buildChecked(
    {
      trees: p.trees,
      sampleSize: p.sampleSize,
      maxDepth: p.maxDepth,
      seed: p.seed,
      extended: p.extended,
      extensionLevel: p.extensionLevel,
      cols: p.cols,
    },
    doc.featureNames,
    nodes,
  );
}

export function forestToBinary(forest: IsolationForest): Buffer {
  const { params, nodes } = forest;
  const n = nodes.feature.length;
  const names = Buffer.from(JSON.stringify(forest.featureNames), 'utf8');
  const size = HEADER_BYTES + 8 * (2 * n + nodes.normals.length) + 4 * (params.trees + 4 * n) + names.length;
  const bytes = Buffer.alloc(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes.write(MAGIC, 0, 'latin1');
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint16(6, params.extended ? FLAG_EXTENDED : 0, true);
  const header = [
    params.cols,
    params.trees,
    params.sampleSize,
    params.maxDepth,
    params.extensionLevel,
    n,
    nodes.normals.length,
    names.length,
  ];
  for (let i = 0; i < header.length; i++) view.setUint32(8 + 4 * i, header[i], true);
  view.setFloat64(40, params.seed, true);
  let offset = HEADER_BYTES;
  for (const array of [nodes.threshold, nodes.leafPathLength, nodes.normals])
    offset = writeFloat64s(view, offset, array);
  for (const array of [nodes.treeRoots, nodes.feature, nodes.left, nodes.right, nodes.nodeSize])
    offset = writeInt32s(view, offset, array);
  names.copy(bytes, offset);
  return bytes;
}

export function forestFromBinary(bytes: Uint8Array): IsolationForest {
  if (bytes.length < HEADER_BYTES || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC) {
    throw errors.stateCorrupt('not a Vigil isolation forest (missing "VGIF" header)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== FORMAT_VERSION) throw errors.stateVersion(version, FORMAT_VERSION);
  const [cols, trees, sampleSize, maxDepth, extensionLevel, n, normalCount, namesLength] = Array.from(
    { length: 8 },
    (_, i) => view.getUint32(8 + 4 * i, true),
  );
  const expected = HEADER_BYTES + 8 * (2 * n + normalCount) + 4 * (trees + 4 * n) + namesLength;
  if (bytes.length !== expected)
    throw errors.stateCorrupt(`isolation forest is ${bytes.length} bytes, its header announces ${expected}`);
  const params: IsolationForestParams = {
    trees,
    sampleSize,
    maxDepth,
    seed: view.getFloat64(40, true),
    extended: (view.getUint16(6, true) & FLAG_EXTENDED) !== 0,
    extensionLevel,
    cols,
  };
  let offset = HEADER_BYTES;
  const float64s = (length: number): Float64Array => {
    const array = readFloat64s(view, offset, length);
    offset += 8 * length;
    return array;
  };
  const int32s = (length: number): Int32Array => {
    const array = readInt32s(view, offset, length);
    offset += 4 * length;
    return array;
  };
  const threshold = float64s(n);
  const leafPathLength = float64s(n);
  const normals = float64s(normalCount);
  const nodes: ForestNodes = {
    treeRoots: int32s(trees),
    feature: int32s(n),
    left: int32s(n),
    right: int32s(n),
    nodeSize: int32s(n),
    threshold,
    leafPathLength,
    normals,
  };
  const featureNames: unknown = JSON.parse(Buffer.from(bytes.subarray(offset)).toString('utf8'));
  return buildChecked(params, featureNames, nodes);
}

function buildChecked(
  params: IsolationForestParams,
  featureNames: unknown,
  nodes: ForestNodes,
): IsolationForest {
  const { cols, trees } = params;
  if (
    !Array.isArray(featureNames) ||
    featureNames.length !== cols ||
    !featureNames.every((name) => typeof name === 'string')
  ) {
    throw errors.stateCorrupt(`featureNames must be ${cols} strings`);
  }
  if (!(cols >= 1 && trees >= 1 && params.sampleSize >= 2) || nodes.treeRoots.length !== trees)
    throw errors.stateCorrupt('params do not match the trees');
  const n = nodes.feature.length;
  for (const key of ['threshold', 'left', 'right', 'nodeSize', 'leafPathLength'] as const) {
    if (nodes[key].length !== n)
      throw errors.stateCorrupt(`nodes.${key} has ${nodes[key].length} entries, feature has ${n}`);
  }
  const featureLimit = params.extended ? nodes.normals.length / cols : cols;
  if (params.extended && !Number.isInteger(featureLimit))
    throw errors.stateCorrupt('normals length is not a multiple of cols');
  for (let t = 0; t < trees; t++) {
    if (nodes.treeRoots[t] < 0 || nodes.treeRoots[t] >= n)
      throw errors.stateCorrupt(`tree ${t} root is outside the node arrays`);
  }
  for (let node = 0; node < n; node++) {
    const f = nodes.feature[node];
    if (f < 0) continue;
    // Children after their parent (every walk moves forward and terminates)
    // and adjacent (batch scoring steps to left + comparison).
    const { left, right } = nodes;
    if (f >= featureLimit || left[node] <= node || right[node] !== left[node] + 1 || right[node] >= n) {
      throw errors.stateCorrupt(`node ${node} has an invalid split feature or child index`);
    }
  }
  return new IsolationForest(params, featureNames as string[], nodes);
}

function numbers(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number'))
    throw errors.stateCorrupt(`nodes.${name} must be an array of numbers`);
  return value;
}

function writeFloat64s(view: DataView, offset: number, array: Float64Array): number {
  for (let i = 0; i < array.length; i++, offset += 8) view.setFloat64(offset, array[i], true);
  return offset;
}

function writeInt32s(view: DataView, offset: number, array: Int32Array): number {
  for (let i = 0; i < array.length; i++, offset += 4) view.setInt32(offset, array[i], true);
  return offset;
}

function readFloat64s(view: DataView, offset: number, length: number): Float64Array {
  const array = new Float64Array(length);
  for (let i = 0; i < length; i++) array[i] = view.getFloat64(offset + 8 * i, true);
  return array;
}

function readInt32s(view: DataView, offset: number, length: number): Int32Array {
  const array = new Int32Array(length);
  for (let i = 0; i < length; i++) array[i] = view.getInt32(offset + 4 * i, true);
  return array;
}
