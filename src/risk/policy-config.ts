/**
 * The YAML shape of risk accumulation (`risk.half_life_minutes`,
 * `risk.levels`, `risk.hysteresis`) and of the response policy (`policy:`),
 * as TypeBox schemas: the one definition the pipeline loader validates and
 * the policy engine reads. Defaults here are Vigil's default policy.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_ACCUMULATOR, DEFAULT_THRESHOLDS, RISK_LEVELS } from './accumulator.js';

export const RiskLevelSchema = Type.Union(
  RISK_LEVELS.map((level) => Type.Literal(level)),
  { description: RISK_LEVELS.join(' < ') },
);

export const POLICY_ACTIONS = [
  'allow',
  'step_up',
  'revoke_sessions',
  'disable_credentials',
  'quarantine_workload',
  'quarantine_device',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

const IdentityTypeName = Type.Union([
  Type.Literal('user'),
  Type.Literal('service_account'),
  Type.Literal('workload'),
]);

const percent = (value: number, description: string) =>
  Type.Number({ default: value, minimum: 0, maximum: 100, description });

/** Additional members of the pipeline's `risk:` object. */
export const riskAccumulationProperties = {
  half_life_minutes: Type.Number({
    default: DEFAULT_ACCUMULATOR.halfLifeMs / 60_000,
    exclusiveMinimum: 0,
    description: 'accumulated identity risk halves after this long without new risk',
  }),
  hysteresis: Type.Number({
    default: DEFAULT_ACCUMULATOR.hysteresis,
    minimum: 0,
    maximum: 50,
    description: 'points below a level threshold the accumulated risk must fall before the level drops',
  }),
  levels: Type.Object(
    {
      low: percent(DEFAULT_THRESHOLDS.low, 'accumulated risk at which an identity is "low"'),
      medium: percent(DEFAULT_THRESHOLDS.medium, 'accumulated risk at which an identity is "medium"'),
      high: percent(DEFAULT_THRESHOLDS.high, 'accumulated risk at which an identity is "high"'),
      critical: percent(DEFAULT_THRESHOLDS.critical, 'accumulated risk at which an identity is "critical"'),
    },
    { additionalProperties: false, default: {} },
  ),
};

