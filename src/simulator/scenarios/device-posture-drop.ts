/**
 * Device posture drop: the victim's own managed, compliant laptop (the one
 * they use most) suddenly reports it is out of compliance and its EDR agent
 * is no longer running, the way a compromised endpoint or a user tampering
 * with controls looks from the identity provider; in the same session it
 * reaches for a sensitive application. Same person, place and hour: only the
 * device's posture changed.
 */
import { SENSITIVE_APPLICATIONS } from '../applications.js';
import { type Actor, deviceAccess } from '../auth-events.js';
import type { Device } from '../devices.js';
import { MINUTE_MS } from '../options.js';
import type { User } from '../population.js';
import { type Scenario, sized, spreadTimes } from './scenario.js';
import { emitSignIn, emitTokenUses, nextLocalTime, pickVictimUser } from './targets.js';

const EDR_STATES = ['disabled', 'not_running', 'missing'] as const;

const healthyPrimary = (user: User) => {
  const posture = user.devices[0].posture;
  return posture.managed === true && posture.compliant === true && posture.edr === 'active';
};

export const devicePostureDrop: Scenario = {
  name: 'device_posture_drop',
  target: 'user',
  eventRange: [2, 5],
  inject(ctx) {
    const user = pickVictimUser(ctx, healthyPrimary);
    if (!user) return undefined;
    const { rng } = ctx;
    const actor: Actor = { identity: user.identity, identityType: 'user' };
    const usual = user.devices[0];
    // A copy: the victim's device in the population keeps its posture for ordinary traffic.
    const degraded: Device = {
      posture: { ...usual.posture, compliant: false, edr: rng.pick(EDR_STATES) },
      userAgent: usual.userAgent,
    };
    const access = deviceAccess(user.home, degraded);
    const start = nextLocalTime(ctx, user, user.workStartMinute, user.workEndMinute);
    const handle = emitSignIn(ctx, actor, access, start, user.applications[0]);
    const sensitive = user.applications.find((app) => SENSITIVE_APPLICATIONS.includes(app));
    const target = sensitive ?? rng.pick(SENSITIVE_APPLICATIONS);
    const times = spreadTimes(ctx, start + MINUTE_MS, 20 * MINUTE_MS, 1 + sized(ctx, 0, 3));
    emitTokenUses(ctx, handle, times, (i) => (i === 0 ? target : rng.pick(user.applications)));
    return user.identity;
  },
};
