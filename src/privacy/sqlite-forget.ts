/**
 * Erases one identity from the embedded SQLite store, in one transaction:
 * its own rows are deleted (scored events, risk snapshots, alerts and the
 * feedback on them, decisions, signals whose subject it is), dead letters
 * whose raw payload, field or message mention it are deleted (the raw record
 * was most likely its own event, and cannot be redacted reliably while
 * keeping it useful), and rows of other identities that mention it (alert
 * summaries and evidence, decision reasons, signal payloads, feedback notes)
 * are kept with the mention replaced by `[erased]`. Checkpoint rows are
 * rewritten without it (scrub-state.ts). With `audit` given, the content of
 * that audit chain's records naming it is erased (audit-erasure.ts) in the
 * same transaction; the secure-delete setting and VACUUM leave no old copy.
 *
 * Tables this module does not know (added by later features) are searched
 * too and reported as `residual.<table>` without being changed: erasure
 * there belongs to their owner. Values are always bound, never spliced into
 * SQL; table and column names come from the schema itself.
 */
import type { Database } from 'better-sqlite3';
import type { StateSnapshot } from '../baseline/state-store.js';
import { type AuditErasure, auditResidualInSqlite, eraseAuditInSqlite } from './audit-erasure.js';
import { jsonForm, jsonMentions, mentions, redact, redactJsonText } from './mentions.js';
import { scrubSnapshot } from './scrub-state.js';

export type ErasureCounts = Record<string, number>;

/** Tables whose rows of other identities are kept with mentions redacted (every text column but the key). */
const REDACTED_TABLES = ['alerts', 'decisions', 'signals', 'feedback'] as const;
const KEY_COLUMN = 'id';

/** Tables forget handles itself; any other table is only searched. */
const HANDLED = new Set([
  'events',
  'identity_risk',
  'alerts',
  'decisions',
  'signals',
  'feedback',
  'dead_letters',
  'checkpoints',
  'schema_migrations',
  'pseudonyms',
]);

const like = (identity: string) => `%${identity.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function tableExists(db: Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

function deleteOwnRows(db: Database, identity: string, counts: ErasureCounts): void {
  const alertIds = (
    db.prepare('SELECT id FROM alerts WHERE identity = ?').all(identity) as { id: string }[]
  ).map((row) => row.id);
  const feedback = db.prepare('DELETE FROM feedback WHERE alert_id = ?');
  let feedbackDeleted = 0;
  for (const id of alertIds) feedbackDeleted += feedback.run(id).changes;
  counts['sqlite.feedback'] = feedbackDeleted;
  counts['sqlite.events'] = db.prepare('DELETE FROM events WHERE identity = ?').run(identity).changes;
  counts['sqlite.identity_risk'] = db
    .prepare('DELETE FROM identity_risk WHERE identity = ?')
    .run(identity).changes;
  counts['sqlite.alerts'] = db.prepare('DELETE FROM alerts WHERE identity = ?').run(identity).changes;
  counts['sqlite.decisions'] = db.prepare('DELETE FROM decisions WHERE identity = ?').run(identity).changes;
  counts['sqlite.signals'] = db.prepare('DELETE FROM signals WHERE subject = ?').run(identity).changes;
  if (tableExists(db, 'pseudonyms')) {
    counts['sqlite.pseudonyms'] = db
      .prepare('DELETE FROM pseudonyms WHERE identity = ?')
      .run(identity).changes;
  }
}

/** Rows whose `columns` contain the identity (raw or JSON-escaped) as a substring: candidates to check exactly. */
function candidates(
  db: Database,
  table: string,
  columns: string[],
  identity: string,
): Record<string, unknown>[] {
  if (columns.length === 0) return [];
  const needles = [...new Set([identity, jsonForm(identity)])];
  const where = columns.flatMap((c) => needles.map(() => `${c} LIKE ? ESCAPE '\\'`)).join(' OR ');
  const params = columns.flatMap(() => needles.map(like));
  return db.prepare(`SELECT * FROM ${table} WHERE ${where}`).all(...params) as Record<string, unknown>[];
}

/** Text columns of a table, from the schema itself (columns added by later migrations included). */
function textColumns(db: Database, table: string): string[] {
  return (
    db.prepare(`PRAGMA table_info("${table.replaceAll('"', '""')}")`).all() as {
      name: string;
      type: string;
    }[]
  )
    .filter((c) => c.type.toUpperCase() === 'TEXT' || c.type === '')
    .map((c) => c.name);
}

