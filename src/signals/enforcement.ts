/**
 * In-memory enforcement state for the check endpoint: for each identity, the
 * enforced decisions still in force (each held for its rule's hold time from
 * when Vigil decided it, wall clock). Updated by the signals sink as each
 * micro-batch is written, so a gateway sees a revocation within one batch of
 * the deciding event. A lookup is one Map get and a scan of at most four
 * actions: far below a millisecond.
 *
 * Verdicts: quarantine_workload and disable_credentials deny outright;
 * revoke_sessions denies sessions authenticated before the decision (a caller
 * that proves a later `auth_time` is allowed); step_up asks for a new
 * authentication, satisfied the same way. quarantine_device holds the device
 * the deciding event named (by device id, `checkDevice`): any identity on it
 * is denied until the hold ends.
 */
import { type DecisionRecord, MANUAL_RESET_RULE } from '../risk/decisions.js';

export type Verdict = 'allow' | 'step_up' | 'deny';

export interface CheckResult {
  verdict: Verdict;
  action?: string;
  rule?: string;
  decisionId?: string;
  reason?: string;
  /** Epoch seconds of the decision: sessions authenticated after it satisfy revoke/step-up. */
  decidedAt?: number;
}

interface Hold {
  decision: DecisionRecord;
  /** Wall-clock expiry (epoch ms). */
  until: number;
}

const STRENGTH: Record<string, number> = {
  quarantine_workload: 4,
  disable_credentials: 3,
  revoke_sessions: 2,
  step_up: 1,
};

const ALLOW: CheckResult = { verdict: 'allow' };

export class EnforcementTable {
  private readonly holds = new Map<string, Map<string, Hold>>();
  /** device id → its quarantine (quarantine_device decisions hold the device, not the identity). */
  private readonly deviceHolds = new Map<string, Hold>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.holds.size;
  }

  apply(decisions: readonly DecisionRecord[] | undefined): void {
    if (!decisions) return;
    const now = this.now();
    for (const decision of decisions) {
      if (decision.rule === MANUAL_RESET_RULE) {
        this.holds.delete(decision.identity);
        continue;
      }
      if (decision.action === 'quarantine_device') {
        if (decision.mode === 'enforce' && decision.device_id && decision.hold_ms > 0)
          this.deviceHolds.set(decision.device_id, { decision, until: now + decision.hold_ms });
        continue;
      }
      if (decision.mode !== 'enforce' || !(decision.action in STRENGTH) || decision.hold_ms <= 0) continue;
      let byAction = this.holds.get(decision.identity);
      if (!byAction) {
        byAction = new Map();
        this.holds.set(decision.identity, byAction);
      }
      byAction.set(decision.action, { decision, until: now + decision.hold_ms });
    }
  }

  /** The verdict for a device: deny while it is quarantined, whoever uses it. */
  checkDevice(deviceId: string): CheckResult {
    const hold = this.deviceHolds.get(deviceId);
    if (!hold) return ALLOW;
    if (hold.until <= this.now()) {
      this.deviceHolds.delete(deviceId);
      return ALLOW;
    }
    const { decision } = hold;
    return {
      verdict: 'deny',
      action: decision.action,
      rule: decision.rule,
      decisionId: decision.id,
      reason: decision.reason,
      decidedAt: Math.floor(decision.time / 1000),
    };
  }

  /** Lifts every hold on an identity (an analyst cleared it); returns whether there was one. */
  clear(identity: string): boolean {
    return this.holds.delete(identity);
  }

  /**
   * The verdict for a subject. `authTime` (epoch seconds) is when the caller's
   * session authenticated, if the gateway knows it.
   */
  check(subject: string, authTime?: number): CheckResult {
    const byAction = this.holds.get(subject);
    if (!byAction) return ALLOW;
    const now = this.now();
    let strongest: Hold | undefined;
    for (const [action, hold] of byAction) {
      if (hold.until <= now) {
        byAction.delete(action);
        continue;
      }
      if (satisfied(hold.decision, authTime)) continue;
      if (!strongest || STRENGTH[action] > STRENGTH[strongest.decision.action]) strongest = hold;
    }
    if (byAction.size === 0) this.holds.delete(subject);
    if (!strongest) return ALLOW;
    const { decision } = strongest;
    return {
      verdict: decision.action === 'step_up' ? 'step_up' : 'deny',
      action: decision.action,
      rule: decision.rule,
      decisionId: decision.id,
      reason: decision.reason,
      decidedAt: Math.floor(decision.time / 1000),
    };
  }
}

/** A session authenticated after a revoke or step-up decision satisfies it; outright blocks cannot be satisfied. */
function satisfied(decision: DecisionRecord, authTime: number | undefined): boolean {
  if (authTime === undefined) return false;
  if (decision.action !== 'revoke_sessions' && decision.action !== 'step_up') return false;
  return authTime * 1000 > decision.time;
}
