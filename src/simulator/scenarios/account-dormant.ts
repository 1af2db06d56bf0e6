/**
 * Dormant account: the account of a leaver, silent since they left, signs in
 * again (an attacker who found the old password) and uses a few
 * applications. Needs a leaver silent for at least DORMANT_DAYS (the
 * embedded pipeline's `dormant_account.dormant_days`); none yet means the
 * incident is retried later.
 */
import type { Access, Actor } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { DAY_MS, MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitSignIn, emitTokenUses, externalPlace } from './targets.js';

/** Silence the scenario waits for; pipelines/embedded.yaml sets dormant_account.dormant_days to 10. */
export const DORMANT_DAYS = 10.5;

export const dormantAccount: Scenario = {
  name: 'dormant_account',
  target: 'user',
  eventRange: [2, 5],
  inject(ctx) {
    const { rng, world } = ctx;
    const leavers = world.users.filter((user) => {
      if (!world.retiredUsers.has(user.identity)) return false;
      const history = ctx.history.get(user.identity);
      return (
        history !== undefined &&
        ctx.history.isMature(user.identity) &&
        ctx.now - history.lastTime >= DORMANT_DAYS * DAY_MS
      );
    });
    if (leavers.length === 0) return undefined;
    const user = rng.pick(leavers);
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const device = newDevice(rng, false);
    const access: Access = { place: externalPlace(ctx, user), device, userAgent: device.userAgent };
    const start = ctx.now + rng.int(2, 60) * MINUTE_MS;
    const handle = emitSignIn(ctx, actor, access, start, user.applications[0]);
    const uses = spreadTimes(ctx, start + MINUTE_MS, 20 * MINUTE_MS, sized(ctx, 1, 4));
    emitTokenUses(ctx, handle, uses, () => rng.pick(user.applications));
    return user.identity;
  },
};
