/**
 * Victim and location choices shared by the scenarios: mature identities not
 * attacked recently, places the victim has never been seen at, and the next
 * moment that is a given local time of day for the victim.
 */
import { type Access, type Actor, authEvent, sessionId, tokenId } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { CITIES, type City, distanceKm, HOSTING_NETWORKS } from '../geography.js';
import type { IdentityHistory } from '../history.js';
import { hostingPlace, type Place, residentialPlace } from '../network.js';
import { MINUTE_MS } from '../options.js';
import type { User } from '../population.js';
import type { Workload } from '../service-graph.js';
import { localDayOf, localMidnight } from '../user-activity.js';
import { type ScenarioContext, sized, spreadTimes } from './scenario.js';

const REST_BETWEEN_ATTACKS_MS = 3 * 24 * 3_600_000;

function eligible(ctx: ScenarioContext, identity: string): IdentityHistory | undefined {
  if (!ctx.history.isMature(identity)) return undefined;
  const history = ctx.history.get(identity)!;
  if (history.attackedAt !== 0 && ctx.now - history.attackedAt < REST_BETWEEN_ATTACKS_MS) return undefined;
  return history;
}

/** Prefers identities never attacked; falls back to those rested long enough. */
function choose<T>(ctx: ScenarioContext, candidates: { item: T; history: IdentityHistory }[]): T | undefined {
  const fresh = candidates.filter((candidate) => candidate.history.attackedAt === 0);
  const pool = fresh.length > 0 ? fresh : candidates;
  return pool.length > 0 ? ctx.rng.pick(pool).item : undefined;
}

/**
 * A mature user who neither travels nor uses the VPN, so that the incident is
 * the only unusual thing about them; `accept` narrows further.
 */
export function pickVictimUser(
  ctx: ScenarioContext,
  accept: (user: User, history: IdentityHistory) => boolean = () => true,
): User | undefined {
  const candidates: { item: User; history: IdentityHistory }[] = [];
  for (const user of ctx.world.users) {
    // Leavers are the dormant-account scenario's alone: any event of theirs would end their silence.
    if (user.travels || user.usesVpn || ctx.world.retiredUsers.has(user.identity)) continue;
    const history = eligible(ctx, user.identity);
    if (history && accept(user, history)) candidates.push({ item: user, history });
  }
  return choose(ctx, candidates);
}

/** Up to `count` distinct mature users, for attacks that sweep many accounts. */
export function pickManyUsers(ctx: ScenarioContext, count: number): User[] {
  const mature = ctx.world.users.filter(
    (user) => !ctx.world.retiredUsers.has(user.identity) && eligible(ctx, user.identity) !== undefined,
  );
  return ctx.rng.sample(mature, count);
}

export function pickVictimWorkload(
  ctx: ScenarioContext,
  accept: (workload: Workload, history: IdentityHistory) => boolean = () => true,
): Workload | undefined {
  const candidates: { item: Workload; history: IdentityHistory }[] = [];
  for (const workload of ctx.world.graph.workloads) {
    const history = eligible(ctx, workload.identity);
    if (history && accept(workload, history)) candidates.push({ item: workload, history });
  }
  return choose(ctx, candidates);
}

export interface ForeignPlaceRule {
  minKm?: number;
  maxKm?: number;
}

/**
 * A residential connection in a country and on a network the user has never
 * been seen in. Honors the distance band when any city fits it, otherwise
 * takes the nearest unseen country beyond `minKm`.
 */
export function unseenResidentialPlace(
  ctx: ScenarioContext,
  user: User,
  history: IdentityHistory,
  rule: ForeignPlaceRule = {},
): Place {
  const minKm = rule.minKm ?? 0;
  const maxKm = rule.maxKm ?? Infinity;
  const unseen = CITIES.filter(
    (city) =>
      !history.countries.has(city.country) &&
      city.country !== user.homeCity.country &&
      city.isps.some((asn) => !history.asns.has(asn)) &&
      distanceKm(city, user.homeCity) >= minKm,
  );
  const banded = unseen.filter((city) => distanceKm(city, user.homeCity) <= maxKm);
  if (unseen.length === 0) {
    const abroad = CITIES.filter((city) => city.country !== user.homeCity.country && city.isps.length > 0);
    return residentialPlace(ctx.rng, ctx.rng.pick(abroad));
  }
  const city: City =
    banded.length > 0
      ? ctx.rng.pick(banded)
      : unseen.reduce((best, city) =>
          distanceKm(city, user.homeCity) < distanceKm(best, user.homeCity) ? city : best,
        );
  const asn = ctx.rng.pick(city.isps.filter((isp) => !history.asns.has(isp)));
  return residentialPlace(ctx.rng, city, asn);
}

/** An address at a cloud or VPS provider, or a home connection abroad. */
export function externalPlace(ctx: ScenarioContext, user: User | undefined): Place {
  if (ctx.rng.chance(0.5) || !user) return hostingPlace(ctx.rng, ctx.rng.pick(HOSTING_NETWORKS));
  const foreign = CITIES.filter((city) => city.country !== user.homeCity.country && city.isps.length > 0);
  return residentialPlace(ctx.rng, ctx.rng.pick(foreign));
}

