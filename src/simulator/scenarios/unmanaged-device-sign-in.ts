/**
 * Unmanaged device sign-in: a victim who only ever used managed, compliant
 * devices signs in, at an ordinary working hour and from home, on a personal
 * device the company never enrolled (unmanaged, unregistered, no EDR), passes
 * MFA and uses a couple of the usual applications. Only the device is
 * unusual: the place and the hour are the victim's own.
 */
import { type Actor, authEvent, deviceAccess, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import type { User } from '../population.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { nextLocalTime, pickVictimUser } from './targets.js';

const alwaysManaged = (user: User) =>
  user.devices.every((device) => device.posture.managed === true && device.posture.compliant === true);

export const unmanagedDeviceSignIn: Scenario = {
  name: 'unmanaged_device_sign_in',
  target: 'user',
  eventRange: [2, 5],
  inject(ctx) {
    const user = pickVictimUser(ctx, alwaysManaged);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(user.home, newDevice(rng, false));
    const start = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute);
    const session = sessionId(ids);
    const token = tokenId(ids);
    const application = user.applications[0];
    ctx.emit(
      authEvent(ids, start, actor, access, {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application,
        sessionId: session,
        tokenId: token,
      }),
    );
    ctx.emit(
      authEvent(ids, start + rng.int(5_000, 25_000), actor, access, {
        action: 'mfa',
        outcome: 'success',
        mfaFactor: user.mfaFactor,
        mfaResult: 'success',
        application,
        sessionId: session,
      }),
    );
    for (const at of spreadTimes(ctx, start + MINUTE_MS, 30 * MINUTE_MS, sized(ctx, 0, 3))) {
      ctx.emit(
        authEvent(ids, at, actor, access, {
          action: 'token_use',
          outcome: 'success',
          application: rng.pick(user.applications),
          sessionId: session,
          tokenId: token,
        }),
      );
    }
    return user.identity;
  },
};
