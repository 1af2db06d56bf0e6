/**
 * New device and location: at an ordinary working hour, the victim's account
 * signs in from a device, a country and a network never seen for it (a
 * residential ISP abroad, close enough to be plausible), passes MFA and uses
 * the applications the victim normally uses.
 */
import { type Actor, authEvent, deviceAccess, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { plausibleTravelMs } from '../geography.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { nextLocalTime, pickVictimUser, unseenResidentialPlace } from './targets.js';

export const newDeviceLocation: Scenario = {
  name: 'new_device_location',
  target: 'user',
  eventRange: [1, 3],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const history = ctx.history.get(user.identity)!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const place = unseenResidentialPlace(ctx, user, history, { minKm: 300, maxKm: 2500 });
    const access = deviceAccess(place, newDevice(rng, false));
    let start = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute);
    const last = history.lastSignIn;
    if (last)
      start = Math.max(
        start,
        last.time + plausibleTravelMs(last, { lat: place.geo.lat!, lon: place.geo.lon! }),
      );
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
    const extra = sized(ctx, 0, 2);
    if (extra === 0) return user.identity;
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
    for (const at of spreadTimes(ctx, start + MINUTE_MS, 20 * MINUTE_MS, extra - 1)) {
      const app = rng.pick(user.applications);
      ctx.emit(
        authEvent(ids, at, actor, access, {
          action: 'token_use',
          outcome: 'success',
          application: app,
          sessionId: session,
          tokenId: token,
        }),
      );
    }
    return user.identity;
  },
};
