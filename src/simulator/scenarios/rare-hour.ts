/**
 * Rare hour: a victim whose history is strictly daytime signs in between
 * 02:00 and 04:30 local time, from the usual home address and device, and
 * uses a couple of applications (someone with physical or remote access to
 * the machine, or an implant using the live session).
 */
import { type Actor, deviceAccess } from '../auth-events.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitMfaPassed, emitSignIn, emitTokenUses, nextLocalTime, pickVictimUser } from './targets.js';

const MIN_HISTORY_EVENTS = 120;

export const rareHour: Scenario = {
  name: 'rare_hour',
  target: 'user',
  eventRange: [1, 4],
  inject(ctx) {
    // Enough daytime history that the detector alerts on its own (rare_hour.alert_min_history: 80 learned hours).
    const user = pickVictimUser(
      ctx,
      (_, history) => history.nightEvents === 0 && history.events >= MIN_HISTORY_EVENTS,
    );
    if (!user) return undefined;
    const { rng } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(user.home, user.devices[0]!);
    const start = nextLocalTime(ctx, user, 2 * 60, 4 * 60);
    const application = user.applications[0];
    const handle = emitSignIn(ctx, actor, access, start, application);
    let time = start;
    if (user.mfaFactor !== 'push' || rng.chance(0.5)) {
      time += rng.int(5_000, 20_000);
      emitMfaPassed(ctx, handle, time, user.mfaFactor, application);
    }
    const uses = spreadTimes(ctx, time + MINUTE_MS, 25 * MINUTE_MS, sized(ctx, 0, 2));
    emitTokenUses(ctx, handle, uses, () => rng.pick(user.applications));
    return user.identity;
  },
};
