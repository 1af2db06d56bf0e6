/**
 * The operational alert raised when a model's live inputs or scores drift
 * from its training window: an AlertRecord of kind `model_drift` whose
 * identity is the model (`model:iforest:<kind>`), not a person or workload,
 * with a deterministic id per model version and drift episode, so a replay
 * raises the same alert and an episode never raises two.
 *
 * It travels on the operational path (log, Prometheus, GET /api/models,
 * the scorer's onDriftAlert hook), never through the identity alert stream:
 * it must never reach analyst feedback, the risk accumulators or the
 * response policy, which all assume an identity.
 */
import type { AlertRecord } from '../../engine/types.js';
import { alertId } from '../../risk/alerts.js';
import type { FeaturePsi } from './report-schema.js';

export const MODEL_DRIFT = 'model_drift';

export interface DriftEvidence {
  modelName: string;
  modelKind: string;
  version: number;
  episode: number;
  rows: number;
  scorePsi: number;
  scoreKs: number;
  topFeatures: FeaturePsi[];
  psiDrift: number;
  ksDrift: number;
}

export const modelIdentity = (modelKind: string): string => `model:iforest:${modelKind}`;

export function driftAlert(time: number, evidence: DriftEvidence): AlertRecord {
  const identity = modelIdentity(evidence.modelKind);
  const top = evidence.topFeatures.map((f) => `${f.feature} ${f.psi}`).join(', ');
  return {
    id: alertId(identity, MODEL_DRIFT, `v${evidence.version}#${evidence.episode}`),
    time,
    identity,
    // The engine is the workload affected; the schema has no "model" identity type.
    identity_type: 'workload',
    kind: MODEL_DRIFT,
    severity: 0.5,
    risk: 0,
    summary: `${evidence.modelName} v${evidence.version}: live traffic drifted from the training window (score PSI ${evidence.scorePsi}, KS ${evidence.scoreKs}; top features by PSI: ${top}); check the inputs, then retrain`,
    evidence: {
      model: evidence.modelName,
      version: evidence.version,
      episode: evidence.episode,
      window_rows: evidence.rows,
      score_psi: evidence.scorePsi,
      score_ks: evidence.scoreKs,
      top_features: evidence.topFeatures,
      psi_drift: evidence.psiDrift,
      ks_drift: evidence.ksDrift,
    },
    event_ids: [],
  };
}
