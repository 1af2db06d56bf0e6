/**
 * The stored row form of an audit record, shared by the SQLite and
 * ClickHouse stores: the payload as canonical JSON text, time as epoch ms.
 * Conversion only; never validates or repairs a row (the verifier judges).
 */
import type { AuditKind, AuditRecord } from './record.js';

export interface AuditRecordRow {
  chain: string;
  seq: number | string;
  time_ms: number | string;
  kind: AuditKind;
  actor: string;
  subject: string;
  ref: string;
  payload: string;
  content_digest: string;
  /** 0 or 1 (SQLite INTEGER, ClickHouse UInt8). */
  erased: number | string;
  prev_hash: string;
  hash: string;
}

export const AUDIT_RECORD_COLUMNS =
  'chain, seq, time_ms, kind, actor, subject, ref, payload, content_digest, erased, prev_hash, hash';

export const recordFromRow = (row: AuditRecordRow): AuditRecord => ({
  chain: row.chain,
  seq: Number(row.seq),
  time: Number(row.time_ms),
  kind: row.kind,
  actor: row.actor,
  subject: row.subject,
  ref: row.ref,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  content_digest: row.content_digest,
  erased: Number(row.erased) === 1,
  prev_hash: row.prev_hash,
  hash: row.hash,
});
