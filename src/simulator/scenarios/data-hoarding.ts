/**
 * Data hoarding (insider risk): a user who downloads a little from a
 * file-sharing application every day (three ordinary days, unlabelled) then,
 * on one working day, pulls gigabytes from it in an hour: fifty to a hundred and twenty
 * downloads of tens of megabytes, many files each. Same device, same place,
 * an application the user already uses: only the volume is unusual.
 */
import type { AuthEvent } from '../../events/schema.js';
import { type Access, type Actor, authEvent, deviceAccess } from '../auth-events.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../options.js';
import type { User } from '../population.js';
import type { Random } from '../random.js';
import { type Scenario, type ScenarioContext, sized, spreadTimes } from './scenario.js';
import { emitSignIn, nextLocalTime, pickVictimUser } from './targets.js';

const FILE_APPS = ['file-share', 'sharepoint', 'google-drive'];
const ORDINARY_DAYS = 3;
const MB = 1_000_000;

function download(
  ids: Random,
  at: number,
  actor: Actor,
  access: Access,
  application: string,
  bytes: number,
  objects: number,
): AuthEvent {
  const event = authEvent(ids, at, actor, access, { action: 'token_use', outcome: 'success', application });
  event.bytes_out = bytes;
  event.bytes_in = Math.round(bytes / 500);
  event.objects = objects;
  return event;
}

function emitOrdinaryDays(
  ctx: ScenarioContext,
  user: User,
  access: Access,
  application: string,
  start: number,
): void {
  const actor: Actor = { identity: user.identity, identityType: 'user' };
  for (let day = 0; day < ORDINARY_DAYS; day++) {
    const count = ctx.rng.int(3, 6);
    for (const at of spreadTimes(ctx, start + day * DAY_MS, 4 * HOUR_MS, count)) {
      ctx.emitOrdinary(
        download(ctx.ids, at, actor, access, application, ctx.rng.int(1, 8) * MB, ctx.rng.int(1, 4)),
      );
    }
  }
}

export const dataHoarding: Scenario = {
  name: 'data_hoarding',
  target: 'user',
  eventRange: [51, 121],
  inject(ctx) {
    const user = pickVictimUser(ctx, (candidate) =>
      candidate.applications.some((app) => FILE_APPS.includes(app)),
    );
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const application = user.applications.find((app) => FILE_APPS.includes(app))!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(user.whereabouts.lastPlace, user.devices[0]!);
    const first = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute - 4 * 60);
    emitOrdinaryDays(ctx, user, access, application, first);
    const start = first + ORDINARY_DAYS * DAY_MS + rng.int(0, 60) * MINUTE_MS;
    const { session, token } = emitSignIn(ctx, actor, access, start, application);
    for (const at of spreadTimes(ctx, start + MINUTE_MS, HOUR_MS, sized(ctx, 50, 120))) {
      const event = download(ids, at, actor, access, application, rng.int(20, 80) * MB, rng.int(10, 50));
      event.session_id = session;
      event.token_id = token;
      ctx.emit(event);
    }
    return user.identity;
  },
};
