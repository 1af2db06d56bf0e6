/**
 * Anonymiser sign-in: the victim works as usual from home, and during the
 * same working day their account signs in successfully from a Tor exit
 * relay on an unmanaged device, passes MFA (a phished or fatigued factor)
 * and uses a few of the victim's applications. The exit relay's address is
 * in the Tor list the simulated world implies (src/simulator/intel-lists.ts),
 * so only a pipeline with that list sees the address for what it is.
 */
import { type Actor, authEvent, deviceAccess, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { torExitPlace } from '../intel-lists.js';
import { MINUTE_MS } from '../options.js';
import type { Scenario } from './scenario.js';
import { emitSession, nextLocalTime, pickVictimUser } from './targets.js';

export const anonymiserSignIn: Scenario = {
  name: 'anonymiser_sign_in',
  target: 'user',
  eventRange: [2, 6],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const application = user.applications[0];
    const homeTime = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute - 120);
    ctx.emitOrdinary(
      authEvent(ids, homeTime, actor, deviceAccess(user.home, user.devices[0]!), {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application,
        sessionId: sessionId(ids),
        tokenId: tokenId(ids),
      }),
    );
    const access = deviceAccess(torExitPlace(rng), newDevice(rng, false));
    const signInAt = homeTime + rng.int(20, 90) * MINUTE_MS;
    emitSession(ctx, user, actor, access, signInAt, {
      mfaDelayMs: [5_000, 30_000],
      useSpanMs: 15 * MINUTE_MS,
      maxUses: 4,
    });
    return user.identity;
  },
};
