/**
 * Model health settings as the scorer uses them (from `models.iforest.health`
 * and `models.iforest.shadow_*`), with the cross-field checks TypeBox cannot
 * express. Errors name the key. Never reads the environment.
 */
import { errors } from '../../errors.js';

export interface HealthSettings {
  enabled: boolean;
  /** Live rows per sliding window. */
  windowRows: number;
  /** Live rows before drift is judged. */
  minRows: number;
  /** Every n-th mature row goes into the window (1 = all): trades estimate noise for per-row cost. */
  sampleEvery: number;
  psiWarn: number;
  psiDrift: number;
  ksDrift: number;
  /** Bins per feature (cut at the training quantiles). */
  bins: number;
  /** Features whose PSI is reported but never raises warn or drift (e.g. ones expected to move, like baseline_maturity). */
  excludeFeatures: readonly string[];
}

export interface ShadowSettings {
  /** Mature rows a new model scores in shadow before the decision; 0 = promote at once. */
  events: number;
  /** Minimum Spearman correlation with the current model to promote; 0 = promote regardless. */
  minSpearman: number;
}

export const DEFAULT_HEALTH: HealthSettings = {
  enabled: true,
  windowRows: 10_000,
  minRows: 1000,
  sampleEvery: 1,
  psiWarn: 0.1,
  psiDrift: 0.25,
  ksDrift: 0.2,
  bins: 10,
  excludeFeatures: [],
};

/** The pipeline's `models.iforest.health` block (snake_case, already validated by its schema). */
export interface HealthConfig {
  enabled: boolean;
  window_rows: number;
  min_rows: number;
  sample_every: number;
  psi_warn: number;
  psi_drift: number;
  ks_drift: number;
  bins: number;
  exclude_features: string[];
}

export function healthSettings(
  config: HealthConfig,
  featureNames: readonly string[],
  key = 'models.iforest.health',
): HealthSettings {
  const unknown = config.exclude_features.find((name) => !featureNames.includes(name));
  if (unknown !== undefined)
    throw errors.configInvalid(
      `${key}.exclude_features`,
      `"${unknown}" is not a feature of the forest; known: ${featureNames.join(', ')}`,
    );
  if (config.psi_warn > config.psi_drift)
    throw errors.configInvalid(
      `${key}.psi_warn`,
      `psi_warn (${config.psi_warn}) must not exceed psi_drift (${config.psi_drift})`,
    );
  if (config.min_rows > config.window_rows)
    throw errors.configInvalid(
      `${key}.min_rows`,
      `min_rows (${config.min_rows}) must not exceed window_rows (${config.window_rows}): drift would never be judged`,
    );
  return {
    enabled: config.enabled,
    windowRows: config.window_rows,
    minRows: config.min_rows,
    sampleEvery: config.sample_every,
    psiWarn: config.psi_warn,
    psiDrift: config.psi_drift,
    ksDrift: config.ks_drift,
    bins: config.bins,
    excludeFeatures: [...config.exclude_features],
  };
}
