/**
 * The shape of an effectiveness report, as one TypeBox schema: the type the
 * computations return, the body of `GET /api/effectiveness`, and the content
 * of a replay's `metrics.json` all come from here. Definitions of every field
 * are in docs/effectiveness.md. Holds no logic.
 *
 * A value that cannot be computed from what is known (no alerts, no labelled
 * incidents, no delivery state, a zero time span) is `null`, never 0: a 0
 * would read as "measured, and bad".
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DurationSummary = Type.Object({
  /** Incidents (time to detect) or alerts (time to enforce) the summary covers. */
  count: Type.Integer({ minimum: 0 }),
  mean_seconds: Nullable(Type.Number({ minimum: 0 })),
  /** Nearest-rank 50th percentile (robust to the few very late pairs the mean is sensitive to). */
  median_seconds: Nullable(Type.Number({ minimum: 0 })),
  /** Nearest-rank 95th percentile. */
  p95_seconds: Nullable(Type.Number({ minimum: 0 })),
});
export type DurationSummary = Static<typeof DurationSummary>;

export const EffectivenessReport = Type.Object({
  /** `replay`: against attack labels; `production`: against analyst verdicts over a recent window. */
  source: Type.Union([Type.Literal('replay'), Type.Literal('production')]),
  /** The alert threshold the figures hold for (`alerts.min_severity`). */
  operating_threshold: Nullable(Type.Number()),
  /** Event-time span the figures cover (first to last event seen), in ms; 0 when unknown. */
  span_ms: Type.Number({ minimum: 0 }),
  alerts: Type.Integer({ minimum: 0 }),
  identities: Type.Integer({ minimum: 0 }),
  /** Replay: alerts touching a labelled event. Production: alerts confirmed true positive. */
  true_alerts: Type.Integer({ minimum: 0 }),
  /** Replay: alerts touching no labelled event. Production: alerts marked false positive. */
  false_alerts: Type.Integer({ minimum: 0 }),
  precision: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  incidents: Nullable(Type.Integer({ minimum: 0 })),
  detected_incidents: Nullable(Type.Integer({ minimum: 0 })),
  recall: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  alerts_per_day: Nullable(Type.Number({ minimum: 0 })),
  alerts_per_1000_identities: Nullable(Type.Number({ minimum: 0 })),
  time_to_detect: DurationSummary,
  time_to_enforce: DurationSummary,
  /** Sign-ins counted as benign (replay: not labelled; production: every sign-in / auth event, see docs). */
  benign_sign_ins: Type.Integer({ minimum: 0 }),
  benign_step_ups: Type.Integer({ minimum: 0 }),
  stepup_friction_per_1000: Nullable(Type.Number({ minimum: 0 })),
  signals_sent: Nullable(Type.Integer({ minimum: 0 })),
  signals_acknowledged: Nullable(Type.Integer({ minimum: 0 })),
  signals_acknowledged_ratio: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
});
export type EffectivenessReport = Static<typeof EffectivenessReport>;
