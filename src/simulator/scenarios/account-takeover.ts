/**
 * Account takeover: a plausible-looking sign-in (password, then MFA by SMS or
 * push) from a new device in a country and network new to the victim, at a
 * reasonable hour, followed within 10-30 minutes by access to applications
 * the victim has never used (payroll, admin console, file share...).
 */

import { APPLICATIONS, SENSITIVE_APPLICATIONS } from '../applications.js';
import { type Actor, authEvent, deviceAccess, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { nextLocalTime, pickVictimUser, unseenResidentialPlace } from './targets.js';

export const accountTakeover: Scenario = {
  name: 'account_takeover',
  target: 'user',
  eventRange: [5, 10],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const history = ctx.history.get(user.identity)!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(
      unseenResidentialPlace(ctx, user, history, { maxKm: 3000 }),
      newDevice(rng, false),
    );
    const start = nextLocalTime(ctx, user, 9 * 60, 18 * 60);
    const session = sessionId(ids);
    const token = tokenId(ids);
    const entry = user.applications[0];
    ctx.emit(
      authEvent(ids, start, actor, access, {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application: entry,
        sessionId: session,
        tokenId: token,
      }),
    );
    const mfaAt = start + rng.int(10_000, 40_000);
    const factor = rng.chance(0.5) ? 'sms' : 'push';
    ctx.emit(
      authEvent(ids, mfaAt, actor, access, {
        action: 'mfa',
        outcome: 'success',
        mfaFactor: factor,
        mfaResult: 'success',
        application: entry,
        sessionId: session,
      }),
    );
    const neverUsed = [...SENSITIVE_APPLICATIONS, ...APPLICATIONS.map((app) => app.name)].filter(
      (name, i, all) => !history.applications.has(name) && all.indexOf(name) === i,
    );
    const sensitive = neverUsed.filter((name) => SENSITIVE_APPLICATIONS.includes(name));
    const targets = rng.shuffled(sensitive.length >= 2 ? sensitive : neverUsed);
    const accesses = spreadTimes(ctx, mfaAt + MINUTE_MS, rng.int(10, 30) * MINUTE_MS, sized(ctx, 3, 8));
    accesses.forEach((at, i) => {
      const application = i < targets.length ? targets[i]! : rng.pick(targets);
      ctx.emit(
        authEvent(ids, at, actor, access, {
          action: 'token_use',
          outcome: 'success',
          application,
          sessionId: session,
          tokenId: token,
        }),
      );
    });
    return user.identity;
  },
};
