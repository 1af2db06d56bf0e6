/**
 * Erases one identity from the ClickHouse store. ClickHouse has no row
 * DELETE: erasure is `ALTER TABLE … DELETE WHERE` mutations (18.12+), which
 * rewrite the affected parts in the background; forget waits until
 * `system.mutations` reports them done, so when it returns the data is gone
 * from the table's parts. Own rows (events, risk snapshots, alerts and
 * their feedback, decisions, signals about it) are deleted by identity;
 * rows of others that mention it (alert summaries/evidence, decision
 * reasons, signal payloads, feedback notes) are deleted and inserted again
 * with the mention replaced by `[erased]`. Checkpoints: each partition's
 * latest snapshot that mentions it is saved again without it, then every
 * older row of that partition is deleted (older snapshots held it too).
 * Dead letters that mention it are deleted. Tables it does not know are
 * searched and reported as `residual.<table>`, not changed. With `audit`
 * given, that chain's records naming it are deleted and inserted again with
 * their content erased (audit-erasure.ts), after the mutations are done.
 *
 * Values go through the connection's parameter binding (query parameters
 * or the one quoting function on old servers); never spliced into SQL.
 */
import type { StateSnapshot } from '../baseline/state-store.js';
import type { ClickHouseConnection, SqlParams } from '../store/clickhouse-connection.js';
import { migrate } from '../store/clickhouse-migrations.js';
import {
  type AuditErasure,
  auditResidualInClickHouse,
  eraseAuditInClickHouse,
  insertErasedAudit,
} from './audit-erasure.js';
import { jsonForm, jsonMentions, redact, redactJsonText } from './mentions.js';
import { scrubSnapshot } from './scrub-state.js';
import type { ErasureCounts } from './sqlite-forget.js';

/** Tables whose rows of other identities are kept with mentions redacted (every text column but the id). */
const REDACTED_TABLES = ['alerts', 'decisions', 'signals', 'feedback'] as const;
/** Tables forget handles itself; mentions anywhere else are only reported (`residual.<table>`). */
const HANDLED = new Set([
  ...REDACTED_TABLES,
  'events',
  'identity_risk',
  'checkpoints',
  'dead_letters',
  'schema_migrations',
]);

interface Column {
  table: string;
  name: string;
  type: string;
}

/** String and Array(String) columns of every table of the database, from the server's own catalogue. */
async function textColumns(connection: ClickHouseConnection): Promise<Column[]> {
  return connection.select<Column>(
    `SELECT table, name, type FROM system.columns
     WHERE database = {database:String} AND (type = 'String' OR type = 'Array(String)')`,
    { database: connection.database },
  );
}

const asText = (column: Column) =>
  column.type === 'String' ? column.name : `arrayStringConcat(${column.name}, ' ')`;

