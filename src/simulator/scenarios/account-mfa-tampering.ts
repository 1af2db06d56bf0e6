/**
 * MFA tampering after account takeover: an attacker guesses the password
 * (a handful of failures, then a success from a new place and device) and
 * within the hour registers an authenticator of their own, or removes the
 * victim's, so the takeover survives a password reset.
 */
import { authEvent, sessionId, tokenId } from '../auth-events.js';
import { MINUTE_MS } from '../options.js';
import { accountChange } from './account-change.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitWrongPasswords, outsideAttacker, pickVictimUser } from './targets.js';

export const mfaTampering: Scenario = {
  name: 'mfa_tampering',
  target: 'user',
  eventRange: [5, 8],
  inject(ctx) {
    const user = pickVictimUser(ctx);
    if (!user) return undefined;
    const { rng, ids } = ctx;
    const attacker = outsideAttacker(ctx, user);
    const { actor, access, application } = attacker;
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    const failures = spreadTimes(ctx, start, rng.int(2, 6) * MINUTE_MS, sized(ctx, 3, 5));
    emitWrongPasswords(ctx, failures, attacker);
    const signedIn = failures.at(-1)! + rng.int(20_000, 120_000);
    ctx.emit(
      authEvent(ids, signedIn, actor, access, {
        action: 'sign_in',
        outcome: 'success',
        authMethod: 'password',
        application,
        sessionId: sessionId(ids),
        tokenId: tokenId(ids),
      }),
    );
    const change = rng.chance(0.6) ? 'mfa_enrolled' : rng.chance(0.5) ? 'mfa_removed' : 'mfa_reset';
    ctx.emit(
      accountChange(ids, signedIn + rng.int(3, 40) * MINUTE_MS, {
        identity: user.identity,
        change,
        actor: user.identity,
        mfa_factor: rng.pick(['push', 'totp', 'sms']),
        src_ip: access.place.ip,
      }),
    );
    return user.identity;
  },
};