/**
 * A random moment at least five minutes after `now` whose local time of day
 * (user's home zone) lies in [fromMinute, toMinute).
 */
export function nextLocalTime(
  ctx: ScenarioContext,
  user: User,
  fromMinute: number,
  toMinute: number,
): number {
  const earliest = ctx.now + 5 * MINUTE_MS;
  for (let day = localDayOf(user, earliest); ; day++) {
    const midnight = localMidnight(user, day);
    const start = Math.max(earliest, midnight + fromMinute * MINUTE_MS);
    const end = midnight + toMinute * MINUTE_MS;
    if (end - start >= MINUTE_MS) return start + Math.floor(ctx.rng.float() * (end - start));
  }
}

/**
 * An attacker posing as `user` from an outside address on an unmanaged device
 * of their own: the actor, access and application a password attack uses.
 * Random draws, in order: the device, then the place.
 */
export function outsideAttacker(
  ctx: ScenarioContext,
  user: User,
): { actor: Actor; access: Access; application: string } {
  const actor: Actor = { identity: user.identity, identityType: 'user' };
  const device = newDevice(ctx.rng, false);
  const access: Access = { place: externalPlace(ctx, user), device, userAgent: device.userAgent };
  return { actor, access, application: user.applications[0] };
}

/** One failed password sign-in per time in `times`. */
export function emitWrongPasswords(
  ctx: ScenarioContext,
  times: readonly number[],
  attacker: { actor: Actor; access: Access; application: string },
): void {
  for (const at of times) {
    ctx.emit(
      authEvent(ctx.ids, at, attacker.actor, attacker.access, {
        action: 'sign_in',
        outcome: 'failure',
        reason: 'invalid_password',
        authMethod: 'password',
        application: attacker.application,
      }),
    );
  }
}

/** An authenticated session an incident runs in: who, through what, and its ids. */
export interface SessionHandle {
  actor: Actor;
  access: Access;
  session: string;
  token: string;
}

/**
 * A successful password sign-in at `at` opening a new session (labelled).
 * Random draws, in order: session id, token id.
 */
export function emitSignIn(
  ctx: ScenarioContext,
  actor: Actor,
  access: Access,
  at: number,
  application: string,
): SessionHandle {
  const session = sessionId(ctx.ids);
  const token = tokenId(ctx.ids);
  ctx.emit(
    authEvent(ctx.ids, at, actor, access, {
      action: 'sign_in',
      outcome: 'success',
      authMethod: 'password',
      application,
      sessionId: session,
      tokenId: token,
    }),
  );
  return { actor, access, session, token };
}

/** MFA passed with `factor` at `at`, in the session (labelled). No random draws. */
export function emitMfaPassed(
  ctx: ScenarioContext,
  handle: SessionHandle,
  at: number,
  factor: string,
  application: string,
): void {
  ctx.emit(
    authEvent(ctx.ids, at, handle.actor, handle.access, {
      action: 'mfa',
      outcome: 'success',
      mfaFactor: factor,
      mfaResult: 'success',
      application,
      sessionId: handle.session,
    }),
  );
}

/**
 * One token use per time in `times`, in the session (labelled); `applicationOf`
 * is called once per use, in order, so any draws it makes keep their order.
 */
export function emitTokenUses(
  ctx: ScenarioContext,
  handle: SessionHandle,
  times: readonly number[],
  applicationOf: (index: number) => string,
): void {
  times.forEach((at, index) => {
    ctx.emit(
      authEvent(ctx.ids, at, handle.actor, handle.access, {
        action: 'token_use',
        outcome: 'success',
        application: applicationOf(index),
        sessionId: handle.session,
        tokenId: handle.token,
      }),
    );
  });
}

/**
 * A successful session as an attacker (or the victim) runs it: a password
 * sign-in at `start`, MFA passed `mfaDelayMs` later, then up to `maxUses`
 * token uses (sized by intensity) spread over `useSpanMs` after the first
 * minute, each on one of the user's applications. Every event is labelled.
 * Random draws, in order: session id, token id, MFA delay, use count and
 * times, one application per use.
 */
export function emitSession(
  ctx: ScenarioContext,
  user: User,
  actor: Actor,
  access: Access,
  start: number,
  options: { mfaDelayMs: readonly [number, number]; useSpanMs: number; maxUses: number },
): void {
  const { rng } = ctx;
  const application = user.applications[0];
  const handle = emitSignIn(ctx, actor, access, start, application);
  emitMfaPassed(
    ctx,
    handle,
    start + rng.int(options.mfaDelayMs[0], options.mfaDelayMs[1]),
    user.mfaFactor,
    application,
  );
  const times = spreadTimes(ctx, start + MINUTE_MS, options.useSpanMs, sized(ctx, 0, options.maxUses));
  emitTokenUses(ctx, handle, times, () => rng.pick(user.applications));
}
