/**
 * New device and location: at an ordinary working hour, the victim's account
 * signs in from a device, a country and a network never seen for it (a
 * residential ISP abroad, close enough to be plausible), passes MFA and uses
 * the applications the victim normally uses.
 */
import { type Actor, deviceAccess } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { plausibleTravelMs } from '../geography.js';
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

export const newDeviceLocation: Scenario = {
  name: 'new_device_location',
  target: 'user',
  eventRange: [1, 3],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng } = ctx;
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
    const application = user.applications[0];
    const handle = emitSignIn(ctx, actor, access, start, application);
    const extra = sized(ctx, 0, 2);
    if (extra === 0) return user.identity;
    emitMfaPassed(ctx, handle, start + rng.int(5_000, 25_000), user.mfaFactor, application);
    const uses = spreadTimes(ctx, start + MINUTE_MS, 20 * MINUTE_MS, extra - 1);
    emitTokenUses(ctx, handle, uses, () => rng.pick(user.applications));
    return user.identity;
  },
};
