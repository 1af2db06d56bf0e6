/** Feature extraction: named, baseline-relative features of auth and service events in typed arrays. */
export {
  AUTH_FEATURE_COUNT,
  AUTH_FEATURES,
  extractAuthFeatures,
  geoVelocityLogKmh,
} from './auth-features.js';
export {
  FEATURE_KINDS,
  FEATURE_NAMES,
  FeatureBatch,
  type FeatureKind,
  FeatureMatrixBuffer,
} from './feature-batch.js';
export {
  bytesOutZ,
  extractServiceFeatures,
  SERVICE_FEATURE_COUNT,
  SERVICE_FEATURES,
} from './service-features.js';
