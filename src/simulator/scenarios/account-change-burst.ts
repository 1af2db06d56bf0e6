/**
 * Account change burst: a compromised admin account resets passwords,
 * disables accounts or strips group memberships of many colleagues within
 * minutes (the prelude to ransomware, or sabotage).
 */
import type { AccountChange } from '../../events/schema.js';
import { MINUTE_MS } from '../options.js';
import { accountChange } from './account-change.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { externalPlace, pickManyUsers, pickVictimUser } from './targets.js';

const CHANGES: AccountChange[] = ['password_reset', 'disabled', 'group_removed'];

export const accountChangeBurst: Scenario = {
  name: 'account_change_burst',
  target: 'user',
  eventRange: [12, 24],
  inject(ctx) {
    const actor = pickVictimUser(ctx);
    if (!actor) return undefined;
    const { rng, ids } = ctx;
    const change = rng.pick(CHANGES);
    const victims = pickManyUsers(ctx, sized(ctx, 12, 24)).filter((u) => u.identity !== actor.identity);
    if (victims.length < 12) return undefined;
    const place = externalPlace(ctx, actor);
    const times = spreadTimes(
      ctx,
      ctx.now + rng.int(2, 30) * MINUTE_MS,
      rng.int(2, 6) * MINUTE_MS,
      victims.length,
    );
    times.forEach((at, i) => {
      ctx.emit(
        accountChange(ids, at, {
          identity: victims[i].identity,
          change,
          actor: actor.identity,
          group: change === 'group_removed' ? 'Engineering' : undefined,
          src_ip: place.ip,
        }),
      );
    });
    return actor.identity;
  },
};
