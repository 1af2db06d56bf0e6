/**
 * Normal human sign-in activity, planned one local day at a time per user:
 * sessions in working hours (rarely evenings, little at weekends), each a
 * sign-in (sometimes after one typo), MFA on the first sign-in of the day,
 * token use and refresh on the same session from the same address and device,
 * and sometimes a log-off. Location changes (VPN egress, trips) are paced so
 * that no two consecutive places are closer in time than a flight allows.
 * Nothing here is ever labelled as an attack.
 */
import { type Access, type Actor, authEvent, deviceAccess, sessionId, tokenId } from './auth-events.js';
import type { EventQueue } from './event-queue.js';
import { CITIES, distanceKm, plausibleTravelMs } from './geography.js';
import { type Place, residentialPlace } from './network.js';
import { DAY_MS, MINUTE_MS } from './options.js';
import type { User } from './population.js';
import type { Random } from './random.js';

export interface UserActivityContext {
  rng: Random;
  ids: Random;
  queue: EventQueue;
  vpnPlaces: readonly Place[];
  /** Mean sessions of an average user on a weekday. */
  sessionsPerWeekday: number;
}

/**
 * A session decided when its day is planned but turned into events only
 * shortly before it starts, so that few events wait in memory.
 */
export interface SessionPlan {
  user: User;
  place: Place;
  start: number;
  durationMs: number;
  /** No event of the session after this (local late evening). */
  latest: number;
  withMfa: boolean;
}

/** Earliest event of a session relative to its start (a typo'd password just before). */
export const SESSION_LEAD_MS = 60_000;

/** Events a session produces on average; used to calibrate `sessionsPerWeekday`. */
export const EVENTS_PER_SESSION = 4.7;
/** Weekday-equivalents per week (weekends see 8% of a weekday's sessions). */
export const WEEKDAY_EQUIVALENTS_PER_WEEK = 5.16;

const LATEST_LOCAL_MINUTE = 22 * 60 + 30;
const TOKEN_USES_PER_SESSION = 2.2;
const REFRESH_EVERY_MS = 60 * MINUTE_MS;

/** Local day index → weekday, 0 = Sunday (1970-01-01 was a Thursday). */
export const weekdayOf = (localDay: number): number => (((localDay + 4) % 7) + 7) % 7;

/** Local day (in the user's zone) containing epoch ms `time`. */
export const localDayOf = (user: User, time: number): number =>
  Math.floor((time + user.utcOffsetMs) / DAY_MS);

/** Epoch ms of local midnight of `localDay` for the user. */
export const localMidnight = (user: User, localDay: number): number => localDay * DAY_MS - user.utcOffsetMs;

function updateTrip(rng: Random, user: User, localDay: number, weekend: boolean): void {
  const where = user.whereabouts;
  if (where.trip && localDay > where.trip.returnDay) where.trip = undefined;
  if (!user.travels || where.trip || weekend || !rng.chance(1 / 25)) return;
  const destinations = CITIES.filter((city) => city.isps.length > 0 && distanceKm(city, user.homeCity) > 400);
  const city = rng.pick(destinations);
  where.trip = {
    place: residentialPlace(rng, city),
    departDay: localDay,
    returnDay: localDay + rng.int(3, 7),
  };
}

/** Minutes after local midnight at which a session starts. */
function sessionStartMinute(rng: Random, user: User): number {
  const roll = rng.float();
  if (roll < 0.85) return rng.between(user.workStartMinute, user.workEndMinute - 20);
  if (roll < 0.95) return rng.between(user.workEndMinute, Math.max(user.workEndMinute + 1, 21 * 60 + 30));
  return rng.between(7 * 60, user.workStartMinute);
}

/** Today's place, unless moving there from the last place would be faster than a flight. */
function placeForDay(ctx: UserActivityContext, user: User, firstStart: number): Place {
  const where = user.whereabouts;
  let wanted: Place = user.home;
  if (where.trip) wanted = where.trip.place;
  else if (user.usesVpn && ctx.rng.chance(0.35)) wanted = ctx.rng.pick(ctx.vpnPlaces);
  const last = where.lastPlace;
  if (wanted === last || where.lastActiveAt === 0) return wanted;
  const from = { lat: last.geo.lat!, lon: last.geo.lon! };
  const to = { lat: wanted.geo.lat!, lon: wanted.geo.lon! };
  return firstStart - where.lastActiveAt >= plausibleTravelMs(from, to) ? wanted : last;
}

