/**
 * Privilege escalation: an account an attacker controls adds itself, or a
 * crony account, to a privileged group or role (Domain Admins, Global
 * Administrator, Super Administrator), from an address outside the company.
 */
import { MINUTE_MS } from '../options.js';
import { accountChange } from './account-change.js';
import type { Scenario } from './scenario.js';
import { externalPlace, pickManyUsers, pickVictimUser } from './targets.js';

const PRIVILEGED: Array<{ change: 'group_added' | 'role_added'; name: string }> = [
  { change: 'group_added', name: 'Domain Admins' },
  { change: 'group_added', name: 'Enterprise Admins' },
  { change: 'role_added', name: 'Global Administrator' },
  { change: 'role_added', name: 'Privileged Role Administrator' },
  { change: 'role_added', name: 'Super Administrator' },
];

export const privilegeEscalation: Scenario = {
  name: 'privilege_escalation',
  target: 'user',
  eventRange: [1, 2],
  inject(ctx) {
    const actor = pickVictimUser(ctx);
    if (!actor) return undefined;
    const { rng, ids } = ctx;
    const place = externalPlace(ctx, actor);
    const grant = rng.pick(PRIVILEGED);
    const crony = rng.chance(0.5)
      ? pickManyUsers(ctx, 4).find((u) => u.identity !== actor.identity)
      : undefined;
    const start = ctx.now + rng.int(2, 30) * MINUTE_MS;
    const targets = crony ? [actor.identity, crony.identity] : [actor.identity];
    targets.forEach((identity, i) => {
      ctx.emit(
        accountChange(ids, start + i * rng.int(20_000, 90_000), {
          identity,
          change: grant.change,
          actor: actor.identity,
          group: grant.change === 'group_added' ? grant.name : undefined,
          role: grant.change === 'role_added' ? grant.name : undefined,
          src_ip: place.ip,
        }),
      );
    });
    return actor.identity;
  },
};
