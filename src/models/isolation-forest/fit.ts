/**
 * Growing an isolation forest: a pure function of (data, rows, cols, options)
 * with no module state, so it runs unchanged inside a worker thread.
 *
 * Same algorithm as scikit-learn's IsolationForest (bootstrap=False,
 * max_features=1.0): each tree gets ψ rows drawn without replacement, grows to
 * height ceil(log2 ψ), and each node splits on a feature drawn uniformly among
 * those not constant in the node, at a threshold uniform in [min, max) of that
 * feature over the node's rows (x <= threshold goes left). A node with one row,
 * or whose rows are all identical, is a leaf. Extended mode (Hariri et al.)
 * splits on a random hyperplane through a point uniform in the node's
 * bounding box instead.
 */
import { errors } from '../../errors.js';
import { SeededRandom } from '../random.js';
import { IsolationForest } from './forest.js';
import { averagePathLength, heightLimit } from './path-length.js';
import type { FeatureMatrix, ForestNodes, IsolationForestOptions, IsolationForestParams } from './types.js';

export function fitIsolationForest(
  data: FeatureMatrix,
  rows: number,
  cols: number,
  options: IsolationForestOptions = {},
): IsolationForest {
  const params = resolveParams(data, rows, cols, options);
  const featureNames = options.featureNames ? [...options.featureNames] : defaultFeatureNames(cols);
  if (featureNames.length !== cols)
    throw errors.usage(`featureNames has ${featureNames.length} names for ${cols} columns`);
  const grower = new TreeGrower(data, rows, params);
  for (let t = 0; t < params.trees; t++) grower.growTree();
  return new IsolationForest(params, featureNames, grower.finish());
}

export function defaultFeatureNames(cols: number): string[] {
  return Array.from({ length: cols }, (_, c) => `f${c}`);
}

function resolveParams(
  data: FeatureMatrix,
  rows: number,
  cols: number,
  options: IsolationForestOptions,
): IsolationForestParams {
  requireInteger('rows', rows, 1);
  requireInteger('cols', cols, 1);
  if (data.length < rows * cols)
    throw errors.usage(`data holds ${data.length} values, ${rows} rows x ${cols} cols need ${rows * cols}`);
  const trees = options.trees ?? 100;
  const requestedSampleSize = options.sampleSize ?? 256;
  const seed = options.seed ?? 0;
  const extensionLevel = options.extensionLevel ?? cols - 1;
  requireInteger('trees', trees, 1);
  requireInteger('sampleSize', requestedSampleSize, 2);
  if (!Number.isSafeInteger(seed)) throw errors.usage(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(extensionLevel) || extensionLevel < 0 || extensionLevel > cols - 1) {
    throw errors.usage(`extensionLevel must be an integer in [0, ${cols - 1}], got ${extensionLevel}`);
  }
  const sampleSize = Math.min(requestedSampleSize, rows);
  return {
    trees,
    sampleSize,
    maxDepth: heightLimit(sampleSize),
    seed,
    extended: options.extended ?? false,
    extensionLevel,
    cols,
  };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw errors.usage(`${name} must be an integer >= ${min}, got ${value}`);
}

/** Grows trees one after another into preallocated node arrays. */
class TreeGrower {
  private readonly random: SeededRandom;
  private readonly cols: number;
  private readonly sampleSize: number;
  /** A permutation of row indices; its first ψ entries are the current tree's subsample. */
  private readonly rowOrder: Int32Array;
  /** The subsample, column-major (sample[c * ψ + i]) so a node's min/max scan is contiguous. */
  private readonly sample: Float64Array;
  /** Subsample positions, partitioned in place as the tree grows. */
  private readonly positions: Int32Array;
  private readonly candidateFeatures: Int32Array;
  private readonly boxMin: Float64Array;
  private readonly boxMax: Float64Array;
  private readonly projection: Float64Array;
  private readonly nodes: ForestNodes;
  private nodeCount = 0;
  private normalCount = 0;
  private treeCount = 0;

  constructor(
    private readonly data: FeatureMatrix,
    rows: number,
    private readonly params: IsolationForestParams,
  ) {
    this.random = new SeededRandom(params.seed);
    this.cols = params.cols;
    this.sampleSize = params.sampleSize;
    this.rowOrder = new Int32Array(rows);
    for (let r = 0; r < rows; r++) this.rowOrder[r] = r;
    this.sample = new Float64Array(this.sampleSize * this.cols);
    this.positions = new Int32Array(this.sampleSize);
    this.candidateFeatures = new Int32Array(this.cols);
    this.boxMin = new Float64Array(this.cols);
    this.boxMax = new Float64Array(this.cols);
    this.projection = new Float64Array(this.sampleSize);
    // Axis-parallel splits never leave a child empty: at most 2ψ-1 nodes. A
    // hyperplane can, so extended trees are bounded by their height instead.
    const perTree = params.extended ? 2 ** (params.maxDepth + 1) - 1 : 2 * this.sampleSize - 1;
    const capacity = perTree * params.trees;
    this.nodes = {
      treeRoots: new Int32Array(params.trees),
      feature: new Int32Array(capacity),
      threshold: new Float64Array(capacity),
      left: new Int32Array(capacity),
      right: new Int32Array(capacity),
      nodeSize: new Int32Array(capacity),
      leafPathLength: new Float64Array(capacity),
      normals: new Float64Array(params.extended ? capacity * this.cols : 0),
    };
  }

  growTree(): void {
    this.drawSubsample();
    const root = this.nodeCount++;
    this.nodes.treeRoots[this.treeCount++] = root;
    this.growNode(root, 0, this.sampleSize, 0);
  }

