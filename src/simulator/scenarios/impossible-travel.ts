/**
 * Impossible travel: the victim signs in from home as usual, and 10-60
 * minutes later a successful sign-in for the same account arrives from a city
 * more than 5000 km away on a network the victim never used. Every other
 * incident uses the victim's own device (stolen credentials plus a cloned or
 * remote-controlled device); the others use an unknown one.
 */
import { type Actor, authEvent, deviceAccess, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import {
  emitSignIn,
  emitTokenUses,
  nextLocalTime,
  pickVictimUser,
  unseenResidentialPlace,
} from './targets.js';

export const impossibleTravel: Scenario = {
  name: 'impossible_travel',
  target: 'user',
  eventRange: [1, 3],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const history = ctx.history.get(user.identity)!;
    const { rng, ids } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const knownDevice = user.devices[0]!;
    const homeTime = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute - 90);
    ctx.emitOrdinary(
      authEvent(ids, homeTime, actor, deviceAccess(user.home, knownDevice), {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application: user.applications[0],
        sessionId: sessionId(ids),
        tokenId: tokenId(ids),
      }),
    );
    const far = unseenResidentialPlace(ctx, user, history, { minKm: 5000 });
    const device = ctx.occurrence % 2 === 0 ? knownDevice : newDevice(rng, false);
    const access = deviceAccess(far, device);
    const signInAt = homeTime + rng.int(10, 60) * MINUTE_MS;
    const application = user.applications[0];
    const handle = emitSignIn(ctx, actor, access, signInAt, application);
    const uses = spreadTimes(ctx, signInAt + 30_000, 10 * MINUTE_MS, sized(ctx, 0, 2));
    emitTokenUses(ctx, handle, uses, () => application);
    return user.identity;
  },
};
