/**
 * Canonical event model: the one definition from which both the TypeScript
 * types and the JSON schemas of Vigil's events are derived (TypeBox).
 *
 * Every input format is mapped into these shapes before the engine sees it.
 * Field names are snake_case so that the JSON on disk, on Kafka and in the
 * store is the same as the in-memory object. This module owns shapes only;
 * it must never hold behaviour beyond schema declarations.
 */
import { type Static, Type } from '@sinclair/typebox';

/** Upper bounds that make a value "absurd" rather than merely unusual. */
export const LIMITS = {
  idLength: 256,
  stringLength: 1024,
  userAgentLength: 2048,
  /** Events from before 2000-01-01 or more than a day in the future are rejected. */
  minTimeMs: Date.UTC(2000, 0, 1),
  maxFutureSkewMs: 24 * 3600 * 1000,
  maxBytes: 1e13,
  maxLatencyMs: 24 * 3600 * 1000,
  /** Raw payloads above this size are dead-lettered before parsing. */
  maxRawBytes: 64 * 1024,
} as const;

const Id = Type.String({ minLength: 1, maxLength: LIMITS.idLength });
const Text = Type.String({ maxLength: LIMITS.stringLength });
const EpochMs = Type.Number({
  minimum: LIMITS.minTimeMs,
  description: 'event time, epoch milliseconds (UTC)',
});

export const IdentityType = Type.Union(
  [Type.Literal('user'), Type.Literal('service_account'), Type.Literal('workload')],
  { description: 'people, non-human accounts, and workloads (SPIFFE ids and the like)' },
);
export type IdentityType = Static<typeof IdentityType>;

export const AuthAction = Type.Union([
  Type.Literal('sign_in'),
  Type.Literal('mfa'),
  Type.Literal('token_issue'),
  Type.Literal('token_refresh'),
  Type.Literal('token_use'),
  Type.Literal('ticket'),
  Type.Literal('logoff'),
]);
export type AuthAction = Static<typeof AuthAction>;

export const Outcome = Type.Union([Type.Literal('success'), Type.Literal('failure')]);
export type Outcome = Static<typeof Outcome>;

export const MfaResult = Type.Union([
  Type.Literal('success'),
  Type.Literal('denied'),
  Type.Literal('timeout'),
  Type.Literal('failure'),
]);
export type MfaResult = Static<typeof MfaResult>;

export const Geo = Type.Object(
  {
    country: Type.Optional(Type.String({ maxLength: 64 })),
    city: Type.Optional(Type.String({ maxLength: 128 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    accuracy_km: Type.Optional(
      Type.Number({ minimum: 0, maximum: 20_000, description: 'radius of the geolocation estimate' }),
    ),
  },
  { additionalProperties: false },
);
export type Geo = Static<typeof Geo>;

export const DevicePosture = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    managed: Type.Optional(Type.Boolean()),
    compliant: Type.Optional(Type.Boolean()),
    trust_type: Type.Optional(Type.String({ maxLength: 64 })),
    os: Type.Optional(Type.String({ maxLength: 128 })),
    os_version: Type.Optional(
      Type.String({ maxLength: 64, description: 'operating system version or build' }),
    ),
    edr: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'endpoint detection and response agent status: active when healthy',
      }),
    ),
    mdm: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'mobile device management enrolment: enrolled when healthy',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DevicePosture = Static<typeof DevicePosture>;

