/**
 * Erases an identity from the audit chain's content without breaking the
 * chain (src/audit/record.ts): records of one chain whose subject is the
 * identity, or whose subject or payload mention it as a whole name
 * (mentions.ts), get subject '', payload {} and `erased` set; their content
 * digest and hash stay, so the chain still links. The seqs erased (plus any
 * record found erased but not yet listed by an erasure record, left by an
 * earlier forget that failed before recording) are collected for the
 * erasure record forget appends last, whose `erased_seqs` makes the
 * verifier accept them.
 *
 * Never touches `erasure` records (they name no one, only a keyed hash, and
 * a later forget of the same identity must not erase the proof of an
 * earlier one), never changes a digest or hash, and never records the
 * identity anywhere. Values are bound, never spliced into SQL.
 */
import type { Database } from 'better-sqlite3';
import { clickhouseAuditRow } from '../audit/clickhouse-store.js';
import { type AuditRecord, erasedRecord, erasedSeqsOf } from '../audit/record.js';
import { AUDIT_RECORD_COLUMNS, type AuditRecordRow, recordFromRow } from '../audit/rows.js';
import type { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { jsonForm, jsonMentions, mentions } from './mentions.js';
import type { ErasureCounts } from './sqlite-forget.js';

/** Which chain to erase in, and where the erased seqs are collected (across forget's passes). */
export interface AuditErasure {
  chain: string;
  erasedSeqs: Set<number>;
}

/** Whether an audit record's content names the identity. */
export const auditContentMentions = (subject: string, payloadJson: string, identity: string): boolean =>
  subject === identity || mentions(subject, identity) || jsonMentions(payloadJson, identity);

/** Seqs of erased records of the chain that no erasure record lists. */
function uncovered(erased: Iterable<number>, erasures: Iterable<{ payload: string }>): number[] {
  const open = new Set(erased);
  for (const { payload } of erasures)
    for (const seq of erasedSeqsOf({ kind: 'erasure', payload: JSON.parse(payload) })) open.delete(seq);
  return [...open];
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** SQLite: erases the chain's records that mention the identity, in the caller's transaction. */
export function eraseAuditInSqlite(
  db: Database,
  identity: string,
  erasure: AuditErasure,
  counts: ErasureCounts,
): void {
  const needles = [...new Set([identity, jsonForm(identity)])];
  const rows = db
    .prepare(
      `SELECT seq, subject, payload FROM audit
       WHERE chain = ? AND erased = 0 AND kind != 'erasure'
         AND (subject = ? OR ${needles.map(() => "subject LIKE ? ESCAPE '\\' OR payload LIKE ? ESCAPE '\\'").join(' OR ')})`,
    )
    .all(erasure.chain, identity, ...needles.flatMap((n) => [like(n), like(n)])) as {
    seq: number;
    subject: string;
    payload: string;
  }[];
  const erase = db.prepare(
    "UPDATE audit SET subject = '', payload = '{}', erased = 1 WHERE chain = ? AND seq = ?",
  );
  let erased = 0;
  for (const row of rows) {
    if (!auditContentMentions(row.subject, row.payload, identity)) continue;
    erase.run(erasure.chain, row.seq);
    erasure.erasedSeqs.add(Number(row.seq));
    erased += 1;
  }
  counts['sqlite.audit.erased'] = erased;
  const flagged = (
    db.prepare('SELECT seq FROM audit WHERE chain = ? AND erased = 1').all(erasure.chain) as { seq: number }[]
  ).map((row) => Number(row.seq));
  const erasures = db
    .prepare("SELECT payload FROM audit WHERE chain = ? AND kind = 'erasure'")
    .all(erasure.chain) as { payload: string }[];
  for (const seq of uncovered(flagged, erasures)) erasure.erasedSeqs.add(seq);
}

/** SQLite: audit records of any chain (erasure records aside) that still mention the identity. */
export function auditResidualInSqlite(db: Database, identity: string): number {
  const needles = [...new Set([identity, jsonForm(identity)])];
  const rows = db
    .prepare(
      `SELECT subject, payload, actor FROM audit WHERE kind != 'erasure' AND (${needles
        .map(() => "subject LIKE ? ESCAPE '\\' OR payload LIKE ? ESCAPE '\\' OR actor LIKE ? ESCAPE '\\'")
        .join(' OR ')})`,
    )
    .all(...needles.flatMap((n) => [like(n), like(n), like(n)])) as {
    subject: string;
    payload: string;
    actor: string;
  }[];
  return rows.filter(
    (row) => auditContentMentions(row.subject, row.payload, identity) || mentions(row.actor, identity),
  ).length;
}

const MENTION = `(subject = {identity:String} OR position(subject, {needle:String}) > 0
  OR position(payload, {needle:String}) > 0 OR position(payload, {json_needle:String}) > 0)`;

/**
 * ClickHouse: deletes the chain's records that mention the identity (a mutation, like the rest
 * of forget) and returns them erased, to insert once the mutations are done, so no copy with
 * the content stays in any part.
 */
export async function eraseAuditInClickHouse(
  connection: ClickHouseConnection,
  identity: string,
  erasure: AuditErasure,
  counts: ErasureCounts,
): Promise<AuditRecord[]> {
  const params = { chain: erasure.chain, identity, needle: identity, json_needle: jsonForm(identity) };
  const rows = await connection.select<AuditRecordRow>(
    `SELECT ${AUDIT_RECORD_COLUMNS} FROM {db}.audit FINAL
     WHERE chain = {chain:String} AND erased = 0 AND kind != 'erasure' AND ${MENTION}`,
    params,
  );
  const records = rows
    .map(recordFromRow)
    .filter((record) => auditContentMentions(record.subject, JSON.stringify(record.payload), identity));
  counts['clickhouse.audit.erased'] = records.length;
  const flagged = (
    await connection.select<{ seq: string | number }>(
      'SELECT seq FROM {db}.audit FINAL WHERE chain = {chain:String} AND erased = 1',
      { chain: erasure.chain },
    )
  ).map((row) => Number(row.seq));
  const erasures = await connection.select<{ payload: string }>(
    "SELECT payload FROM {db}.audit FINAL WHERE chain = {chain:String} AND kind = 'erasure'",
    { chain: erasure.chain },
  );
  for (const seq of uncovered(flagged, erasures)) erasure.erasedSeqs.add(seq);
  if (records.length === 0) return [];
  const seqs = records.map((record) => record.seq);
  await connection.command(
    'ALTER TABLE {db}.audit DELETE WHERE chain = {chain:String} AND has({seqs:Array(UInt64)}, seq)',
    { chain: erasure.chain, seqs },
  );
  for (const seq of seqs) erasure.erasedSeqs.add(seq);
  return records.map(erasedRecord);
}

/** ClickHouse: inserts the erased records (after the delete mutation finished). */
export async function insertErasedAudit(
  connection: ClickHouseConnection,
  records: readonly AuditRecord[],
): Promise<void> {
  await connection.insert('audit', records.map(clickhouseAuditRow));
}

/** ClickHouse: audit records of any chain (erasure records aside) that still mention the identity. */
export async function auditResidualInClickHouse(
  connection: ClickHouseConnection,
  identity: string,
): Promise<number> {
  const rows = await connection.select<{ subject: string; payload: string; actor: string }>(
    `SELECT subject, payload, actor FROM {db}.audit FINAL
     WHERE kind != 'erasure' AND (${MENTION} OR position(actor, {needle:String}) > 0)`,
    { identity, needle: identity, json_needle: jsonForm(identity) },
  );
  return rows.filter(
    (row) => auditContentMentions(row.subject, row.payload, identity) || mentions(row.actor, identity),
  ).length;
}
