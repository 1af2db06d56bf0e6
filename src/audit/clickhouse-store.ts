/**
 * The audit chain in ClickHouse (`{db}.audit`, `{db}.audit_checkpoints`,
 * migration 2 in src/store/clickhouse-migrations.ts). Rows go in as
 * JSONEachRow data; reads use FINAL so a retried insert of the same
 * (chain, seq) counts once, while a different row under an existing seq
 * (tampering) shows up to the verifier. Values are bound through the
 * connection (query parameters, or quoteLiteral on old servers); never
 * spliced into SQL.
 *
 * An insert is acknowledged by the server once written, not fsync'd: what
 * ClickHouse calls durable. The log appends records and their checkpoint in
 * two inserts (ClickHouse has no multi-table transaction); a checkpoint
 * without its records fails verification as deleted records, which is what
 * a reader should conclude.
 */
import type { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { clickhouseDateTime, migrate } from '../store/clickhouse-migrations.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditCheckpoint } from './checkpoints.js';
import type { AuditKind, AuditRecord } from './record.js';
import {
  AUDIT_RECORD_COLUMNS as RECORD_COLUMNS,
  type AuditRecordRow as RecordRow,
  recordFromRow,
} from './rows.js';
import type { AuditRef, AuditStore } from './store.js';

const fromRow = recordFromRow;

/** The JSONEachRow insert row of a record (also used by privacy forget to re-insert an erased one). */
export const clickhouseAuditRow = (r: AuditRecord) => ({
  chain: r.chain,
  seq: r.seq,
  time: clickhouseDateTime(r.time),
  time_ms: r.time,
  kind: r.kind,
  actor: r.actor,
  subject: r.subject,
  ref: r.ref,
  payload: canonicalJson(r.payload),
  content_digest: r.content_digest,
  erased: r.erased ? 1 : 0,
  prev_hash: r.prev_hash,
  hash: r.hash,
});

export class ClickHouseAuditStore implements AuditStore {
  readonly name: string;

  private constructor(private readonly connection: ClickHouseConnection) {
    this.name = `clickhouse:${connection.database}`;
  }

  /** Applies the schema migrations (idempotent) and returns the store. */
  static async open(connection: ClickHouseConnection): Promise<ClickHouseAuditStore> {
    await migrate(connection);
    return new ClickHouseAuditStore(connection);
  }

  async head(chain: string): Promise<AuditRecord | undefined> {
    const rows = await this.connection.select<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM {db}.audit FINAL WHERE chain = {chain:String} ORDER BY seq DESC LIMIT 1`,
      { chain },
    );
    return rows[0] && fromRow(rows[0]);
  }

  async append(records: readonly AuditRecord[], checkpoint?: AuditCheckpoint): Promise<void> {
    await this.connection.insert('audit', records.map(clickhouseAuditRow));
    if (checkpoint) {
      const { chain, seq, hash, time, kid, jws } = checkpoint;
      await this.connection.insert('audit_checkpoints', [{ chain, seq, hash, time_ms: time, kid, jws }]);
    }
  }

  async records(chain: string, fromSeq: number, limit: number, toSeq?: number): Promise<AuditRecord[]> {
    const upper = toSeq === undefined ? '' : 'AND seq <= {to:UInt64}';
    const rows = await this.connection.select<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM {db}.audit FINAL
       WHERE chain = {chain:String} AND seq >= {from:UInt64} ${upper}
       ORDER BY seq LIMIT {limit:UInt32}`,
      { chain, from: fromSeq, limit, ...(toSeq === undefined ? {} : { to: toSeq }) },
    );
    return rows.map(fromRow);
  }

  async firstSeqAtOrAfter(chain: string, timeMs: number): Promise<number | null> {
    const rows = await this.connection.select<{ seq: string | number; n: string | number }>(
      `SELECT min(seq) AS seq, count() AS n FROM {db}.audit FINAL
       WHERE chain = {chain:String} AND time_ms >= {at:UInt64}`,
      { chain, at: Math.max(0, Math.floor(timeMs)) },
    );
    return Number(rows[0]?.n ?? 0) > 0 ? Number(rows[0].seq) : null;
  }

  async lastSeqBefore(chain: string, timeMs: number): Promise<number | null> {
    const rows = await this.connection.select<{ seq: string | number; n: string | number }>(
      `SELECT max(seq) AS seq, count() AS n FROM {db}.audit FINAL
       WHERE chain = {chain:String} AND time_ms < {at:UInt64}`,
      { chain, at: Math.max(0, Math.floor(timeMs)) },
    );
    return Number(rows[0]?.n ?? 0) > 0 ? Number(rows[0].seq) : null;
  }

  async recentRefs(chain: string, limit: number): Promise<AuditRef[]> {
    return this.connection.select<AuditRef>(
      `SELECT kind, ref FROM {db}.audit FINAL WHERE chain = {chain:String}
       ORDER BY seq DESC LIMIT {limit:UInt32}`,
      { chain, limit },
    );
  }

  async latest(chain: string, kind: AuditKind): Promise<AuditRecord | undefined> {
    const rows = await this.connection.select<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM {db}.audit FINAL
       WHERE chain = {chain:String} AND kind = {kind:String} ORDER BY seq DESC LIMIT 1`,
      { chain, kind },
    );
    return rows[0] && fromRow(rows[0]);
  }

  async checkpoints(chain: string): Promise<AuditCheckpoint[]> {
    const rows = await this.connection.select<{
      chain: string;
      seq: string | number;
      hash: string;
      time_ms: string | number;
      kid: string;
      jws: string;
    }>(
      `SELECT chain, seq, hash, time_ms, kid, jws FROM {db}.audit_checkpoints FINAL
       WHERE chain = {chain:String} ORDER BY seq`,
      { chain },
    );
    return rows.map((row) => ({
      chain: row.chain,
      seq: Number(row.seq),
      hash: row.hash,
      time: Number(row.time_ms),
      kid: row.kid,
      jws: row.jws,
    }));
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