export const AuthEvent = Type.Object(
  {
    kind: Type.Literal('auth'),
    id: Id,
    time: EpochMs,
    identity: Id,
    identity_type: IdentityType,
    action: AuthAction,
    outcome: Outcome,
    reason: Type.Optional(Text),
    auth_method: Type.Optional(Type.String({ maxLength: 64 })),
    mfa_factor: Type.Optional(Type.String({ maxLength: 64 })),
    mfa_result: Type.Optional(MfaResult),
    src_ip: Type.Optional(Type.String({ maxLength: 64 })),
    geo: Type.Optional(Geo),
    asn: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
    device: Type.Optional(DevicePosture),
    user_agent: Type.Optional(Type.String({ maxLength: LIMITS.userAgentLength })),
    application: Type.Optional(Type.String({ maxLength: 256 })),
    session_id: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    token_id: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    provider_risk: Type.Optional(
      Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], {
        description: "the identity provider's own risk verdict, e.g. Entra riskLevelDuringSignIn",
      }),
    ),
    bytes_in: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: LIMITS.maxBytes,
        description: 'bytes the client sent to the application in this request (uploads); app events only',
      }),
    ),
    bytes_out: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: LIMITS.maxBytes,
        description: 'bytes the application sent to the client (downloads); app events only',
      }),
    ),
    objects: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e9,
        description: 'files, records or messages moved by this request (per-user data movement)',
      }),
    ),
  },
  { additionalProperties: false, $id: 'vigil:auth-event' },
);
export type AuthEvent = Static<typeof AuthEvent>;

export const ServiceEvent = Type.Object(
  {
    kind: Type.Literal('service'),
    id: Id,
    time: EpochMs,
    identity: Type.String({
      minLength: 1,
      maxLength: LIMITS.idLength,
      description: 'source workload (SPIFFE id)',
    }),
    identity_type: IdentityType,
    destination: Type.String({ minLength: 1, maxLength: 256 }),
    method: Type.String({ minLength: 1, maxLength: 16 }),
    route: Type.String({ minLength: 1, maxLength: 512, description: 'route template, e.g. /users/{id}' }),
    status: Type.Integer({ minimum: 100, maximum: 599 }),
    bytes_in: Type.Number({ minimum: 0, maximum: LIMITS.maxBytes }),
    bytes_out: Type.Number({ minimum: 0, maximum: LIMITS.maxBytes }),
    latency_ms: Type.Number({ minimum: 0, maximum: LIMITS.maxLatencyMs }),
    mtls_verified: Type.Optional(Type.Boolean()),
    end_user: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    src_ip: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false, $id: 'vigil:service-event' },
);
export type ServiceEvent = Static<typeof ServiceEvent>;

export const AccountChange = Type.Union(
  [
    Type.Literal('created'),
    Type.Literal('enabled'),
    Type.Literal('disabled'),
    Type.Literal('deleted'),
    Type.Literal('password_changed'),
    Type.Literal('password_reset'),
    Type.Literal('mfa_enrolled'),
    Type.Literal('mfa_reset'),
    Type.Literal('mfa_removed'),
    Type.Literal('group_added'),
    Type.Literal('group_removed'),
    Type.Literal('role_added'),
    Type.Literal('role_removed'),
    Type.Literal('credential_added'),
    Type.Literal('consent_granted'),
  ],
  { description: 'what changed on the target account' },
);
export type AccountChange = Static<typeof AccountChange>;
export const ACCOUNT_CHANGES = AccountChange.anyOf.map((literal) => literal.const) as AccountChange[];

/** A change to an account (directory audit, Okta lifecycle, Windows 4720/4728/...). */
export const AccountEvent = Type.Object(
  {
    kind: Type.Literal('account'),
    id: Id,
    time: EpochMs,
    identity: Type.String({
      minLength: 1,
      maxLength: LIMITS.idLength,
      description: 'the target account whose state changed',
    }),
    identity_type: IdentityType,
    change: AccountChange,
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: LIMITS.idLength, description: 'who made the change' }),
    ),
    actor_type: Type.Optional(IdentityType),
    outcome: Type.Optional(Outcome),
    reason: Type.Optional(Text),
    group: Type.Optional(Type.String({ maxLength: 256 })),
    role: Type.Optional(Type.String({ maxLength: 256 })),
    mfa_factor: Type.Optional(Type.String({ maxLength: 64 })),
    src_ip: Type.Optional(Type.String({ maxLength: 64 })),
    application: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false, $id: 'vigil:account-event' },
);
export type AccountEvent = Static<typeof AccountEvent>;

export type VigilEvent = AuthEvent | ServiceEvent | AccountEvent;
export type EventKind = VigilEvent['kind'];
export const EVENT_KINDS: readonly EventKind[] = ['auth', 'service', 'account'];
