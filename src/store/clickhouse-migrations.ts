/**
 * Versioned ClickHouse schema for the `vigil` database, applied at start.
 * `schema_migrations` records which versions ran; a migration never changes
 * once released (add a new one instead). The SQL keeps to what both
 * ClickHouse 18.16 and current servers accept: DateTime (seconds) plus a
 * millisecond column instead of DateTime64, JSON as String, no Map.
 *
 * Design: every fact table is a ReplacingMergeTree whose sorting key ends in
 * the record's deterministic id, so a replay after a crash or rebalance
 * collapses into one row (exact counts read with FINAL); partitions are
 * days (toYYYYMMDD) so retention drops whole parts; sorting keys start with
 * what dashboards filter on. Retention TTL is applied only on servers that
 * support it (19.6+).
 */
import type { ClickHouseConnection } from './clickhouse-connection.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const DAY_PARTITION = 'PARTITION BY toYYYYMMDD(time)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scored events, alerts, signals, decisions, feedback, identity risk, checkpoints',
    statements: [
      `CREATE TABLE IF NOT EXISTS {db}.events (
        event_id String, time DateTime('UTC'), time_ms UInt64, kind String, identity String,
        risk Float64, components String, detectors Array(String), pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (identity, time, event_id)`,
      `CREATE TABLE IF NOT EXISTS {db}.alerts (
        id String, time DateTime('UTC'), time_ms UInt64, identity String, identity_type String,
        detector String, severity Float64, risk Float64, summary String, evidence String,
        event_ids Array(String), pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (detector, identity, time, id)`,
      `CREATE TABLE IF NOT EXISTS {db}.signals (
        id String, time DateTime('UTC'), time_ms UInt64, subject String, event_type String,
        payload String, pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (subject, time, id)`,
      `CREATE TABLE IF NOT EXISTS {db}.decisions (
        id String, time DateTime('UTC'), time_ms UInt64, identity String, action String,
        risk Float64, reason String, alert_ids Array(String), pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (identity, time, id)`,
      `CREATE TABLE IF NOT EXISTS {db}.feedback (
        id String, time DateTime('UTC'), time_ms UInt64, alert_id String, verdict String,
        note String, author String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (alert_id, time, id)`,
      `CREATE TABLE IF NOT EXISTS {db}.identity_risk (
        identity String, time DateTime('UTC'), time_ms UInt64, risk Float64, pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (identity, time)`,
      `CREATE TABLE IF NOT EXISTS {db}.checkpoints (
        pipeline String, source String, partition Int32, offset String, state String,
        saved_at_ms UInt64
      ) ENGINE = ReplacingMergeTree(saved_at_ms) ORDER BY (pipeline, source, partition)`,
    ],
  },
  {
    // The audit chain (src/audit/): no TTL (not in RETAINED_TABLES); a retried insert of the same
    // (chain, seq) collapses, read with FINAL. Privacy forget erases a record's content by deleting
    // its row (mutation) and inserting it again with subject '', payload '{}' and erased = 1.
    version: 2,
    name: 'audit trail: hash-chained records and signed checkpoints',
    statements: [
      `CREATE TABLE IF NOT EXISTS {db}.audit (
        chain String, seq UInt64, time DateTime('UTC'), time_ms UInt64, kind String, actor String,
        subject String, ref String, payload String, content_digest String, erased UInt8,
        prev_hash String, hash String
      ) ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(time) ORDER BY (chain, seq)`,
      `CREATE TABLE IF NOT EXISTS {db}.audit_checkpoints (
        chain String, seq UInt64, hash String, time_ms UInt64, kid String, jws String
      ) ENGINE = ReplacingMergeTree ORDER BY (chain, seq)`,
    ],
  },
  {
    version: 4,
    name: 'decisions explained (rule, mode, actor, detail); dead letters',
    statements: [
      `ALTER TABLE {db}.decisions ADD COLUMN rule String, ADD COLUMN mode String,
        ADD COLUMN actor String, ADD COLUMN detail String`,
      `CREATE TABLE IF NOT EXISTS {db}.dead_letters (
        id String, time DateTime('UTC'), time_ms UInt64, reason String, field String, message String,
        raw String, raw_truncated UInt8, origin String, pipeline String
      ) ENGINE = ReplacingMergeTree ${DAY_PARTITION} ORDER BY (time, id)`,
    ],
  },
];

/** Tables with a `time` column that retention applies to. */
export const RETAINED_TABLES = ['events', 'alerts', 'signals', 'decisions', 'identity_risk'] as const;

export interface MigrationResult {
  applied: number[];
  /** Whether the retention TTL was set (false on servers without TTL or when no retention is configured). */
  retention: boolean;
}

/** Creates the database and applies every migration not yet recorded, in order. */
export async function migrate(
  connection: ClickHouseConnection,
  options: { retentionDays?: number; pipeline?: string } = {},
): Promise<MigrationResult> {
  await connection.command('CREATE DATABASE IF NOT EXISTS {db}');
  await connection.command(
    `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (
      version UInt32, name String, applied_at DateTime('UTC')
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await connection.select<{ version: number }>('SELECT version FROM {db}.schema_migrations FINAL')).map(
      (row) => Number(row.version),
    ),
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) await connection.command(statement);
    await connection.insert('schema_migrations', [
      { version: migration.version, name: migration.name, applied_at: clickhouseDateTime(Date.now()) },
    ]);
    applied.push(migration.version);
  }
  const retention = await applyRetention(connection, options.retentionDays);
  return { applied, retention };
}

async function applyRetention(connection: ClickHouseConnection, days: number | undefined): Promise<boolean> {
  if (!days || !(await connection.capabilities()).ttl) return false;
  const whole = Math.max(1, Math.floor(days));
  for (const table of RETAINED_TABLES) {
    await connection.command(`ALTER TABLE {db}.${table} MODIFY TTL time + INTERVAL ${whole} DAY`);
  }
  return true;
}

/** `YYYY-MM-DD hh:mm:ss` in UTC: the DateTime text form every ClickHouse version parses. */
export function clickhouseDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
