/**
 * Non-human accounts: each job signs in with client credentials from its one
 * datacenter address on a fixed period (small jitter), then uses the token a
 * few times within minutes. Night-time runs are normal for these accounts.
 */
import { type Access, type Actor, authEvent, sessionId, tokenId } from './auth-events.js';
import type { EventQueue } from './event-queue.js';
import type { ServiceAccount } from './population.js';
import type { Random } from './random.js';

export interface ServiceAccountContext {
  rng: Random;
  ids: Random;
  queue: EventQueue;
}

/** Plans the runs of `account` whose scheduled time falls in [from, to). */
export function planServiceAccountRuns(
  ctx: ServiceAccountContext,
  account: ServiceAccount,
  from: number,
  to: number,
): void {
  const first = Math.ceil((from - account.phaseMs) / account.periodMs) * account.periodMs + account.phaseMs;
  for (let scheduled = first; scheduled < to; scheduled += account.periodMs) {
    planRun(ctx, account, scheduled + ctx.rng.int(0, 30_000));
  }
}

function planRun(ctx: ServiceAccountContext, account: ServiceAccount, start: number): void {
  const { rng, ids, queue } = ctx;
  const actor: Actor = { identity: account.identity, identityType: 'service_account' };
  const access: Access = { place: account.place, device: undefined, userAgent: account.userAgent };
  const session = sessionId(ids);
  const token = tokenId(ids);
  const application = account.application;
  queue.push({
    event: authEvent(ids, start, actor, access, {
      action: 'sign_in',
      outcome: 'success',
      authMethod: 'client_credentials',
      application,
      sessionId: session,
      tokenId: token,
    }),
  });
  let time = start;
  const uses = rng.int(1, 3);
  for (let i = 0; i < uses; i++) {
    time += rng.int(2_000, 90_000);
    queue.push({
      event: authEvent(ids, time, actor, access, {
        action: 'token_use',
        outcome: 'success',
        application,
        sessionId: session,
        tokenId: token,
      }),
    });
  }
}
