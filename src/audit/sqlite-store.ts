/**
 * The audit chain in the embedded store's SQLite file (tables `audit` and
 * `audit_checkpoints`, migration 2 in src/store/sqlite-schema.ts). An append
 * is one transaction (records plus checkpoint), committed with the file's
 * FULL synchronous setting, so it is durable when the promise resolves.
 * Plain INSERT: a second record with an existing (chain, seq) fails instead
 * of overwriting one. The only change to a stored record is privacy forget
 * erasing its content (src/privacy/sqlite-forget.ts), never through this
 * store. Values are bound, never spliced into SQL.
 */
import type { Database, Statement } from 'better-sqlite3';
import { openSqliteStore } from '../store/sqlite-database.js';
import { WriterGate } from '../store/sqlite-writers.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditCheckpoint } from './checkpoints.js';
import type { AuditKind, AuditRecord } from './record.js';
import {
  AUDIT_RECORD_COLUMNS as RECORD_COLUMNS,
  type AuditRecordRow as RecordRow,
  recordFromRow,
} from './rows.js';
import type { AuditRef, AuditStore } from './store.js';

export class SqliteAuditStore implements AuditStore {
  readonly name: string;
  readonly db: Database;
  private readonly statements: Record<
    | 'insert'
    | 'insertCheckpoint'
    | 'head'
    | 'range'
    | 'rangeTo'
    | 'firstAt'
    | 'lastBefore'
    | 'recent'
    | 'latest'
    | 'checkpoints',
    Statement
  >;
  private readonly ownsDb: boolean;
  private readonly gate = new WriterGate('audit append');

  /** Opens (and migrates) the file at `path`, or uses an open database (then `close` leaves it open). */
  constructor(pathOrDb: string | Database) {
    this.ownsDb = typeof pathOrDb === 'string';
    this.db = typeof pathOrDb === 'string' ? openSqliteStore(pathOrDb) : pathOrDb;
    this.name = `sqlite:${this.db.name}`;
    const db = this.db;
    this.statements = {
      insert: db.prepare(
        `INSERT INTO audit (chain, seq, time, time_ms, kind, actor, subject, ref, payload, content_digest, erased,
           prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertCheckpoint: db.prepare(
        'INSERT INTO audit_checkpoints (chain, seq, hash, time_ms, kid, jws) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      head: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit WHERE chain = ? ORDER BY seq DESC LIMIT 1`),
      range: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit WHERE chain = ? AND seq >= ? ORDER BY seq LIMIT ?`,
      ),
      rangeTo: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit WHERE chain = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
      ),
      firstAt: db.prepare('SELECT min(seq) AS seq FROM audit WHERE chain = ? AND time_ms >= ?'),
      lastBefore: db.prepare('SELECT max(seq) AS seq FROM audit WHERE chain = ? AND time_ms < ?'),
      recent: db.prepare('SELECT kind, ref FROM audit WHERE chain = ? ORDER BY seq DESC LIMIT ?'),
      latest: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit WHERE chain = ? AND kind = ? ORDER BY seq DESC LIMIT 1`,
      ),
      checkpoints: db.prepare(
        'SELECT chain, seq, hash, time_ms, kid, jws FROM audit_checkpoints WHERE chain = ? ORDER BY seq',
      ),
    };
  }

  async head(chain: string): Promise<AuditRecord | undefined> {
    const row = this.statements.head.get(chain) as RecordRow | undefined;
    return row && recordFromRow(row);
  }

  /**
   * Another connection to the same file that keeps a transaction open across
   * awaits (the store sink holds one from a batch's first write to its flush):
   * appends wait for it to commit instead of blocking the event loop on the lock.
   */
  yieldTo(db: Database): void {
    this.gate.yieldTo(db);
  }

  async append(records: readonly AuditRecord[], checkpoint?: AuditCheckpoint): Promise<void> {
    await this.gate.idle();
    const { insert, insertCheckpoint } = this.statements;
    this.db
      .transaction(() => {
        for (const r of records) {
          insert.run(
            r.chain,
            r.seq,
            Math.floor(r.time / 1000),
            r.time,
            r.kind,
            r.actor,
            r.subject,
            r.ref,
            canonicalJson(r.payload),
            r.content_digest,
            r.erased ? 1 : 0,
            r.prev_hash,
            r.hash,
          );
        }
        if (checkpoint) {
          const c = checkpoint;
          insertCheckpoint.run(c.chain, c.seq, c.hash, c.time, c.kid, c.jws);
        }
      })
      .immediate();
  }

  async records(chain: string, fromSeq: number, limit: number, toSeq?: number): Promise<AuditRecord[]> {
    const rows = (
      toSeq === undefined
        ? this.statements.range.all(chain, fromSeq, limit)
        : this.statements.rangeTo.all(chain, fromSeq, toSeq, limit)
    ) as RecordRow[];
    return rows.map(recordFromRow);
  }

  async firstSeqAtOrAfter(chain: string, timeMs: number): Promise<number | null> {
    return (this.statements.firstAt.get(chain, timeMs) as { seq: number | null }).seq;
  }

  async lastSeqBefore(chain: string, timeMs: number): Promise<number | null> {
    return (this.statements.lastBefore.get(chain, timeMs) as { seq: number | null }).seq;
  }

  async recentRefs(chain: string, limit: number): Promise<AuditRef[]> {
    return this.statements.recent.all(chain, limit) as AuditRef[];
  }

  async latest(chain: string, kind: AuditKind): Promise<AuditRecord | undefined> {
    const row = this.statements.latest.get(chain, kind) as RecordRow | undefined;
    return row && recordFromRow(row);
  }

  async checkpoints(chain: string): Promise<AuditCheckpoint[]> {
    const rows = this.statements.checkpoints.all(chain) as (Omit<AuditCheckpoint, 'time'> & {
      time_ms: number;
    })[];
    return rows.map(({ time_ms, ...rest }) => ({ ...rest, seq: Number(rest.seq), time: Number(time_ms) }));
  }

  async close(): Promise<void> {
    if (this.ownsDb && this.db.open) this.db.close();
  }
}
