/**
 * Analyst feedback on alerts: a verdict (true or false positive) is appended
 * to feedback.ndjson (fsync'd) and counted. A false positive suppresses the
 * alert's pattern (identity, detector, attribute) for a while and lets the
 * alert's event teach the identity's baseline, so the same benign behaviour
 * stops alerting. Recent alerts are indexed from the engine's output (the
 * FeedbackSink); feedback recorded before a restart is re-applied at start.
 */

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditHook } from '../audit/log.js';
import type { StateStore } from '../baseline/state-store.js';
import type { AlertRecord, BatchOutput, Sink } from '../engine/types.js';
import type { Suppressions } from '../risk/policy-suppressions.js';
import type { FeedbackStore } from '../store/queries.js';

export type Verdict = 'true_positive' | 'false_positive';

export interface FeedbackEntry {
  alert_id: string;
  verdict: Verdict;
  identity: string;
  detector: string;
  attribute?: string;
  actor: string;
  note?: string;
  /** Wall-clock epoch ms. */
  at: number;
  /** Event-time end of the suppression a false positive set. */
  suppressed_until?: number;
}

export interface FeedbackOutcome {
  entry: FeedbackEntry;
  learned: boolean;
  counts: Record<Verdict, number>;
}

export interface FeedbackOptions {
  path: string;
  suppressMs: number;
  /** Alerts kept for feedback (most recent). */
  capacity?: number;
  now?: () => number;
  /** Also stores each verdict for queries (alert status, effectiveness); the NDJSON file stays the durable record. */
  store?: FeedbackStore;
  /** Called when the store refuses a verdict (it is still in the file). */
  onStoreError?: (error: Error) => void;
  /** Records each verdict in the audit trail (src/audit/), with the acting role as actor. */
  audit?: AuditHook;
}

export class FeedbackService {
  readonly counts: Record<Verdict, number> = { true_positive: 0, false_positive: 0 };
  private readonly alerts = new Map<string, AlertRecord>();
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(
    private readonly options: FeedbackOptions,
    private readonly store?: StateStore,
    private readonly suppressions?: Suppressions,
  ) {
    this.capacity = options.capacity ?? 50_000;
    this.now = options.now ?? Date.now;
    this.reload();
  }

  /** The sink that indexes alerts as the engine writes them. */
  readonly sink: Sink = {
    name: 'feedback-index',
    write: async (output: BatchOutput) => {
      for (const alert of output.alerts) this.remember(alert);
    },
    flush: async () => {},
    close: async () => {},
  };

  alert(id: string): AlertRecord | undefined {
    return this.alerts.get(id);
  }

  /** Records a verdict; undefined when the alert is unknown (expired from the index or never raised). */
  record(alertId: string, verdict: Verdict, actor: string, note?: string): FeedbackOutcome | undefined {
    const alert = this.alerts.get(alertId);
    if (!alert) return undefined;
    const entry: FeedbackEntry = {
      alert_id: alertId,
      verdict,
      identity: alert.identity,
      detector: alert.kind,
      actor,
      at: this.now(),
    };
    if (alert.feedback) entry.attribute = alert.feedback.attribute;
    if (note) entry.note = note;
    let learned = false;
    if (verdict === 'false_positive') {
      if (entry.attribute && this.suppressions) {
        entry.suppressed_until = this.suppressions.add(
          alert.identity,
          alert.kind,
          entry.attribute,
          alert.time,
          this.options.suppressMs,
          actor,
        );
      }
      learned = this.learn(alert);
    }
    this.append(entry);
    this.counts[verdict]++;
    this.storeVerdict(entry);
    void this.options.audit?.record({
      kind: 'feedback',
      actor,
      subject: alert.identity,
      payload: { ...entry },
    });
    return { entry, learned, counts: { ...this.counts } };
  }

  private learn(alert: AlertRecord): boolean {
    const event = alert.feedback?.event;
    const state = event && this.store?.get(event.identity);
    if (!event || !state) return false;
    if (event.kind === 'auth' && state.auth) state.auth.learn(event);
    else if (event.kind === 'service' && state.service) state.service.learn(event);
    else return false;
    return true;
  }

  private remember(alert: AlertRecord): void {
    this.alerts.delete(alert.id);
    if (this.alerts.size >= this.capacity) this.alerts.delete(this.alerts.keys().next().value!);
    this.alerts.set(alert.id, alert);
  }

  private storeVerdict(entry: FeedbackEntry): void {
    const store = this.options.store;
    if (!store) return;
    const id = createHash('sha256')
      .update(`${entry.alert_id}\u0000${entry.actor}\u0000${entry.at}\u0000${entry.verdict}`)
      .digest('hex')
      .slice(0, 32);
    store
      .recordFeedback({
        id,
        time_ms: entry.at,
        alert_id: entry.alert_id,
        verdict: entry.verdict,
        note: entry.note ?? '',
        author: entry.actor,
      })
      .catch((error: Error) => this.options.onStoreError?.(error));
  }

  private append(entry: FeedbackEntry): void {
    mkdirSync(dirname(this.options.path), { recursive: true });
    const fd = openSync(this.options.path, 'a');
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Re-applies suppressions and counts from feedback recorded before a restart. */
  private reload(): void {
    if (!existsSync(this.options.path)) return;
    for (const line of readFileSync(this.options.path, 'utf8').split('\n')) {
      if (line === '') continue;
      let entry: FeedbackEntry;
      try {
        entry = JSON.parse(line) as FeedbackEntry;
      } catch {
        continue;
      }
      if (entry.verdict !== 'true_positive' && entry.verdict !== 'false_positive') continue;
      this.counts[entry.verdict]++;
      if (
        entry.verdict === 'false_positive' &&
        entry.attribute &&
        entry.suppressed_until &&
        this.suppressions
      ) {
        this.suppressions.add(entry.identity, entry.detector, entry.attribute, entry.suppressed_until, 0);
      }
    }
  }
}
