/**
 * What model health reports look like, as TypeBox schemas (one source of
 * truth for the types the monitor and the shadow trial produce and for the
 * response schema of GET /api/models). Declarations only.
 */
import { type Static, Type } from '@sinclair/typebox';

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const DriftStatus = Type.Union(
  [
    Type.Literal('no_model'),
    Type.Literal('no_reference'),
    Type.Literal('warming_up'),
    Type.Literal('stable'),
    Type.Literal('warn'),
    Type.Literal('drift'),
  ],
  {
    description:
      'no_model: nothing trained yet; no_reference: model saved before health references existed; warming_up: fewer than min_rows live rows; stable / warn / drift: against the thresholds',
  },
);
export type DriftStatus = Static<typeof DriftStatus>;

export const FeaturePsi = Type.Object({ feature: Type.String(), psi: Type.Number() });
export type FeaturePsi = Static<typeof FeaturePsi>;

export const ModelDriftReport = Type.Object({
  model: Type.String({ description: 'e.g. iforest-auth' }),
  version: Type.Integer({ description: 'model version the reference belongs to; 0 = none' }),
  status: DriftStatus,
  /** Live rows in the sliding window. */
  rows: Type.Integer(),
  score_psi: NullableNumber,
  score_ks: NullableNumber,
  /** Highest PSI among the judged features (exclude_features left out). */
  max_feature_psi: NullableNumber,
  /** Every feature's PSI, highest first (the API shows the top 5). */
  feature_psi: Type.Array(FeaturePsi),
  thresholds: Type.Object({
    psi_warn: Type.Number(),
    psi_drift: Type.Number(),
    ks_drift: Type.Number(),
    min_rows: Type.Integer(),
    window_rows: Type.Integer(),
    sample_every: Type.Integer(),
    exclude_features: Type.Array(Type.String()),
  }),
  /** Drift episodes raised for this version so far. */
  episodes: Type.Integer(),
  last_alert: Type.Optional(Type.Object({ id: Type.String(), time: Type.Number() })),
});
export type ModelDriftReport = Static<typeof ModelDriftReport>;

export const PromotionReport = Type.Object({
  model: Type.String({ description: 'e.g. iforest-auth' }),
  current_version: Type.Union([Type.Integer(), Type.Null()], { description: 'null for the first model' }),
  candidate_version: Type.Integer(),
  promoted: Type.Boolean(),
  reason: Type.String(),
  /** Mature rows both models scored during the shadow period (0 when promoted without one). */
  rows: Type.Integer(),
  alert_percentile: Type.Number(),
  current_alerts: Type.Integer({ description: 'rows at or above alert_percentile under the current model' }),
  candidate_alerts: Type.Integer({ description: 'the same under the candidate' }),
  /** Spearman rank correlation of the two models' percentiles over the shadow rows (null: undefined, e.g. constant). */
  spearman: NullableNumber,
  /** Rows flagged by both / rows flagged by either (null when neither flagged any). */
  flagged_overlap: NullableNumber,
  flagged_both: Type.Integer(),
  min_spearman: Type.Number(),
  /** Event times (ms) of the start and end of the shadow period. */
  started_at: Type.Number(),
  decided_at: Type.Number(),
});
export type PromotionReport = Static<typeof PromotionReport>;

export const ShadowStatus = Type.Object({
  state: Type.Union([Type.Literal('idle'), Type.Literal('running')]),
  candidate_version: Type.Optional(Type.Integer()),
  rows: Type.Optional(Type.Integer()),
  rows_needed: Type.Optional(Type.Integer()),
  last_report: Type.Optional(PromotionReport),
});
export type ShadowStatus = Static<typeof ShadowStatus>;