const redactText = (text: string, identity: string) =>
  /^\s*[[{"]/.test(text) ? redactJsonText(text, identity) : redact(text, identity);

export interface ClickHouseForgetOptions {
  /** How long to wait for mutations before giving up (they keep running on the server). */
  mutationTimeoutMs?: number;
  pollMs?: number;
  /** Erase the identity from this audit chain's content (the chain the erasure is recorded in). */
  audit?: AuditErasure;
}

async function count(connection: ClickHouseConnection, table: string, where: string, params: SqlParams) {
  const rows = await connection.select<{ n: string | number }>(
    `SELECT count() AS n FROM {db}.${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Runs an ALTER … DELETE on `table` when it matches rows; returns how many matched. */
async function deleteWhere(
  connection: ClickHouseConnection,
  table: string,
  where: string,
  params: SqlParams,
): Promise<number> {
  const matched = await count(connection, table, where, params);
  if (matched > 0) await connection.command(`ALTER TABLE {db}.${table} DELETE WHERE ${where}`, params);
  return matched;
}

/** Waits until no mutation of the database is pending. */
export async function waitForMutations(
  connection: ClickHouseConnection,
  options: ClickHouseForgetOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.mutationTimeoutMs ?? 120_000);
  for (;;) {
    const pending = await connection.select<{ n: string | number }>(
      'SELECT count() AS n FROM system.mutations WHERE database = {database:String} AND is_done = 0',
      { database: connection.database },
    );
    if (Number(pending[0]?.n ?? 0) === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `ClickHouse mutations of ${connection.database} still running after ${options.mutationTimeoutMs ?? 120_000} ms; see system.mutations`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

const mentionWhere = (columns: readonly Column[]) =>
  columns
    .map(
      (c) =>
        `position(${asText(c)}, {needle:String}) > 0 OR position(${asText(c)}, {json_needle:String}) > 0`,
    )
    .join(' OR ');

async function redactMentions(
  connection: ClickHouseConnection,
  identity: string,
  columns: readonly Column[],
  counts: ErasureCounts,
) {
  const params = { needle: identity, json_needle: jsonForm(identity) };
  const pending: Array<[string, Record<string, unknown>[]]> = [];
  for (const table of REDACTED_TABLES) {
    const own = columns.filter((c) => c.table === table && c.name !== 'id');
    if (own.length === 0) continue;
    const rows = await connection.select<Record<string, unknown>>(
      `SELECT * FROM {db}.${table} FINAL WHERE ${mentionWhere(own)}`,
      params,
    );
    const mentioning = rows.filter((row) => jsonMentions(JSON.stringify(row), identity));
    counts[`clickhouse.${table}.redacted`] = mentioning.length;
    if (mentioning.length === 0) continue;
    const ids = mentioning.map((row) => String(row.id));
    await connection.command(`ALTER TABLE {db}.${table} DELETE WHERE has({ids:Array(String)}, id)`, { ids });
    const redacted = mentioning.map((row) => {
      const out: Record<string, unknown> = { ...row };
      for (const c of own) {
        const value = row[c.name];
        if (typeof value === 'string') out[c.name] = redactText(value, identity);
        else if (Array.isArray(value))
          out[c.name] = value.map((v) => (typeof v === 'string' ? redact(v, identity) : v));
      }
      return out;
    });
    pending.push([table, redacted]);
  }
  // The deletes must have reached every part before the redacted rows go in, or they would delete those too.
  return pending;
}

/** Dead letters whose payload, field or message mention the identity are deleted (not redacted). */
async function deleteDeadLetters(
  connection: ClickHouseConnection,
  identity: string,
  columns: readonly Column[],
  counts: ErasureCounts,
) {
  const own = columns.filter((c) => c.table === 'dead_letters');
  if (own.length === 0) return;
  const rows = await connection.select<Record<string, unknown>>(
    `SELECT * FROM {db}.dead_letters WHERE ${mentionWhere(own)}`,
    { needle: identity, json_needle: jsonForm(identity) },
  );
  const ids = rows.filter((row) => jsonMentions(JSON.stringify(row), identity)).map((row) => String(row.id));
  counts['clickhouse.dead_letters'] = ids.length;
  if (ids.length > 0)
    await connection.command('ALTER TABLE {db}.dead_letters DELETE WHERE has({ids:Array(String)}, id)', {
      ids,
    });
}

/** Tables forget does not know that still mention the identity: reported, not changed (their owner erases). */
async function residualMentions(
  connection: ClickHouseConnection,
  identity: string,
  columns: readonly Column[],
  counts: ErasureCounts,
  alsoHandled: ReadonlySet<string>,
) {
  const byTable = new Map<string, Column[]>();
  for (const c of columns)
    if (!HANDLED.has(c.table) && !alsoHandled.has(c.table))
      byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  for (const [table, own] of byTable) {
    const found = await count(connection, table, mentionWhere(own), {
      needle: identity,
      json_needle: jsonForm(identity),
    });
    if (found > 0) counts[`residual.${table}`] = found;
  }
}

async function scrubCheckpoints(connection: ClickHouseConnection, identity: string, counts: ErasureCounts) {
  const latest = await connection.select<{
    pipeline: string;
    source: string;
    partition: number;
    cp_offset: string;
    cp_state: string;
    cp_saved: string | number;
  }>(
    `SELECT pipeline, source, partition, argMax(offset, saved_at_ms) AS cp_offset,
            argMax(state, saved_at_ms) AS cp_state, max(saved_at_ms) AS cp_saved
     FROM {db}.checkpoints GROUP BY pipeline, source, partition
     HAVING countIf(position(state, {needle:String}) > 0 OR position(state, {json_needle:String}) > 0) > 0`,
    { needle: identity, json_needle: jsonForm(identity) },
  );
  let rewritten = 0;
  let removed = 0;
  let mentionsRemoved = 0;
  for (const row of latest) {
    const scrubbed = scrubSnapshot(JSON.parse(row.cp_state) as StateSnapshot, identity);
    const savedAtMs = Number(row.cp_saved) + 1;
    await connection.insert('checkpoints', [
      {
        pipeline: row.pipeline,
        source: row.source,
        partition: Number(row.partition),
        offset: row.cp_offset,
        state: JSON.stringify(scrubbed.snapshot),
        saved_at_ms: savedAtMs,
      },
    ]);
    await connection.command(
      `ALTER TABLE {db}.checkpoints DELETE WHERE pipeline = {pipeline:String} AND source = {source:String}
         AND partition = {partition:Int32} AND saved_at_ms < {saved:UInt64}`,
      { pipeline: row.pipeline, source: row.source, partition: Number(row.partition), saved: savedAtMs },
    );
    rewritten += 1;
    removed += scrubbed.identitiesRemoved;
    mentionsRemoved += scrubbed.mentionsRemoved;
  }
  counts['clickhouse.checkpoints.rewritten'] = rewritten;
  counts['clickhouse.checkpoints.identities'] = removed;
  counts['clickhouse.checkpoints.mentions'] = mentionsRemoved;
}

/** Erases the identity from the ClickHouse store and its checkpoints; waits for the mutations; counts per table. */
export async function forgetInClickHouse(
  connection: ClickHouseConnection,
  identity: string,
  options: ClickHouseForgetOptions = {},
): Promise<ErasureCounts> {
  await migrate(connection);
  const counts: ErasureCounts = {};
  const byIdentity = { identity };
  const alertIds = (
    await connection.select<{ id: string }>(
      'SELECT DISTINCT id FROM {db}.alerts WHERE identity = {identity:String}',
      byIdentity,
    )
  ).map((row) => row.id);
  counts['clickhouse.feedback'] =
    alertIds.length > 0
      ? await deleteWhere(connection, 'feedback', 'has({ids:Array(String)}, alert_id)', { ids: alertIds })
      : 0;
  for (const table of ['events', 'identity_risk', 'alerts', 'decisions'] as const) {
    counts[`clickhouse.${table}`] = await deleteWhere(
      connection,
      table,
      'identity = {identity:String}',
      byIdentity,
    );
  }
  counts['clickhouse.signals'] = await deleteWhere(
    connection,
    'signals',
    'subject = {identity:String}',
    byIdentity,
  );
  const columns = await textColumns(connection);
  const redacted = await redactMentions(connection, identity, columns, counts);
  await deleteDeadLetters(connection, identity, columns, counts);
  await scrubCheckpoints(connection, identity, counts);
  const erasedAudit = options.audit
    ? await eraseAuditInClickHouse(connection, identity, options.audit, counts)
    : [];
  await waitForMutations(connection, options);
  for (const [table, rows] of redacted) await connection.insert(table, rows);
  await insertErasedAudit(connection, erasedAudit);
  await residualMentions(connection, identity, columns, counts, new Set(options.audit ? ['audit'] : []));
  if (options.audit) {
    const left = await auditResidualInClickHouse(connection, identity);
    if (left > 0) counts['residual.audit'] = left;
  }
  return counts;
}