export const PolicyCondition = Type.Object(
  {
    identity_level_at_least: Type.Optional(RiskLevelSchema),
    detectors_any: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'at least one of these detectors fired on the deciding event',
      }),
    ),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    identity_type: Type.Optional(
      Type.Union([IdentityTypeName, Type.Array(IdentityTypeName, { minItems: 1 })]),
    ),
    application_sensitivity: Type.Optional(
      Type.Literal('sensitive', { description: 'the event touches one of policy.sensitive_applications' }),
    ),
    applications: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    min_event_risk: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    device_compliant: Type.Optional(
      Type.Boolean({ description: 'the device the event names reports this compliance verdict' }),
    ),
    device_managed: Type.Optional(
      Type.Boolean({ description: 'the device the event names reports this management state' }),
    ),
    device_detectors_any: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'the event names a device and at least one of these detectors fired on it',
      }),
    ),
    source_intel_any: Type.Optional(
      Type.Array(Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9_]*$' }), {
        minItems: 1,
        description:
          "the event's source address is in an intel list with one of these categories (anonymiser, hosting, known_bad, corporate_egress, or your own)",
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const PolicyRuleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    when: PolicyCondition,
    action: Type.Union(POLICY_ACTIONS.map((action) => Type.Literal(action))),
    dry_run: Type.Boolean({ default: false, description: 'record the decision, send no signal' }),
    cooldown_minutes: Type.Number({
      default: 60,
      minimum: 0,
      description: 'the same action is not decided again for the identity within this window',
    }),
    hold_minutes: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'how long the check endpoint enforces the action (default: cooldown_minutes)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PolicyRuleConfig = Static<typeof PolicyRuleSchema>;

const CRITICAL_ACCOUNT_DETECTORS = ['impossible_travel', 'new_device_location', 'session_reuse'];
const WORKLOAD_COMPROMISE_DETECTORS = [
  'lateral_movement',
  'bytes_out_spike',
  'fanout_spike',
  'privileged_route',
  'denied_spike',
];

const DEVICE_DETECTORS = ['unmanaged_device', 'device_posture_degraded', 'shared_device'];

/** Vigil's default policy: first matching rule wins, most drastic first. */
export const DEFAULT_POLICY_RULES: PolicyRuleConfig[] = [
  {
    name: 'revoke_compromised_session',
    when: {
      identity_level_at_least: 'critical',
      detectors_any: CRITICAL_ACCOUNT_DETECTORS,
      outcome: 'success',
      identity_type: ['user', 'service_account'],
    },
    action: 'revoke_sessions',
    dry_run: false,
    cooldown_minutes: 60,
  },
  {
    name: 'revoke_risky_sensitive_access',
    when: {
      identity_level_at_least: 'high',
      application_sensitivity: 'sensitive',
      outcome: 'success',
      identity_type: 'user',
    },
    action: 'revoke_sessions',
    dry_run: false,
    cooldown_minutes: 60,
  },
  {
    name: 'quarantine_compromised_workload',
    when: {
      identity_level_at_least: 'critical',
      detectors_any: WORKLOAD_COMPROMISE_DETECTORS,
      identity_type: 'workload',
    },
    action: 'quarantine_workload',
    dry_run: false,
    cooldown_minutes: 60,
  },
  {
    // Successful access only: a failed attempt from the device is not yet the device's doing.
    name: 'quarantine_failing_device',
    when: {
      identity_level_at_least: 'high',
      device_detectors_any: DEVICE_DETECTORS,
      outcome: 'success',
      identity_type: ['user', 'service_account'],
    },
    action: 'quarantine_device',
    dry_run: false,
    cooldown_minutes: 60,
  },
  {
    // Only where the device is news for the identity (a device detector fired): people who always
    // work from a non-compliant device are a posture-management matter, not an incident.
    name: 'step_up_non_compliant_sensitive',
    when: {
      device_compliant: false,
      device_detectors_any: DEVICE_DETECTORS,
      application_sensitivity: 'sensitive',
      outcome: 'success',
      identity_type: 'user',
    },
    action: 'step_up',
    dry_run: false,
    cooldown_minutes: 30,
  },
  {
    // A successful sign-in through Tor or from a known-bad range: prove it is the person (docs/intel.md).
    name: 'step_up_listed_source',
    when: {
      source_intel_any: ['anonymiser', 'known_bad'],
      detectors_any: ['threat_intel_source'],
      outcome: 'success',
      identity_type: 'user',
    },
    action: 'step_up',
    dry_run: false,
    cooldown_minutes: 30,
  },
  {
    name: 'step_up_mfa_fatigue',
    when: { detectors_any: ['mfa_fatigue'], identity_type: ['user', 'service_account'] },
    action: 'step_up',
    dry_run: false,
    cooldown_minutes: 30,
  },
  {
    name: 'step_up_high_risk',
    when: { identity_level_at_least: 'high', identity_type: 'user' },
    action: 'step_up',
    dry_run: false,
    cooldown_minutes: 30,
  },
];

export const DEFAULT_SENSITIVE_APPLICATIONS = [
  'admin-console',
  'payroll',
  'file-share',
  'hr-records',
  'billing-admin',
];

export const PolicySchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    rules: Type.Array(PolicyRuleSchema, { default: DEFAULT_POLICY_RULES }),
    allowlist: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'identities never acted on (exact, or glob with *): decisions are recorded as allow',
    }),
    sensitive_applications: Type.Array(Type.String({ minLength: 1 }), {
      default: DEFAULT_SENSITIVE_APPLICATIONS,
    }),
    false_positive_suppress_minutes: Type.Number({
      default: 7 * 24 * 60,
      minimum: 0,
      description:
        'an alert marked false positive silences its (identity, detector, attribute) pattern this long',
    }),
    risk_level_changes: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        min_level: Type.Union([Type.Literal('MEDIUM'), Type.Literal('HIGH')], {
          default: 'HIGH',
          description: 'publish a risk-level-change only when the old or new CAEP level is at least this',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type PolicyConfig = Static<typeof PolicySchema>;
