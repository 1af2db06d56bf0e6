/**
 * New workload credential: a secret, certificate or key is added to a
 * service principal, application or service account. Attackers who hold an
 * admin session add their own credential to an app that already has broad
 * permissions (persistence that survives the admin's password reset).
 * Rotation by the usual actor of an app whose credentials were added before
 * stays below the alert threshold; a first credential, a new actor, or an
 * actor that was risky shortly before fire.
 */
import { type Static, Type } from '@sinclair/typebox';
import { fnv1a } from '../baseline/hash.js';
import { type AccountDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  severity_new: Type.Number({
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'severity of a credential added by an actor not seen adding one to this identity before',
  }),
  severity_rotation: Type.Number({
    default: 0.3,
    minimum: 0,
    maximum: 1,
    description: 'severity of a credential added by the actor that added the previous one (rotation)',
  }),
  risky_within_hours: Type.Number({
    default: 24,
    minimum: 0,
    description: 'a risky actor this recent weighs it up',
  }),
});
type Params = Static<typeof Params>;

export const newWorkloadCredential: DetectorDefinition<Params> = {
  name: 'new_workload_credential',
  kind: 'account',
  description:
    'A credential (secret, certificate, key) added to a service principal, application or service account.',
  params: Params,
  create(params): AccountDetector {
    const riskyMs = params.risky_within_hours * 3_600_000;
    return {
      name: 'new_workload_credential',
      kind: 'account',
      inspect(event, { profile, actorState }) {
        if (event.change !== 'credential_added' || event.outcome === 'failure') return undefined;
        const actorHash = event.actor ? fnv1a(event.actor) : 0;
        // The current credential is already tracked: an earlier one exists when the count exceeds 1.
        const rotation =
          profile.credentialsAdded > 1 &&
          actorHash !== 0 &&
          profile.previousCredentialActorHash === actorHash;
        const actorRisky =
          actorState !== undefined &&
          actorState.lastRiskyAt > 0 &&
          event.time - actorState.lastRiskyAt <= riskyMs;
        const base = rotation ? params.severity_rotation : params.severity_new;
        return {
          detector: 'new_workload_credential',
          severity: severity(base + (actorRisky ? 0.3 : 0)),
          summary: `credential added to ${event.identity}${event.actor ? ` by ${event.actor}` : ''}${rotation ? ' (rotation by its usual actor)' : ''}`,
          evidence: {
            actor: event.actor,
            identity_type: event.identity_type,
            earlier_credentials: profile.credentialsAdded - 1,
            rotation,
            actor_risky: actorRisky,
            src_ip: event.src_ip,
          },
        };
      },
    };
  },
};
