/**
 * The YAML shape of `signals:` (who Vigil is as a Shared Signals
 * transmitter, where its keys and outbox live, and which receivers get SETs
 * pushed) and of `api:` (the HTTP server: SSF metadata, JWKS, poll, check).
 * One TypeBox definition each, validated by the pipeline loader.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_SET_SETTINGS, type SetSettings } from './set.js';

const PushReceiver = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'RFC 8935 push endpoint of the receiver' }),
    audience: Type.String({ minLength: 1, description: '`aud` of the SETs pushed to this receiver' }),
    auth_header: Type.Optional(
      Type.String({ minLength: 1, description: 'Authorization header value sent with each push' }),
    ),
  },
  { additionalProperties: false },
);
export type PushReceiverConfig = Static<typeof PushReceiver>;

export const SignalsSchema = Type.Object(
  {
    issuer: Type.String({ minLength: 1, default: DEFAULT_SET_SETTINGS.issuer }),
    audience: Type.String({
      minLength: 1,
      default: DEFAULT_SET_SETTINGS.audience,
      description: '`aud` of SETs on the signals stream and the poll endpoint',
    }),
    subject_issuer: Type.String({
      minLength: 1,
      default: DEFAULT_SET_SETTINGS.subjectIssuer,
      description: '`iss` of iss_sub subjects (identities that are not email addresses)',
    }),
    step_up: Type.Object(
      {
        namespace: Type.String({ default: DEFAULT_SET_SETTINGS.stepUp.namespace }),
        current_level: Type.String({ default: DEFAULT_SET_SETTINGS.stepUp.currentLevel }),
        previous_level: Type.String({ default: DEFAULT_SET_SETTINGS.stepUp.previousLevel }),
      },
      { additionalProperties: false, default: {} },
    ),
    credential_type: Type.String({ default: DEFAULT_SET_SETTINGS.credentialType }),
    keys_dir: Type.String({
      minLength: 1,
      default: '.vigil/keys',
      description: 'ES256 signing key, created on first start',
    }),
    outbox_dir: Type.String({
      minLength: 1,
      default: '.vigil/outbox',
      description: 'durable outbox of SETs to deliver',
    }),
    push: Type.Array(PushReceiver, { default: [] }),
    poll: Type.Boolean({
      default: true,
      description: 'queue SETs for RFC 8936 poll delivery (served by the API; unpolled SETs accumulate)',
    }),
    retry: Type.Object(
      {
        initial_ms: Type.Integer({ default: 500, minimum: 1 }),
        max_ms: Type.Integer({ default: 60_000, minimum: 1 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type SignalsConfig = Static<typeof SignalsSchema>;

export const ApiSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    host: Type.String({ default: '127.0.0.1', description: 'bind address (loopback unless you mean it)' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
    feedback_path: Type.String({
      minLength: 1,
      default: '.vigil/feedback.ndjson',
      description: 'analyst verdicts on alerts (append-only)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type ApiConfig = Static<typeof ApiSchema>;

export function setSettings(config: SignalsConfig): SetSettings {
  return {
    issuer: config.issuer,
    audience: config.audience,
    subjectIssuer: config.subject_issuer,
    stepUp: {
      namespace: config.step_up.namespace,
      currentLevel: config.step_up.current_level,
      previousLevel: config.step_up.previous_level,
    },
    credentialType: config.credential_type,
  };
}
