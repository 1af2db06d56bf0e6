/**
 * Shapes shared by fitting, scoring and serialisation of the isolation forest.
 * The forest is a handful of flat typed arrays (one entry per node, all trees
 * concatenated), so scoring walks memory linearly and a model serialises as a
 * few array copies.
 */

/** Row-major feature matrix accepted by fit and batch scoring. */
export type FeatureMatrix = Float64Array | Float32Array;

export interface IsolationForestOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /** Rows drawn without replacement per tree, ψ (default 256; capped at the row count). */
  sampleSize?: number;
  /** Seed of every random choice; the same seed and data give a byte-identical model (default 0). */
  seed?: number;
  /**
   * Extended isolation forest (Hariri, Carrasco Kind & Brunner, "Extended
   * Isolation Forest", IEEE TKDE 2021, arXiv:1811.02141, 2018): split on random
   * hyperplanes instead of single features (default false).
   */
  extended?: boolean;
  /** Extended mode only: hyperplane normals have extensionLevel+1 non-zero coordinates (default cols-1, fully extended). */
  extensionLevel?: number;
  /** Names of the columns, used by explain() and stored with the model (default f0, f1, ...). */
  featureNames?: readonly string[];
}

/** Parameters a fitted forest was grown with; stored with the model. */
export interface IsolationForestParams {
  trees: number;
  /** Effective ψ: min(requested sample size, rows). */
  sampleSize: number;
  maxDepth: number;
  seed: number;
  extended: boolean;
  extensionLevel: number;
  cols: number;
}

/**
 * Node arrays, all trees concatenated. A node's two children sit side by side
 * after it (right = left + 1): batch scoring steps to left + (x > threshold)
 * without a branch, and loaders check it so a corrupt model cannot loop.
 */
export interface ForestNodes {
  /** Index of each tree's root node. */
  treeRoots: Int32Array;
  /** Split feature; -1 marks a leaf. Extended mode: row of `normals` holding the hyperplane normal. */
  feature: Int32Array;
  /** Go left when x[feature] <= threshold (extended: when normal · x <= threshold). */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Training rows of the tree's subsample that reached the node. */
  nodeSize: Int32Array;
  /** Leaves: depth + c(nodeSize), the path length credited to a point ending here; 0 for internal nodes. */
  leafPathLength: Float64Array;
  /** Extended mode: hyperplane normals, `cols` values per internal node; empty otherwise. */
  normals: Float64Array;
}

export interface FeatureContribution {
  feature: number;
  name: string;
  /** Bits of isolation attributed to the feature, averaged over trees. */
  contribution: number;
  /** contribution / sum of all contributions (0..1). */
  share: number;
}
