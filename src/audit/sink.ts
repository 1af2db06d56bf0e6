/**
 * The engine's audit sink: every decision and every signal (SET) in a batch
 * output becomes an audit record, appended when the engine flushes its
 * sinks, so the source is committed only after the batch is in the audit
 * chain. A decision's record holds what explains it: the deciding event,
 * detectors, scorer components, alerts, rule and policy version (the whole
 * DecisionRecord). A replayed batch yields the same decision ids and jtis,
 * which the log skips.
 *
 * Never drops a batch silently: a failed append fails the flush.
 */
import type { BatchOutput, Sink } from '../engine/types.js';
import type { DecisionRecord, SignalRecord } from '../risk/decisions.js';
import type { AuditLog } from './log.js';
import { type AuditEntry, ENGINE_ACTOR } from './record.js';

export function decisionEntry(decision: DecisionRecord): AuditEntry {
  const actor = (decision as { actor?: unknown }).actor;
  return {
    kind: 'decision',
    actor: typeof actor === 'string' && actor !== '' ? actor : ENGINE_ACTOR,
    subject: decision.identity,
    ref: decision.id,
    payload: decision as unknown as Record<string, unknown>,
  };
}

export function signalEntry(signal: SignalRecord): AuditEntry {
  return {
    kind: 'signal',
    actor: ENGINE_ACTOR,
    subject: signal.key,
    ref: signal.jti,
    payload: {
      jti: signal.jti,
      event_type: signal.event_type,
      ...(signal.decision_id ? { decision_id: signal.decision_id } : {}),
      set: signal.set,
    },
  };
}

export class AuditSink implements Sink {
  readonly name: string;
  private pending: AuditEntry[] = [];

  constructor(private readonly log: AuditLog) {
    this.name = `audit:${log.store.name}`;
  }

  async write(output: BatchOutput): Promise<void> {
    for (const decision of output.decisions ?? []) this.pending.push(decisionEntry(decision));
    for (const signal of output.signals ?? []) this.pending.push(signalEntry(signal));
  }

  async flush(): Promise<void> {
    const entries = this.pending;
    this.pending = [];
    try {
      // Also when empty: the log signs a time-based checkpoint when one is due.
      await this.log.append(entries);
    } catch (error) {
      // Keep them for a retried flush; a replay after a crash re-creates them (and the log skips repeats).
      this.pending = [...entries, ...this.pending];
      throw error;
    }
  }

  async close(): Promise<void> {
    this.pending = [];
    await this.log.close();
  }
}