  /** Trims the node arrays to the nodes actually grown. */
  finish(): ForestNodes {
    const n = this.nodeCount;
    const nodes = this.nodes;
    return {
      treeRoots: nodes.treeRoots,
      feature: nodes.feature.slice(0, n),
      threshold: nodes.threshold.slice(0, n),
      left: nodes.left.slice(0, n),
      right: nodes.right.slice(0, n),
      nodeSize: nodes.nodeSize.slice(0, n),
      leafPathLength: nodes.leafPathLength.slice(0, n),
      normals: nodes.normals.slice(0, this.normalCount * this.cols),
    };
  }

  /** Partial Fisher-Yates over rowOrder: a uniform draw of ψ rows without replacement. */
  private drawSubsample(): void {
    const { rowOrder, sample, sampleSize, cols, data } = this;
    const rows = rowOrder.length;
    for (let i = 0; i < sampleSize; i++) {
      const j = i + this.random.nextInt(rows - i);
      const row = rowOrder[j];
      rowOrder[j] = rowOrder[i];
      rowOrder[i] = row;
      for (let c = 0; c < cols; c++) {
        const value = data[row * cols + c];
        if (!Number.isFinite(value))
          throw errors.usage(
            `data row ${row} column ${c} is ${value}; isolation forest needs finite numbers`,
          );
        sample[c * sampleSize + i] = value;
      }
      this.positions[i] = i;
    }
  }

  /** Fills slot `node`; children are allocated as an adjacent pair (right = left + 1) so scoring can pick one without a branch. */
  private growNode(node: number, start: number, end: number, depth: number): void {
    const size = end - start;
    this.nodes.nodeSize[node] = size;
    const middle = size > 1 && depth < this.params.maxDepth ? this.split(node, start, end) : -1;
    if (middle < 0) {
      this.nodes.feature[node] = -1;
      this.nodes.leafPathLength[node] = depth + averagePathLength(size);
      return;
    }
    const leftChild = this.nodeCount;
    this.nodeCount += 2;
    this.nodes.left[node] = leftChild;
    this.nodes.right[node] = leftChild + 1;
    this.growNode(leftChild, start, middle, depth + 1);
    this.growNode(leftChild + 1, middle, end, depth + 1);
  }

  /** Chooses and applies a split; returns where the right part starts, or -1 when the node cannot split. */
  private split(node: number, start: number, end: number): number {
    return this.params.extended
      ? this.splitOnHyperplane(node, start, end)
      : this.splitOnFeature(node, start, end);
  }

  private splitOnFeature(node: number, start: number, end: number): number {
    const { candidateFeatures, sample, positions, sampleSize, cols } = this;
    for (let c = 0; c < cols; c++) candidateFeatures[c] = c;
    for (let drawn = 0; drawn < cols; drawn++) {
      const pick = drawn + this.random.nextInt(cols - drawn);
      const feature = candidateFeatures[pick];
      candidateFeatures[pick] = candidateFeatures[drawn];
      candidateFeatures[drawn] = feature;
      const column = feature * sampleSize;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const value = sample[column + positions[i]];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (min === max) continue;
      let threshold = min + this.random.nextFloat() * (max - min);
      if (threshold >= max) threshold = min;
      this.nodes.feature[node] = feature;
      this.nodes.threshold[node] = threshold;
      return this.partition(start, end, column, threshold);
    }
    return -1;
  }

  /** Moves positions whose value (sample[column + position]) is <= threshold to the front. */
  private partition(start: number, end: number, column: number, threshold: number): number {
    const { sample, positions } = this;
    let middle = start;
    for (let i = start; i < end; i++) {
      const position = positions[i];
      if (sample[column + position] <= threshold) {
        positions[i] = positions[middle];
        positions[middle++] = position;
      }
    }
    return middle;
  }

  private splitOnHyperplane(node: number, start: number, end: number): number {
    const { sample, positions, sampleSize, cols, boxMin, boxMax, projection } = this;
    let constant = true;
    for (let c = 0; c < cols; c++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const value = sample[c * sampleSize + positions[i]];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      boxMin[c] = min;
      boxMax[c] = max;
      if (min !== max) constant = false;
    }
    if (constant) return -1;
    const normalRow = this.normalCount++;
    const normal = this.drawNormal(normalRow * cols);
    let threshold = 0;
    for (let c = 0; c < cols; c++)
      threshold +=
        this.nodes.normals[normal + c] * (boxMin[c] + this.random.nextFloat() * (boxMax[c] - boxMin[c]));
    for (let i = start; i < end; i++) {
      let dot = 0;
      for (let c = 0; c < cols; c++)
        dot += this.nodes.normals[normal + c] * sample[c * sampleSize + positions[i]];
      projection[positions[i]] = dot;
    }
    this.nodes.feature[node] = normalRow;
    this.nodes.threshold[node] = threshold;
    let middle = start;
    for (let i = start; i < end; i++) {
      const position = positions[i];
      if (projection[position] <= threshold) {
        positions[i] = positions[middle];
        positions[middle++] = position;
      }
    }
    return middle;
  }

  /** Gaussian normal with cols - extensionLevel - 1 coordinates zeroed at random; returns its offset. */
  private drawNormal(offset: number): number {
    const { cols, candidateFeatures } = this;
    const normals = this.nodes.normals;
    for (let c = 0; c < cols; c++) normals[offset + c] = this.random.nextNormal();
    const zeroed = cols - this.params.extensionLevel - 1;
    for (let c = 0; c < cols; c++) candidateFeatures[c] = c;
    for (let k = 0; k < zeroed; k++) {
      const pick = k + this.random.nextInt(cols - k);
      const feature = candidateFeatures[pick];
      candidateFeatures[pick] = candidateFeatures[k];
      candidateFeatures[k] = feature;
      normals[offset + feature] = 0;
    }
    return offset;
  }
}
