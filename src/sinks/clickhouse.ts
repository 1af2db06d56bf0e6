/**
 * ClickHouse sink: buffers a batch's scored events, alerts, signals,
 * decisions, dead letters and identity-risk snapshots and inserts them (JSONEachRow) on flush. Applies
 * the schema migrations before the first insert. When ClickHouse is down,
 * flush retries with exponential backoff, logging each attempt, up to
 * `maxRetryMs`; until it succeeds the runner does not commit the source, so
 * consumption pauses and catches up when the server returns. Past the limit
 * flush throws and the process stops uncommitted (a restart replays; rows
 * collapse by id). Buffering is bounded: `write` flushes first when the
 * buffer would pass `maxBufferedRows`.
 */

import type { BatchOutput, Sink } from '../engine/types.js';
import type { Logger } from '../logging.js';
import {
  applyClickHouseRetentionPlan,
  hasRetention,
  type RetentionByTable,
  retentionPlan,
} from '../privacy/retention.js';
import { ClickHouseConnection, type ClickHouseConnectionOptions } from '../store/clickhouse-connection.js';
import { migrate } from '../store/clickhouse-migrations.js';
import {
  alertRow,
  deadLetterRow,
  decisionRow,
  eventRow,
  identityRiskRows,
  signalRow,
  signalsOf,
} from './clickhouse-rows.js';

export interface ClickHouseSinkOptions extends ClickHouseConnectionOptions {
  pipeline: string;
  /** Give up a flush (throw) after retrying this long. */
  maxRetryMs: number;
  /** First backoff; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxBufferedRows?: number;
  retentionDays?: number;
  /** Days per table, overriding `retentionDays` (src/privacy/retention.ts). */
  retentionByTable?: RetentionByTable;
  /** Servers without TTL: how often expired rows are deleted (default hourly). */
  retentionEveryMs?: number;
  /** Which streams to store (default all). */
  store?: { scores?: boolean; alerts?: boolean; signals?: boolean; dead_letters?: boolean };
  logger?: Logger;
}

type Table = 'events' | 'alerts' | 'signals' | 'decisions' | 'identity_risk' | 'dead_letters';
const TABLES: readonly Table[] = [
  'events',
  'alerts',
  'signals',
  'decisions',
  'identity_risk',
  'dead_letters',
];

export class ClickHouseSink implements Sink {
  readonly name = 'clickhouse';
  readonly connection: ClickHouseConnection;
  private readonly buffers: Record<Table, object[]> = {
    events: [],
    alerts: [],
    signals: [],
    decisions: [],
    identity_risk: [],
    dead_letters: [],
  };
  private buffered = 0;
  private migrated = false;
  private lastRetentionMs: number | undefined;
  private retentionTtlSet = false;
  /** Flush attempts that failed and were retried (for tests and metrics). */
  retries = 0;
  /** Called for each failed attempt that will be retried (e.g. the store-write-error metric). */
  onRetry: ((what: string) => void) | undefined;

  constructor(private readonly options: ClickHouseSinkOptions) {
    this.connection = new ClickHouseConnection(options);
  }

  async write(output: BatchOutput): Promise<void> {
    const incoming =
      output.scores.length * 2 +
      output.alerts.length +
      signalsOf(output).length +
      (output.decisions?.length ?? 0) +
      output.deadLetters.length;
    if (this.buffered > 0 && this.buffered + incoming > (this.options.maxBufferedRows ?? 200_000)) {
      await this.flush();
    }
    const { pipeline } = this.options;
    const store = this.options.store ?? {};
    if (store.scores !== false) {
      for (const score of output.scores) this.buffers.events.push(eventRow(score, pipeline));
      this.buffers.identity_risk.push(...identityRiskRows(output.scores, pipeline));
    }
    if (store.alerts !== false)
      for (const alert of output.alerts) this.buffers.alerts.push(alertRow(alert, pipeline));
    if (store.signals !== false) {
      const fallback = output.scores.at(-1)?.time ?? Date.now();
      for (const signal of signalsOf(output))
        this.buffers.signals.push(signalRow(signal, pipeline, fallback));
    }
    for (const decision of output.decisions ?? [])
      this.buffers.decisions.push(decisionRow(decision, pipeline));
    if (store.dead_letters !== false && output.deadLetters.length > 0) {
      const receivedMs = Date.now();
      for (const letter of output.deadLetters)
        this.buffers.dead_letters.push(deadLetterRow(letter, receivedMs, pipeline));
    }
    this.buffered = TABLES.reduce((sum, table) => sum + this.buffers[table].length, 0);
  }

  async flush(): Promise<void> {
    await this.withRetry('migrate', async () => {
      if (this.migrated) return;
      await migrate(this.connection, { retentionDays: this.options.retentionDays });
      this.migrated = true;
    });
    for (const table of TABLES) {
      const rows = this.buffers[table];
      if (rows.length === 0) continue;
      await this.withRetry(`insert ${table}`, () => this.connection.insert(table, rows));
      this.buffers[table] = [];
    }
    this.buffered = 0;
    await this.maybeApplyRetention();
  }

  /**
   * Retention per table (src/privacy/retention.ts): a TTL once on servers that have it, else
   * periodic deletes of expired rows. A failure is logged and retried later; it never fails a flush.
   */
  private async maybeApplyRetention(): Promise<void> {
    const plan = retentionPlan(this.options.retentionDays, this.options.retentionByTable);
    if (!hasRetention(plan) || this.retentionTtlSet) return;
    const nowMs = Date.now();
    const every = this.options.retentionEveryMs ?? 3_600_000;
    if (this.lastRetentionMs !== undefined && nowMs - this.lastRetentionMs < every) return;
    this.lastRetentionMs = nowMs;
    try {
      const result = await applyClickHouseRetentionPlan(this.connection, plan, nowMs);
      this.retentionTtlSet = result.mode === 'ttl';
      this.options.logger?.info(
        { sink: this.name, retention: plan, mode: result.mode, expired: result.matched },
        'clickhouse retention applied',
      );
    } catch (error) {
      this.options.logger?.warn(
        { sink: this.name, err: (error as Error).message },
        'clickhouse retention failed; will retry',
      );
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async withRetry(what: string, attempt: () => Promise<void>): Promise<void> {
    const started = Date.now();
    let backoff = this.options.initialBackoffMs ?? 250;
    for (let tries = 1; ; tries++) {
      try {
        await attempt();
        if (tries > 1) this.options.logger?.info({ sink: this.name, what, tries }, 'clickhouse is back');
        return;
      } catch (error) {
        const waited = Date.now() - started;
        if (isRejectedData(error) || waited + backoff > this.options.maxRetryMs) throw error;
        this.retries += 1;
        this.onRetry?.(what);
        this.options.logger?.warn(
          { sink: this.name, what, tries, retry_in_ms: backoff, err: (error as Error).message },
          'clickhouse flush failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
      }
    }
  }
}

/**
 * ClickHouse error codes that mean the server rejected the rows or the
 * statement itself (parse errors, type mismatches, unknown columns): retrying
 * cannot help, so the flush fails at once instead of stalling consumption.
 * Anything else (connection refused, timeouts, memory limits, too many
 * parts) is treated as transient.
 */
const REJECTED_DATA_CODES = new Set([
  '6',
  '26',
  '27',
  '38',
  '41',
  '53',
  '62',
  '69',
  '70',
  '72',
  '117',
  '130',
]);

function isRejectedData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && REJECTED_DATA_CODES.has(code);
}