/** Decides the user's sessions of `localDay` and appends them to `plans`. */
export function planUserDay(
  ctx: UserActivityContext,
  user: User,
  localDay: number,
  plans: SessionPlan[],
): void {
  const { rng } = ctx;
  const weekday = weekdayOf(localDay);
  const weekend = weekday === 0 || weekday === 6;
  updateTrip(rng, user, localDay, weekend);
  const trip = user.whereabouts.trip;
  if (trip && (localDay === trip.departDay || localDay === trip.returnDay)) return;
  const mean = ctx.sessionsPerWeekday * user.activityScale * (weekend ? 0.08 : 1) * (trip ? 0.6 : 1);
  const count = rng.poisson(mean);
  if (count === 0) return;
  const midnight = localMidnight(user, localDay);
  const starts: number[] = [];
  for (let i = 0; i < count; i++)
    starts.push(midnight + Math.floor(sessionStartMinute(rng, user) * MINUTE_MS));
  starts.sort((a, b) => a - b);
  const place = placeForDay(ctx, user, starts[0]!);
  const latest = midnight + LATEST_LOCAL_MINUTE * MINUTE_MS;
  let lastEnd = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const durationMs = Math.round(Math.min(240, Math.max(5, rng.logNormal(50, 0.7))) * MINUTE_MS);
    plans.push({ user, place, start, durationMs, latest, withMfa: i === 0 || rng.chance(0.2) });
    // Upper bound of the session's last event: MFA within 2 minutes, log-off within 1 after the end.
    lastEnd = Math.max(lastEnd, Math.min(latest, start + 2 * MINUTE_MS + durationMs) + MINUTE_MS);
  }
  user.whereabouts.lastPlace = place;
  user.whereabouts.lastActiveAt = lastEnd;
}

/** Turns a planned session into its events. */
export function startSession(ctx: UserActivityContext, plan: SessionPlan): void {
  const { rng, ids, queue } = ctx;
  const { user, place, start, latest } = plan;
  const actor: Actor = { identity: user.identity, identityType: 'user' };
  const device = user.devices[rng.pickCumulative(user.deviceWeights)]!;
  const access: Access = deviceAccess(place, device);
  const application = user.applications[rng.pickCumulative(user.applicationWeights)]!;
  const session = sessionId(ids);
  const token = tokenId(ids);
  const push = (time: number, facts: Parameters<typeof authEvent>[4]): void => {
    queue.push({ event: authEvent(ids, time, actor, access, facts) });
  };
  if (rng.chance(0.03)) {
    push(start - rng.int(8_000, SESSION_LEAD_MS), {
      action: 'sign_in',
      outcome: 'failure',
      reason: 'invalid_password',
      authMethod: 'password',
      application,
    });
  }
  push(start, {
    action: 'sign_in',
    outcome: 'success',
    authMethod: 'password',
    application,
    sessionId: session,
    tokenId: token,
  });
  let time = start;
  if (plan.withMfa) time = planMfa(ctx, user, push, start, application, session);
  const end = Math.min(latest, time + plan.durationMs);
  const uses = rng.poisson(TOKEN_USES_PER_SESSION);
  const useTimes: number[] = [];
  for (let i = 0; i < uses; i++)
    useTimes.push(time + 20_000 + Math.floor(rng.float() * Math.max(1, end - time - 20_000)));
  useTimes.sort((a, b) => a - b);
  for (const at of useTimes) {
    const app = user.applications[rng.pickCumulative(user.applicationWeights)]!;
    push(at, {
      action: 'token_use',
      outcome: 'success',
      application: app,
      sessionId: session,
      tokenId: token,
    });
  }
  for (let at = start + REFRESH_EVERY_MS; at < end; at += REFRESH_EVERY_MS) {
    push(at, {
      action: 'token_refresh',
      outcome: 'success',
      application,
      sessionId: session,
      tokenId: token,
    });
  }
  if (rng.chance(0.4)) {
    const last = Math.max(end, useTimes.at(-1) ?? time) + rng.int(1_000, 60_000);
    push(last, { action: 'logoff', outcome: 'success', application, sessionId: session, tokenId: token });
  }
}

/** MFA after sign-in: rarely one denied or timed-out prompt, then success. Returns the time of success. */
function planMfa(
  ctx: UserActivityContext,
  user: User,
  push: (time: number, facts: Parameters<typeof authEvent>[4]) => void,
  start: number,
  application: string,
  session: string,
): number {
  const { rng } = ctx;
  let time = start + rng.int(4_000, 20_000);
  if (rng.chance(0.02)) {
    const result = rng.chance(0.5) ? 'denied' : 'timeout';
    push(time, {
      action: 'mfa',
      outcome: 'failure',
      reason: result,
      mfaFactor: user.mfaFactor,
      mfaResult: result,
      application,
      sessionId: session,
    });
    time += rng.int(20_000, 90_000);
  }
  push(time, {
    action: 'mfa',
    outcome: 'success',
    mfaFactor: user.mfaFactor,
    mfaResult: 'success',
    application,
    sessionId: session,
  });
  return time;
}
