/**
 * Vigil's isolation forest (Liu, Ting & Zhou 2008; extended variant after
 * Hariri et al. 2018): fit, score, explain, save and load, train off-thread.
 */
export { fitIsolationForest } from './fit.js';
export { IsolationForest } from './forest.js';
export { averagePathLength, heightLimit } from './path-length.js';
export {
  FORMAT_VERSION,
  forestFromBinary,
  forestFromJson,
  forestToBinary,
  forestToJson,
  type IsolationForestJson,
} from './serialize.js';
export type {
  FeatureContribution,
  FeatureMatrix,
  ForestNodes,
  IsolationForestOptions,
  IsolationForestParams,
} from './types.js';
export { type TrainInWorkerOptions, trainInWorker } from './worker.js';
