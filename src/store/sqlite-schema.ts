/**
 * The embedded store's SQLite schema (one file, `better-sqlite3`) and its
 * upkeep: versioned migrations recorded in `schema_migrations`, WAL mode,
 * and retention. Tables and columns mirror the ClickHouse ones
 * (clickhouse-migrations.ts) so both stores answer the same queries with the
 * same meaning: `time` is whole UTC seconds, `time_ms` the exact time, JSON
 * and arrays are TEXT. Where ClickHouse collapses replays with
 * ReplacingMergeTree, here the deterministic id is the PRIMARY KEY and rows
 * go in with INSERT OR REPLACE (the last write wins, as in ClickHouse).
 *
 * Never builds SQL from user values: only table names from the constant list
 * below are interpolated; every value is a bound parameter.
 */
import type { Database } from 'better-sqlite3';

export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'scored events, alerts, signals, decisions, feedback, identity risk, dead letters, checkpoints',
    sql: `
      CREATE TABLE events (
        event_id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, kind TEXT NOT NULL,
        identity TEXT NOT NULL, risk REAL NOT NULL, components TEXT NOT NULL, detectors TEXT NOT NULL,
        pipeline TEXT NOT NULL
      );
      CREATE INDEX events_identity_time ON events (identity, time_ms);
      CREATE INDEX events_time ON events (time_ms);
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, identity TEXT NOT NULL,
        identity_type TEXT NOT NULL, detector TEXT NOT NULL, severity REAL NOT NULL, risk REAL NOT NULL,
        summary TEXT NOT NULL, evidence TEXT NOT NULL, event_ids TEXT NOT NULL, pipeline TEXT NOT NULL
      );
      CREATE INDEX alerts_time ON alerts (time_ms);
      CREATE INDEX alerts_identity_time ON alerts (identity, time_ms);
      CREATE INDEX alerts_detector_time ON alerts (detector, time_ms);
      CREATE TABLE signals (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, subject TEXT NOT NULL,
        event_type TEXT NOT NULL, payload TEXT NOT NULL, pipeline TEXT NOT NULL
      );
      CREATE INDEX signals_subject_time ON signals (subject, time_ms);
      CREATE TABLE decisions (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, identity TEXT NOT NULL,
        action TEXT NOT NULL, risk REAL NOT NULL, reason TEXT NOT NULL, alert_ids TEXT NOT NULL,
        pipeline TEXT NOT NULL
      );
      CREATE INDEX decisions_identity_time ON decisions (identity, time_ms);
      CREATE TABLE feedback (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, alert_id TEXT NOT NULL,
        verdict TEXT NOT NULL, note TEXT NOT NULL, author TEXT NOT NULL
      );
      CREATE INDEX feedback_alert ON feedback (alert_id);
      CREATE TABLE identity_risk (
        identity TEXT NOT NULL, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, risk REAL NOT NULL,
        pipeline TEXT NOT NULL, PRIMARY KEY (identity, time)
      );
      CREATE TABLE dead_letters (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, time_ms INTEGER NOT NULL, reason TEXT NOT NULL,
        field TEXT NOT NULL, message TEXT NOT NULL, raw TEXT NOT NULL, raw_truncated INTEGER NOT NULL,
        origin TEXT NOT NULL, pipeline TEXT NOT NULL
      );
      CREATE INDEX dead_letters_time ON dead_letters (time_ms);
      CREATE TABLE checkpoints (
        pipeline TEXT NOT NULL, source TEXT NOT NULL, partition INTEGER NOT NULL, offset TEXT NOT NULL,
        state TEXT NOT NULL, saved_at_ms INTEGER NOT NULL, PRIMARY KEY (pipeline, source, partition)
      );
    `,
  },
  {
    // The audit chain (src/audit/): append-only, never retained away, never INSERT OR REPLACE; only
    // privacy forget erases a record's subject and payload (content_digest and hash stay).
    version: 2,
    name: 'audit trail: hash-chained records and signed checkpoints',
    sql: `
      CREATE TABLE audit (
        chain TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, time_ms INTEGER NOT NULL,
        kind TEXT NOT NULL, actor TEXT NOT NULL, subject TEXT NOT NULL, ref TEXT NOT NULL,
        payload TEXT NOT NULL, content_digest TEXT NOT NULL, erased INTEGER NOT NULL DEFAULT 0,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (chain, seq)
      );
      CREATE INDEX audit_time ON audit (chain, time_ms);
      CREATE INDEX audit_kind ON audit (chain, kind, seq);
      CREATE TABLE audit_checkpoints (
        chain TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, time_ms INTEGER NOT NULL,
        kid TEXT NOT NULL, jws TEXT NOT NULL, PRIMARY KEY (chain, seq)
      );
    `,
  },
  {
    // Pseudonymisation (src/privacy/): which identity a stored pseudonym stands for, read only to
    // reveal identities to roles allowed to see them; forget deletes the identity's row.
    version: 3,
    name: 'pseudonym directory',
    sql: `
      CREATE TABLE pseudonyms (
        pseudonym TEXT PRIMARY KEY, identity TEXT NOT NULL, first_seen_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'decisions explained (rule, mode, actor, detail); feedback by alert and time',
    sql: `
      ALTER TABLE decisions ADD COLUMN rule TEXT NOT NULL DEFAULT '';
      ALTER TABLE decisions ADD COLUMN mode TEXT NOT NULL DEFAULT '';
      ALTER TABLE decisions ADD COLUMN actor TEXT NOT NULL DEFAULT '';
      ALTER TABLE decisions ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
      CREATE INDEX decisions_time ON decisions (time_ms);
      CREATE INDEX feedback_alert_time ON feedback (alert_id, time_ms);
    `,
  },
];

/** Tables with a `time_ms` column that retention applies to (checkpoints and feedback are kept). */
export const SQLITE_RETAINED_TABLES = [
  'events',
  'alerts',
  'signals',
  'decisions',
  'identity_risk',
  'dead_letters',
] as const;

/**
 * WAL (readers, e.g. the API, see the last commit while the engine writes),
 * FULL sync so a committed batch survives power loss (one fsync per batch),
 * a busy timeout so a second process waits for the writer instead of failing,
 * and a page cache large enough for a batch.
 */
export function configureConnection(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // 64 MiB page cache: a 2048-event batch touches three indexes on events; the default 2 MiB thrashes.
  db.pragma('cache_size = -65536');
}

/** Applies every migration not yet recorded, each in its own transaction; returns the versions applied. */
export function migrateSqlite(db: Database): number[] {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL
    )`,
  );
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of SQLITE_MIGRATIONS) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}

/** Deletes rows older than `days` before `nowMs` from every retained table; returns rows deleted per table. */
export function applySqliteRetention(db: Database, days: number, nowMs: number): Record<string, number> {
  const cutoffMs = Math.floor(nowMs - Math.max(1, Math.floor(days)) * 86_400_000);
  const deleted: Record<string, number> = {};
  db.transaction(() => {
    for (const table of SQLITE_RETAINED_TABLES) {
      deleted[table] = db.prepare(`DELETE FROM ${table} WHERE time_ms < ?`).run(cutoffMs).changes;
    }
  }).immediate();
  return deleted;
}
