/**
 * Password spray: one external address tries one or two common passwords
 * against 25-60 different accounts within 5-30 minutes.
 */
import { type Access, authEvent } from '../auth-events.js';
import { newDevice } from '../devices.js';
import { HOSTING_NETWORKS } from '../geography.js';
import { hostingPlace } from '../network.js';
import { MINUTE_MS } from '../options.js';
import { type Scenario, sized } from './scenario.js';
import { pickManyUsers } from './targets.js';

const MIN_ACCOUNTS = 25;

export const passwordSpray: Scenario = {
  name: 'password_spray',
  target: 'user',
  eventRange: [25, 120],
  inject(ctx) {
    const victims = pickManyUsers(ctx, sized(ctx, MIN_ACCOUNTS, 60));
    if (victims.length < MIN_ACCOUNTS) return undefined;
    const { rng, ids } = ctx;
    const device = newDevice(rng, false);
    const access: Access = {
      place: hostingPlace(rng, rng.pick(HOSTING_NETWORKS)),
      device,
      userAgent: device.userAgent,
    };
    const start = ctx.now + rng.int(1, 20) * MINUTE_MS;
    const span = rng.int(5, 30) * MINUTE_MS;
    const attempts = rng.chance(ctx.intensity * 0.5) ? 2 : 1;
    for (let round = 0; round < attempts; round++) {
      victims.forEach((victim, i) => {
        const slot = (round * victims.length + i) / (attempts * victims.length);
        const at = start + Math.floor((slot + rng.float() / (attempts * victims.length)) * span);
        ctx.emit(
          authEvent(ids, at, { identity: victim.identity, identityType: 'user' }, access, {
            action: 'sign_in',
            outcome: 'failure',
            reason: 'invalid_password',
            authMethod: 'password',
            application: 'outlook',
          }),
        );
      });
    }
    return victims[0]!.identity;
  },
};
