/**
 * Session reuse (token theft): the victim's recent session id and token are
 * replayed from another country, network and device, as token use and
 * refresh, without any sign-in.
 */
import { type Actor, authEvent, deviceAccess } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { pickVictimUser, unseenResidentialPlace } from './targets.js';

/**
 * The stolen session must still be in the victim's baseline, which keeps only a few sessions: a
 * session hours old may already have made room for others, so only a fresh one is replayed.
 */
const FRESH_SESSION_MS = 2 * 60 * MINUTE_MS;

export const sessionReuse: Scenario = {
  name: 'session_reuse',
  target: 'user',
  eventRange: [2, 6],
  inject(ctx) {
    const user = pickVictimUser(ctx, (_, history) => {
      const session = history.lastSession;
      return session !== undefined && ctx.now - session.time < FRESH_SESSION_MS;
    });
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const history = ctx.history.get(user.identity)!;
    const stolen = history.lastSession!;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const access = deviceAccess(
      unseenResidentialPlace(ctx, user, history, { minKm: 1500 }),
      newDevice(rng, false),
    );
    const start = ctx.now + rng.int(1, 10) * MINUTE_MS;
    const times = spreadTimes(ctx, start, rng.int(5, 30) * MINUTE_MS, sized(ctx, 2, 6));
    times.forEach((at, i) => {
      const application = rng.chance(0.7)
        ? (stolen.application ?? user.applications[0])
        : rng.pick(user.applications);
      ctx.emit(
        authEvent(ids, at, actor, access, {
          action: i === 0 || rng.chance(0.3) ? 'token_refresh' : 'token_use',
          outcome: 'success',
          application,
          sessionId: stolen.sessionId,
          tokenId: stolen.tokenId,
        }),
      );
    });
    return user.identity;
  },
};
