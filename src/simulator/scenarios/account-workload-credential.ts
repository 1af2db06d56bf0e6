/**
 * New workload credential: with a stolen admin session, an attacker adds a
 * secret of their own to a service principal that already holds broad
 * permissions (persistence that outlives the admin's password reset).
 */
import { MINUTE_MS } from '../options.js';
import { accountChange } from './account-change.js';
import type { Scenario } from './scenario.js';
import { externalPlace, pickVictimUser } from './targets.js';

export const newWorkloadCredential: Scenario = {
  name: 'new_workload_credential',
  target: 'user',
  eventRange: [1, 1],
  inject(ctx) {
    const admin = pickVictimUser(ctx);
    // A service account with a history: a credential on an account nobody uses would be noise, not an attack.
    const accounts = ctx.world.serviceAccounts.filter((account) => ctx.history.isMature(account.identity));
    if (!admin || accounts.length === 0) return undefined;
    const { rng, ids } = ctx;
    const account = rng.pick(accounts);
    ctx.emit(
      accountChange(ids, ctx.now + rng.int(2, 30) * MINUTE_MS, {
        identity: account.identity,
        identity_type: 'service_account',
        change: 'credential_added',
        actor: admin.identity,
        src_ip: externalPlace(ctx, admin).ip,
      }),
    );
    return admin.identity;
  },
};
