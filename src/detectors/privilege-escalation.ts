/**
 * Privilege escalation: an identity is added to a privileged group or role
 * (Domain Admins, Global Administrator, Okta Super Administrator, ...). Rare
 * and worth a look on its own; weighted up when the actor or the target was
 * risky shortly before (a finding, or the identity provider's own verdict),
 * when an identity grants itself, and when the actor acts outside its usual
 * hours (its sign-in or change habits, once known).
 */
import { type Static, Type } from '@sinclair/typebox';
import type { IdentityState } from '../baseline/identity-state.js';
import { type AccountDetector, type DetectorDefinition, severity } from './types.js';

export const DEFAULT_PRIVILEGED = [
  'Domain Admins',
  'Enterprise Admins',
  'Schema Admins',
  'Administrators',
  'Account Operators',
  'Backup Operators',
  'Global Administrator',
  'Privileged Role Administrator',
  'Privileged Authentication Administrator',
  'Security Administrator',
  'Application Administrator',
  'Cloud Application Administrator',
  'User Administrator',
  'Exchange Administrator',
  'Okta Super Admin',
  'Super Administrator',
  'Organization Administrator',
];

const Params = Type.Object({
  privileged: Type.Array(Type.String({ minLength: 1 }), {
    default: DEFAULT_PRIVILEGED,
    description: 'group and role names (case-insensitive) that confer administrative power',
  }),
  base_severity: Type.Number({
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'severity of a plain grant',
  }),
  risky_within_hours: Type.Number({
    default: 24,
    minimum: 0,
    description: 'a risky event of actor or target this recent weighs the grant up',
  }),
});
type Params = Static<typeof Params>;

const HOUR_MS = 3_600_000;

/** Whether the actor's known habits (sign-ins or past changes) make this hour unusual. */
function outsideUsualHours(actor: IdentityState | undefined, time: number): boolean {
  if (!actor) return false;
  if (actor.auth?.isMature) return actor.auth.hourOfDayShare(time) < 0.02;
  const account = actor.account;
  return account !== undefined && account.learnedChanges >= 10 && account.changeHourShare(time) < 0.02;
}

export const privilegeEscalation: DetectorDefinition<Params> = {
  name: 'privilege_escalation',
  kind: 'account',
  description:
    'An identity added to a privileged group or role, weighted by risk, self-grant and unusual hours.',
  params: Params,
  create(params): AccountDetector {
    const privileged = new Set(params.privileged.map((name) => name.trim().toLowerCase()));
    const riskyMs = params.risky_within_hours * HOUR_MS;
    return {
      name: 'privilege_escalation',
      kind: 'account',
      inspect(event, { state, actorState }) {
        if (event.outcome === 'failure') return undefined;
        if (event.change !== 'group_added' && event.change !== 'role_added') return undefined;
        const granted = event.change === 'role_added' ? event.role : event.group;
        if (!granted) return undefined;
        // Okta lists several privileges in one string: "Super administrator, Read-only administrator".
        const matched = granted
          .split(',')
          .map((name) => name.trim())
          .find((name) => privileged.has(name.toLowerCase()));
        if (!matched) return undefined;
        const targetRisky = state.lastRiskyAt > 0 && event.time - state.lastRiskyAt <= riskyMs;
        const actorRisky =
          actorState !== undefined &&
          actorState !== state &&
          actorState.lastRiskyAt > 0 &&
          event.time - actorState.lastRiskyAt <= riskyMs;
        const selfGrant = event.actor !== undefined && event.actor === event.identity;
        const offHours = outsideUsualHours(actorState, event.time);
        const weight =
          params.base_severity +
          (targetRisky || actorRisky ? 0.25 : 0) +
          (selfGrant ? 0.15 : 0) +
          (offHours ? 0.1 : 0);
        return {
          detector: 'privilege_escalation',
          severity: severity(weight),
          summary: `${event.identity} added to privileged ${event.change === 'role_added' ? 'role' : 'group'} ${matched}${event.actor ? ` by ${event.actor}` : ''}`,
          evidence: {
            privilege: matched,
            change: event.change,
            actor: event.actor,
            target_risky: targetRisky,
            actor_risky: actorRisky,
            self_grant: selfGrant,
            outside_usual_hours: offHours,
            src_ip: event.src_ip,
          },
        };
      },
    };
  },
};
