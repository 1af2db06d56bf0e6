/**
 * Builds the canonical account-change events of the account scenarios
 * (privilege escalation, MFA tampering after takeover, new workload
 * credential, account change burst).
 */
import type { AccountEvent } from '../../events/schema.js';
import { eventId } from '../auth-events.js';
import type { Random } from '../random.js';

export function accountChange(
  ids: Random,
  time: number,
  facts: Pick<AccountEvent, 'identity' | 'change'> & Partial<AccountEvent>,
): AccountEvent {
  return {
    kind: 'account',
    id: eventId(ids),
    time,
    identity_type: 'user',
    actor_type: 'user',
    outcome: 'success',
    ...facts,
  };
}
