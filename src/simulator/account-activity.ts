/**
 * Ordinary account-change traffic: people changing their own password now
 * and then (roughly monthly) or enrolling a new phone, and a couple of admins
 * adding and removing colleagues from ordinary (never privileged) groups and
 * resetting the odd password during their working hours. Planned a UTC day
 * at a time from its own random streams, so the rest of the traffic is the
 * same with or without it. Leavers get no changes (the dormant-account
 * scenario relies on their silence).
 */
import type { AccountEvent } from '../events/schema.js';
import { eventId } from './auth-events.js';
import type { EventQueue } from './event-queue.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './options.js';
import type { User } from './population.js';
import type { Random } from './random.js';
import type { World } from './world.js';

export interface AccountActivityContext {
  rng: Random;
  ids: Random;
  queue: EventQueue;
  world: World;
}

export const ORDINARY_GROUPS = [
  'Finance',
  'Sales',
  'Engineering',
  'Marketing',
  'VPN Users',
  'Project Apollo',
];

/** Per user and weekday: a password change about monthly, a new authenticator about every few months. */
const PASSWORD_CHANGE_PER_DAY = 1 / 30;
const MFA_ENROL_PER_DAY = 1 / 120;
/** Per admin and weekday: ordinary membership changes and the odd help-desk reset. */
const GROUP_CHANGES_PER_DAY = 1.5;
const RESETS_PER_DAY = 0.3;

/** At each UTC midnight (`hourStart` a multiple of a day), queues the next day's account changes. */
export function planAccountChanges(ctx: AccountActivityContext, hourStart: number): void {
  if (hourStart % DAY_MS !== 0) return;
  const weekday = (Math.floor(hourStart / DAY_MS) + 4) % 7;
  if (weekday === 0 || weekday === 6) return;
  const { rng, world } = ctx;
  const active = world.users.filter((user) => !world.retiredUsers.has(user.identity));
  for (const user of active) {
    if (rng.chance(PASSWORD_CHANGE_PER_DAY))
      push(ctx, user, hourStart, { change: 'password_changed', actor: user.identity });
    if (rng.chance(MFA_ENROL_PER_DAY))
      push(ctx, user, hourStart, {
        change: 'mfa_enrolled',
        actor: user.identity,
        mfa_factor: user.mfaFactor,
      });
  }
  for (const admin of world.admins) {
    for (let n = rng.poisson(GROUP_CHANGES_PER_DAY); n > 0; n--) {
      const colleague = rng.pick(active);
      push(ctx, admin, hourStart, {
        identity: colleague.identity,
        change: rng.chance(0.7) ? 'group_added' : 'group_removed',
        actor: admin.identity,
        group: rng.pick(ORDINARY_GROUPS),
      });
    }
    if (rng.chance(RESETS_PER_DAY)) {
      push(ctx, admin, hourStart, {
        identity: rng.pick(active).identity,
        change: 'password_reset',
        actor: admin.identity,
      });
    }
  }
}

/** Queues one change made by `by` during its working hours on the UTC day starting at `dayStart`. */
function push(ctx: AccountActivityContext, by: User, dayStart: number, facts: Partial<AccountEvent>): void {
  const workStart = dayStart - by.utcOffsetMs + by.workStartMinute * MINUTE_MS;
  const span = Math.max(HOUR_MS, (by.workEndMinute - by.workStartMinute) * MINUTE_MS);
  const time = workStart + Math.floor(ctx.rng.float() * span);
  const event: AccountEvent = {
    kind: 'account',
    id: eventId(ctx.ids),
    time: Math.max(dayStart, time),
    identity: by.identity,
    identity_type: 'user',
    change: 'password_changed',
    actor_type: 'user',
    outcome: 'success',
    src_ip: by.home.ip,
    ...facts,
  };
  ctx.queue.push({ event });
}
