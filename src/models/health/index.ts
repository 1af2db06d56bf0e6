/**
 * Model health: reference distributions saved with each model version, live
 * distributions over a sliding window, drift (PSI, KS) raised as an
 * operational alert, and shadow promotion of retrained models (docs/models.md,
 * "Model health"). The scorer and the API import from here only.
 */

export { ksBinned, PSI_EPSILON, psi } from './drift.js';
export { MODEL_DRIFT, modelIdentity } from './drift-alert.js';
export { LiveWindow } from './live-window.js';
export { ModelHealthMonitor } from './monitor.js';
export { spearman } from './rank-agreement.js';
export {
  type BinnedDistribution,
  binOf,
  buildReference,
  type ModelReference,
  REFERENCE_FORMAT_VERSION,
  referenceFromJSON,
} from './reference.js';
export {
  DriftStatus,
  FeaturePsi,
  ModelDriftReport,
  PromotionReport,
  ShadowStatus,
} from './report-schema.js';
export {
  DEFAULT_HEALTH,
  type HealthConfig,
  type HealthSettings,
  healthSettings,
  type ShadowSettings,
} from './settings.js';
export { immediatePromotion, ShadowTrial } from './shadow.js';
export { type HealthTrackerOptions, ModelHealthTracker, type Promotion } from './tracker.js';
