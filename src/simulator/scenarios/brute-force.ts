/**
 * Brute force: 15-40 wrong passwords against one account from one external
 * address within 2-10 minutes, sometimes ending in a successful sign-in.
 */
import { authEvent, sessionId, tokenId } from '../auth-events.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitWrongPasswords, outsideAttacker, pickVictimUser } from './targets.js';

export const bruteForce: Scenario = {
  name: 'brute_force',
  target: 'user',
  eventRange: [15, 41],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const attacker = outsideAttacker(ctx, user);
    const { actor, access, application } = attacker;
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    const times = spreadTimes(ctx, start, rng.int(2, 10) * MINUTE_MS, sized(ctx, 15, 40));
    emitWrongPasswords(ctx, times, attacker);
    if (rng.chance(0.5)) {
      ctx.emit(
        authEvent(ids, times.at(-1)! + rng.int(2_000, 20_000), actor, access, {
          action: 'sign_in',
          outcome: 'success',
          authMethod: 'password',
          application,
          sessionId: sessionId(ids),
          tokenId: tokenId(ids),
        }),
      );
    }
    return user.identity;
  },
};
