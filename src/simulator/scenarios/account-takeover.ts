/**
 * Account takeover: a plausible-looking sign-in (password, then MFA by SMS or
 * push) from a new device in a country and network new to the victim, at a
 * reasonable hour, followed within 10-30 minutes by access to applications
 * the victim has never used (payroll, admin console, file share...).
 */

import { APPLICATIONS, SENSITIVE_APPLICATIONS } from '../applications.js';
import { type Actor, deviceAccess } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import {
  emitMfaPassed,
  emitSignIn,
  emitTokenUses,
  nextLocalTime,
  pickVictimUser,
  unseenResidentialPlace,
} from './targets.js';

export const accountTakeover: Scenario = {
  name: 'account_takeover',
  target: 'user',
  eventRange: [5, 10],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng } = ctx;
    const history = ctx.history.get(user.identity)!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(
      unseenResidentialPlace(ctx, user, history, { maxKm: 3000 }),
      newDevice(rng, false),
    );
    const start = nextLocalTime(ctx, user, 9 * 60, 18 * 60);
    const entry = user.applications[0];
    const handle = emitSignIn(ctx, actor, access, start, entry);
    const mfaAt = start + rng.int(10_000, 40_000);
    emitMfaPassed(ctx, handle, mfaAt, rng.chance(0.5) ? 'sms' : 'push', entry);
    const neverUsed = [...SENSITIVE_APPLICATIONS, ...APPLICATIONS.map((app) => app.name)].filter(
      (name, i, all) => !history.applications.has(name) && all.indexOf(name) === i,
    );
    const sensitive = neverUsed.filter((name) => SENSITIVE_APPLICATIONS.includes(name));
    const targets = rng.shuffled(sensitive.length >= 2 ? sensitive : neverUsed);
    const accesses = spreadTimes(ctx, mfaAt + MINUTE_MS, rng.int(10, 30) * MINUTE_MS, sized(ctx, 3, 8));
    emitTokenUses(ctx, handle, accesses, (i) => (i < targets.length ? targets[i]! : rng.pick(targets)));
    return user.identity;
  },
};
