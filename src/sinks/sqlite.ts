/**
 * Embedded-store sink: writes a batch's scored events, identity-risk
 * snapshots, alerts, decisions, signals and dead letters into the SQLite
 * file (sqlite-schema.ts). One transaction per batch: the first `write`
 * after a commit opens it, `flush` commits it, so the runner commits the
 * source only once the batch is durable; `close` without a flush rolls the
 * open batch back (it will be replayed), and so does a `write` that fails. Rows carry the same deterministic
 * ids as in ClickHouse and go in with INSERT OR REPLACE, so a replayed batch
 * leaves the same rows. Values are bound, never spliced into SQL.
 *
 * Retention (`retentionDays`) deletes rows older than that, measured on the
 * wall clock like ClickHouse's TTL, at the first flush and then at most once
 * per `retentionEveryMs`.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AlertRecord, BatchOutput, DeadLetterRecord, ScoreRecord, Sink } from '../engine/types.js';
import type { Logger } from '../logging.js';
import {
  applySqliteRetentionPlan,
  hasRetention,
  type RetentionByTable,
  retentionPlan,
} from '../privacy/retention.js';
import type { DecisionRecord } from '../risk/decisions.js';
import { openSqliteStore } from '../store/sqlite-database.js';
import { applySqliteRetention } from '../store/sqlite-schema.js';
import { deadLetterId, decisionDetail, identityRiskRows, signalRow, signalsOf } from './clickhouse-rows.js';

export { deadLetterId };

export interface SqliteSinkOptions {
  /** Database file, created with its directory when missing. */
  path: string;
  pipeline: string;
  retentionDays?: number;
  /** Days per table, overriding `retentionDays` (src/privacy/retention.ts). */
  retentionByTable?: RetentionByTable;
  retentionEveryMs?: number;
  /** Wall clock for retention and dead-letter times (tests inject one). */
  now?: () => number;
  logger?: Logger;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export class SqliteSink implements Sink {
  readonly name: string;
  readonly db: Database;
  private readonly insert: Record<
    'event' | 'identityRisk' | 'alert' | 'decision' | 'signal' | 'deadLetter',
    Statement
  >;
  private readonly now: () => number;
  private inTransaction = false;
  private lastRetentionMs: number | undefined;
  private closed = false;
  /** Rows written in committed batches (for benchmarks and the demo summary). */
  rowsCommitted = 0;
  private rowsPending = 0;

  constructor(private readonly options: SqliteSinkOptions) {
    this.name = `sqlite:${options.path}`;
    this.now = options.now ?? Date.now;
    this.db = openSqliteStore(options.path);
    this.insert = {
      event: this.db.prepare(
        `INSERT OR REPLACE INTO events (event_id, time, time_ms, kind, identity, risk, components, detectors, pipeline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      identityRisk: this.db.prepare(
        'INSERT OR REPLACE INTO identity_risk (identity, time, time_ms, risk, pipeline) VALUES (?, ?, ?, ?, ?)',
      ),
      alert: this.db.prepare(
        `INSERT OR REPLACE INTO alerts (id, time, time_ms, identity, identity_type, detector, severity, risk,
           summary, evidence, event_ids, pipeline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      decision: this.db.prepare(
        `INSERT OR REPLACE INTO decisions (id, time, time_ms, identity, action, risk, reason, alert_ids, pipeline,
           rule, mode, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      signal: this.db.prepare(
        `INSERT OR REPLACE INTO signals (id, time, time_ms, subject, event_type, payload, pipeline)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      deadLetter: this.db.prepare(
        `INSERT OR REPLACE INTO dead_letters (id, time, time_ms, reason, field, message, raw, raw_truncated,
           origin, pipeline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  async write(output: BatchOutput): Promise<void> {
    if (!this.inTransaction) {
      this.db.exec('BEGIN IMMEDIATE');
      this.inTransaction = true;
    }
    try {
      this.writeRows(output);
    } catch (error) {
      // A half-written batch must never be committed by a later flush: drop the whole open transaction.
      this.db.exec('ROLLBACK');
      this.inTransaction = false;
      this.rowsPending = 0;
      throw error;
    }
  }

  private writeRows(output: BatchOutput): void {
    const { pipeline } = this.options;
    for (const score of output.scores) this.writeScore(score);
    for (const row of identityRiskRows(output.scores, pipeline) as IdentityRiskRow[]) {
      this.insert.identityRisk.run(row.identity, seconds(row.time_ms), row.time_ms, row.risk, pipeline);
    }
    for (const alert of output.alerts) this.writeAlert(alert);
    for (const decision of output.decisions ?? []) this.writeDecision(decision);
    const signalFallbackMs = output.scores.at(-1)?.time ?? this.now();
    for (const signal of signalsOf(output)) {
      const row = signalRow(signal, pipeline, signalFallbackMs) as SignalRow;
      this.insert.signal.run(
        row.id,
        seconds(row.time_ms),
        row.time_ms,
        row.subject,
        row.event_type,
        row.payload,
        pipeline,
      );
    }
    const receivedMs = Math.floor(this.now());
    for (const letter of output.deadLetters) this.writeDeadLetter(letter, receivedMs);
    this.rowsPending +=
      output.scores.length * 2 +
      output.alerts.length +
      (output.decisions?.length ?? 0) +
      signalsOf(output).length +
      output.deadLetters.length;
  }

  async flush(): Promise<void> {
    if (this.inTransaction) {
      this.db.exec('COMMIT');
      this.inTransaction = false;
      this.rowsCommitted += this.rowsPending;
      this.rowsPending = 0;
    }
    this.maybeApplyRetention();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inTransaction) {
      this.db.exec('ROLLBACK');
      this.inTransaction = false;
    }
    this.db.close();
  }

  private writeScore(score: ScoreRecord): void {
    const timeMs = Math.floor(score.time);
    this.insert.event.run(
      score.event_id,
      seconds(timeMs),
      timeMs,
      score.kind,
      score.identity,
      score.risk,
      JSON.stringify(score.components),
      JSON.stringify(score.detectors ?? []),
      this.options.pipeline,
    );
  }

  private writeAlert(alert: AlertRecord): void {
    const timeMs = Math.floor(alert.time);
    this.insert.alert.run(
      alert.id,
      seconds(timeMs),
      timeMs,
      alert.identity,
      alert.identity_type,
      alert.kind,
      alert.severity,
      alert.risk,
      alert.summary,
      JSON.stringify(alert.evidence),
      JSON.stringify(alert.event_ids),
      this.options.pipeline,
    );
  }

  private writeDecision(decision: DecisionRecord): void {
    const timeMs = Math.floor(decision.time);
    this.insert.decision.run(
      decision.id,
      seconds(timeMs),
      timeMs,
      decision.identity,
      decision.action,
      decision.score,
      decision.reason,
      JSON.stringify(decision.alert_ids ?? []),
      this.options.pipeline,
      decision.rule,
      decision.mode,
      decision.actor ?? 'engine',
      decisionDetail(decision),
    );
  }

  private writeDeadLetter(letter: DeadLetterRecord, receivedMs: number): void {
    this.insert.deadLetter.run(
      deadLetterId(letter),
      seconds(receivedMs),
      receivedMs,
      letter.reason,
      letter.field,
      letter.message,
      letter.raw,
      letter.raw_truncated ? 1 : 0,
      JSON.stringify(letter.origin),
      this.options.pipeline,
    );
  }

  private maybeApplyRetention(): void {
    const days = this.options.retentionDays;
    const plan = retentionPlan(days, this.options.retentionByTable);
    if (!hasRetention(plan)) return;
    const nowMs = this.now();
    const every = this.options.retentionEveryMs ?? 3_600_000;
    if (this.lastRetentionMs !== undefined && nowMs - this.lastRetentionMs < every) return;
    this.lastRetentionMs = nowMs;
    const deleted = this.options.retentionByTable
      ? applySqliteRetentionPlan(this.db, plan, nowMs)
      : applySqliteRetention(this.db, days ?? 0, nowMs);
    this.options.logger?.info(
      { sink: this.name, retention_days: days, retention: plan, deleted },
      'sqlite retention applied',
    );
  }
}

interface IdentityRiskRow {
  identity: string;
  time_ms: number;
  risk: number;
}
interface SignalRow {
  id: string;
  time_ms: number;
  subject: string;
  event_type: string;
  payload: string;
}
