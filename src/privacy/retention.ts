/**
 * Retention per table: how many days each stored stream is kept, for the
 * SQLite and ClickHouse stores. `retention_days` (the older single setting)
 * stays the default for every table it always covered; `retention.<table>`
 * overrides it per table. Feedback is kept unless `retention.feedback` is
 * set (verdicts feed suppressions and precision figures, so they do not
 * silently age out with the events). Applying it: SQLite and ClickHouse
 * servers without TTL (before 19.6) delete periodically by time; servers
 * with TTL get a table TTL once.
 *
 * Only table names from RETENTION_TABLES and whole day counts ever reach SQL.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { Database } from 'better-sqlite3';
import type { ClickHouseConnection } from '../store/clickhouse-connection.js';

export const RETENTION_TABLES = [
  'events',
  'alerts',
  'decisions',
  'signals',
  'dead_letters',
  'feedback',
  'identity_risk',
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** Tables the single `retention_days` applies to (all but feedback). */
const DEFAULT_COVERED: readonly RetentionTable[] = RETENTION_TABLES.filter((t) => t !== 'feedback');

const days = (table: string) =>
  Type.Optional(
    Type.Integer({ minimum: 1, description: `days to keep ${table} (overrides retention_days)` }),
  );

export const RetentionByTableSchema = Type.Object(
  Object.fromEntries(RETENTION_TABLES.map((table) => [table, days(table)])) as Record<
    RetentionTable,
    ReturnType<typeof days>
  >,
  { additionalProperties: false, description: 'days to keep each table; unset tables use retention_days' },
);
export type RetentionByTable = Static<typeof RetentionByTableSchema>;

export type RetentionPlan = Partial<Record<RetentionTable, number>>;

/** Days per table from the single default and the per-table overrides; tables without either are kept. */
export function retentionPlan(defaultDays?: number, perTable: RetentionByTable = {}): RetentionPlan {
  const plan: RetentionPlan = {};
  for (const table of RETENTION_TABLES) {
    const value = perTable[table] ?? (DEFAULT_COVERED.includes(table) ? defaultDays : undefined);
    if (value !== undefined) plan[table] = Math.max(1, Math.floor(value));
  }
  return plan;
}

export const hasRetention = (plan: RetentionPlan) => Object.keys(plan).length > 0;

/** Deletes rows older than each table's retention from the SQLite store; rows deleted per table. */
export function applySqliteRetentionPlan(
  db: Database,
  plan: RetentionPlan,
  nowMs: number,
): Record<string, number> {
  const deleted: Record<string, number> = {};
  db.transaction(() => {
    for (const [table, keep] of Object.entries(plan) as [RetentionTable, number][]) {
      const cutoffMs = Math.floor(nowMs - keep * 86_400_000);
      deleted[table] = db.prepare(`DELETE FROM ${table} WHERE time_ms < ?`).run(cutoffMs).changes;
    }
  }).immediate();
  return deleted;
}

/**
 * ClickHouse: a TTL per table on servers that have it (19.6+), set once; otherwise an
 * `ALTER TABLE … DELETE` of rows past retention for each table that has any (call periodically).
 * Returns how it was applied and, for deletes, the rows matched per table.
 */
export async function applyClickHouseRetentionPlan(
  connection: ClickHouseConnection,
  plan: RetentionPlan,
  nowMs: number,
): Promise<{ mode: 'ttl' | 'delete'; matched: Record<string, number> }> {
  const matched: Record<string, number> = {};
  const ttl = (await connection.capabilities()).ttl;
  const existing = new Set(
    (
      await connection.select<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = {database:String}',
        {
          database: connection.database,
        },
      )
    ).map((row) => row.name),
  );
  for (const [table, keep] of Object.entries(plan) as [RetentionTable, number][]) {
    if (!existing.has(table)) continue;
    if (ttl) {
      await connection.command(`ALTER TABLE {db}.${table} MODIFY TTL time + INTERVAL ${keep} DAY`);
      continue;
    }
    const cutoff = { cutoff_s: Math.floor(nowMs / 1000) - keep * 86_400 };
    const rows = await connection.select<{ n: string | number }>(
      `SELECT count() AS n FROM {db}.${table} WHERE time < toDateTime({cutoff_s:UInt32})`,
      cutoff,
    );
    matched[table] = Number(rows[0]?.n ?? 0);
    if (matched[table] > 0) {
      await connection.command(
        `ALTER TABLE {db}.${table} DELETE WHERE time < toDateTime({cutoff_s:UInt32})`,
        cutoff,
      );
    }
  }
  return { mode: ttl ? 'ttl' : 'delete', matched };
}
