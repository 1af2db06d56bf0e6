/**
 * Shared device: an attacker works through a list of stolen credentials from
 * one machine of their own (unmanaged, at a hosting provider or abroad),
 * signing in to one account after another within the hour; a few passwords
 * are stale and fail. The accounts are ordinary, mature users: what ties the
 * incident together is the one device id they all come from.
 */
import { type Actor, authEvent, deviceAccess, sessionId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { externalPlace, pickManyUsers } from './targets.js';

export const sharedDevice: Scenario = {
  name: 'shared_device',
  target: 'user',
  eventRange: [5, 10],
  inject(ctx) {
    const victims = pickManyUsers(ctx, sized(ctx, 5, 10));
    if (victims.length < 5) return undefined;
    const { rng, ids } = ctx;
    const access = deviceAccess(externalPlace(ctx, undefined), newDevice(rng, false));
    const times = spreadTimes(ctx, ctx.now + 5 * MINUTE_MS, 40 * MINUTE_MS, victims.length);
    for (let i = 0; i < victims.length; i++) {
      const user = victims[i];
      const actor: Actor = { identity: user.identity, identityType: 'user' };
      const stale = rng.chance(0.2);
      ctx.emit(
        authEvent(ids, times[i], actor, access, {
          action: 'sign_in',
          outcome: stale ? 'failure' : 'success',
          reason: stale ? 'invalid_password' : undefined,
          authMethod: 'password',
          application: user.applications[0],
          sessionId: stale ? undefined : sessionId(ids),
        }),
      );
    }
    return victims[0].identity;
  },
};
