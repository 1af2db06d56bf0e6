/**
 * MFA fatigue: with the right password from a foreign address, the attacker
 * triggers 5-15 push prompts within about ten minutes; the victim denies or
 * ignores them, then finally approves one.
 */
import { type Access, type Actor, authEvent, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { nextLocalTime, pickVictimUser, unseenResidentialPlace } from './targets.js';

export const mfaFatigue: Scenario = {
  name: 'mfa_fatigue',
  target: 'user',
  eventRange: [7, 17],
  inject(ctx) {
    const user = pickVictimUser(ctx, (candidate) => candidate.mfaFactor === 'push') ?? pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const history = ctx.history.get(user.identity)!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const device = newDevice(rng, false);
    const access: Access = {
      place: unseenResidentialPlace(ctx, user, history, { minKm: 1000 }),
      device,
      userAgent: device.userAgent,
    };
    const session = sessionId(ids);
    const application = user.applications[0];
    const start = nextLocalTime(ctx, user, 8 * 60, 21 * 60);
    ctx.emit(
      authEvent(ids, start, actor, access, {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application,
        sessionId: session,
        tokenId: tokenId(ids),
      }),
    );
    const prompts = spreadTimes(ctx, start + 15_000, rng.int(5, 9) * MINUTE_MS, sized(ctx, 5, 15));
    for (const at of prompts) {
      const result = rng.chance(0.6) ? 'denied' : 'timeout';
      ctx.emit(
        authEvent(ids, at, actor, access, {
          action: 'mfa',
          outcome: 'failure',
          reason: result,
          mfaFactor: 'push',
          mfaResult: result,
          application,
          sessionId: session,
        }),
      );
    }
    ctx.emit(
      authEvent(ids, prompts.at(-1)! + rng.int(15_000, 60_000), actor, access, {
        action: 'mfa',
        outcome: 'success',
        mfaFactor: 'push',
        mfaResult: 'success',
        application,
        sessionId: session,
      }),
    );
    return user.identity;
  },
};