/** Text with the identity redacted: JSON values one by one when the text is JSON, else as plain text. */
const redactText = (text: string, identity: string) =>
  /^\s*[[{"]/.test(text) ? redactJsonText(text, identity) : redact(text, identity);

function redactMentions(db: Database, identity: string, counts: ErasureCounts): void {
  for (const table of REDACTED_TABLES) {
    const columns = textColumns(db, table).filter((c) => c !== KEY_COLUMN);
    let redacted = 0;
    const update = db.prepare(
      `UPDATE ${table} SET ${columns.map((c) => `"${c}" = ?`).join(', ')} WHERE ${KEY_COLUMN} = ?`,
    );
    for (const row of candidates(
      db,
      table,
      columns.map((c) => `"${c}"`),
      identity,
    )) {
      const values = columns.map((c) =>
        typeof row[c] === 'string' ? redactText(row[c] as string, identity) : row[c],
      );
      if (values.every((value, i) => value === row[columns[i]])) continue;
      update.run(...values, row[KEY_COLUMN]);
      redacted += 1;
    }
    counts[`sqlite.${table}.redacted`] = redacted;
  }
}

function deleteDeadLetters(db: Database, identity: string, counts: ErasureCounts): void {
  const remove = db.prepare('DELETE FROM dead_letters WHERE id = ?');
  let deleted = 0;
  for (const row of candidates(db, 'dead_letters', ['raw', 'field', 'message', 'origin'], identity)) {
    const text = `${row.raw}\n${row.field}\n${row.message}\n${row.origin}`;
    if (!jsonMentions(text, identity)) continue;
    deleted += remove.run(row.id).changes;
  }
  counts['sqlite.dead_letters'] = deleted;
}

/** Rewrites every checkpoint row (all pipelines) that mentions the identity. */
export function scrubSqliteCheckpoints(db: Database, identity: string, counts: ErasureCounts): void {
  const rows = candidates(db, 'checkpoints', ['state'], identity) as {
    pipeline: string;
    source: string;
    partition: number;
    state: string;
  }[];
  const update = db.prepare(
    'UPDATE checkpoints SET state = ? WHERE pipeline = ? AND source = ? AND partition = ?',
  );
  let rewritten = 0;
  let removed = 0;
  let mentionsRemoved = 0;
  for (const row of rows) {
    const scrubbed = scrubSnapshot(JSON.parse(row.state) as StateSnapshot, identity);
    if (scrubbed.identitiesRemoved + scrubbed.mentionsRemoved === 0) continue;
    update.run(JSON.stringify(scrubbed.snapshot), row.pipeline, row.source, row.partition);
    rewritten += 1;
    removed += scrubbed.identitiesRemoved;
    mentionsRemoved += scrubbed.mentionsRemoved;
  }
  counts['sqlite.checkpoints.rewritten'] = rewritten;
  counts['sqlite.checkpoints.identities'] = removed;
  counts['sqlite.checkpoints.mentions'] = mentionsRemoved;
}

/** Text columns of every table forget does not handle that still mention the identity (reported, not changed). */
function residualMentions(
  db: Database,
  identity: string,
  counts: ErasureCounts,
  alsoHandled: ReadonlySet<string>,
): void {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  )
    .map((row) => row.name)
    .filter((name) => !HANDLED.has(name) && !alsoHandled.has(name));
  for (const table of tables) {
    const columns = textColumns(db, table).map((c) => `"${c.replaceAll('"', '""')}"`);
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const found = candidates(db, quoted, columns, identity).filter((row) =>
      Object.values(row).some(
        (v) => typeof v === 'string' && (mentions(v, identity) || jsonMentions(v, identity)),
      ),
    ).length;
    if (found > 0) counts[`residual.${table}`] = found;
  }
}

export interface SqliteForgetOptions {
  /**
   * Rebuild the file afterwards (default true) so that old copies of rows left in free space by
   * earlier deletes and replacements go too. It takes the write lock for as long as it runs: a
   * running engine's sink waits (up to its busy timeout), so the live API skips it.
   */
  vacuum?: boolean;
  /** Erase the identity from this audit chain's content (the chain the erasure is recorded in). */
  audit?: AuditErasure;
}

/** Erases the identity from the SQLite store (and its checkpoint rows); counts per table. */
export function forgetInSqlite(
  db: Database,
  identity: string,
  options: SqliteForgetOptions = {},
): ErasureCounts {
  const counts: ErasureCounts = {};
  // Deleted and overwritten content is zeroed in the file, not left in free pages.
  db.pragma('secure_delete = ON');
  db.transaction(() => {
    deleteOwnRows(db, identity, counts);
    redactMentions(db, identity, counts);
    deleteDeadLetters(db, identity, counts);
    if (tableExists(db, 'checkpoints')) scrubSqliteCheckpoints(db, identity, counts);
    if (options.audit && tableExists(db, 'audit')) eraseAuditInSqlite(db, identity, options.audit, counts);
  }).immediate();
  // Free space in pages still holds old copies of rows (deleted or replaced before, when secure_delete
  // was off): VACUUM rebuilds the file without it. Then the write-ahead log, which holds page images
  // from before, is moved into the file and truncated.
  if (options.vacuum !== false) db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const auditHandled = options.audit !== undefined && tableExists(db, 'audit');
  residualMentions(db, identity, counts, new Set(auditHandled ? ['audit'] : []));
  if (auditHandled) {
    const left = auditResidualInSqlite(db, identity);
    if (left > 0) counts['residual.audit'] = left;
  }
  return counts;
}
