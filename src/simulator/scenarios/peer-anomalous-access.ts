/**
 * Peer-anomalous access: during ordinary working hours, from their usual
 * device and place, a user opens an application nobody in their department
 * uses (preferably a sensitive one: payroll, HR records, billing admin) and
 * works in it for a few minutes. Nothing else about the session is unusual:
 * only the peer group makes it stand out.
 */

import { APPLICATIONS, SENSITIVE_APPLICATIONS } from '../applications.js';
import { type Actor, deviceAccess } from '../auth-events.js';
import { MINUTE_MS } from '../options.js';
import { directoryOf, type User } from '../population.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitSignIn, emitTokenUses, nextLocalTime, pickVictimUser } from './targets.js';

/** How many members of `user`'s department (`user` included) use each application. */
function departmentUsage(users: readonly User[], user: User): Map<string, number> {
  const directory = directoryOf(users);
  const department = directory.find((row) => row.identity === user.identity)?.department;
  const usage = new Map<string, number>();
  users.forEach((member, i) => {
    if (directory[i]!.department !== department) return;
    for (const app of member.applications) usage.set(app, (usage.get(app) ?? 0) + 1);
  });
  return usage;
}

/** Applications no member of `user`'s department uses, sensitive ones first. */
function appsForeignToDepartment(usage: Map<string, number>): string[] {
  const sensitive = SENSITIVE_APPLICATIONS.filter((app) => !usage.has(app));
  return sensitive.length > 0
    ? sensitive
    : APPLICATIONS.map((app) => app.name).filter((app) => !usage.has(app));
}

/**
 * A victim whose own applications are all shared with a department colleague,
 * so that the incident is the only peer-unusual thing about them.
 */
function isTypicalOfDepartment(user: User, usage: Map<string, number>): boolean {
  return user.applications.every((app) => (usage.get(app) ?? 0) >= 2);
}

export const peerAnomalousAccess: Scenario = {
  name: 'peer_anomalous_access',
  target: 'user',
  eventRange: [2, 5],
  inject(ctx) {
    const users = ctx.world.users;
    const user = pickVictimUser(ctx, (candidate) => {
      const usage = departmentUsage(users, candidate);
      return isTypicalOfDepartment(candidate, usage) && appsForeignToDepartment(usage).length > 0;
    });
    if (!user) return undefined;
    const { rng } = ctx;
    const application = rng.pick(appsForeignToDepartment(departmentUsage(users, user)));
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(user.whereabouts.lastPlace, user.devices[0]!);
    const start = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute - 30);
    const handle = emitSignIn(ctx, actor, access, start, application);
    const uses = spreadTimes(ctx, start + MINUTE_MS, 20 * MINUTE_MS, sized(ctx, 1, 4));
    emitTokenUses(ctx, handle, uses, () => application);
    return user.identity;
  },
};
