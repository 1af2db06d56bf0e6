/**
 * Unmanaged device sign-in: a victim who only ever used managed, compliant
 * devices signs in, at an ordinary working hour and from home, on a personal
 * device the company never enrolled (unmanaged, unregistered, no EDR), passes
 * MFA and uses a couple of the usual applications. Only the device is
 * unusual: the place and the hour are the victim's own.
 */
import { type Actor, deviceAccess } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import type { User } from '../population.js';
import type { Scenario } from './scenario.js';
import { emitSession, nextLocalTime, pickVictimUser } from './targets.js';

const alwaysManaged = (user: User) =>
  user.devices.every((device) => device.posture.managed === true && device.posture.compliant === true);

export const unmanagedDeviceSignIn: Scenario = {
  name: 'unmanaged_device_sign_in',
  target: 'user',
  eventRange: [2, 5],
  inject(ctx) {
    const user = pickVictimUser(ctx, alwaysManaged);
    if (!user) return undefined;
    const { rng } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(user.home, newDevice(rng, false));
    const start = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute);
    emitSession(ctx, user, actor, access, start, {
      mfaDelayMs: [5_000, 25_000],
      useSpanMs: 30 * MINUTE_MS,
      maxUses: 3,
    });
    return user.identity;
  },
};
