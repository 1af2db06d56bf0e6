/**
 * The audit record and its hash. A record says who (`actor`) did what
 * (`kind`) to whom (`subject`), with the details in `payload`; `ref` is the
 * id of what it records (a decision id, a SET jti, a feedback id), used to
 * skip a record the log already holds when a batch is replayed. `prev_hash`
 * is the previous record's hash (GENESIS_HASH for the first), and `hash` is
 * SHA-256 over the canonical JSON (canonical-json.ts) of every other field,
 * so changing any field, or the order, breaks the chain.
 *
 * Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const AUDIT_KINDS = [
  'decision',
  'signal',
  'feedback',
  'manual_revoke',
  'manual_reset',
  'suppression',
  'policy_change',
  'threshold_change',
  'model_promotion',
  'erasure',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** prev_hash of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Actor of what the engine itself decides or emits. */
export const ENGINE_ACTOR = 'engine';

export interface AuditRecord {
  /** Name of the chain (the pipeline's name): one chain per pipeline. */
  chain: string;
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /** Wall-clock epoch ms when the record was appended. */
  time: number;
  kind: AuditKind;
  /** `engine`, or the role (or user) that acted. */
  actor: string;
  /** The identity, model, policy or alert acted on. */
  subject: string;
  /** Id of the recorded thing; (kind, ref) is unique within a chain. */
  ref: string;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** What a caller hands in; the log assigns chain, seq, time, prev_hash and hash. */
export interface AuditEntry {
  kind: AuditKind;
  actor: string;
  subject: string;
  /** Absent: a random id (human actions are never replayed). */
  ref?: string;
  payload: Record<string, unknown>;
  /** Wall-clock epoch ms; absent: the log's clock. */
  time?: number;
}

/** SHA-256 (hex) over the canonical JSON of every field but `hash`. */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { chain, seq, time, kind, actor, subject, ref, payload, prev_hash } = record;
  return createHash('sha256')
    .update(canonicalJson({ chain, seq, time, kind, actor, subject, ref, payload, prev_hash }))
    .digest('hex');
}

/** The record that follows `previous` (or starts the chain), hashed. */
export function sealRecord(
  chain: string,
  previous: Pick<AuditRecord, 'seq' | 'hash'> | undefined,
  entry: Required<AuditEntry>,
): AuditRecord {
  const unsealed = {
    chain,
    seq: (previous?.seq ?? 0) + 1,
    time: Math.floor(entry.time),
    kind: entry.kind,
    actor: entry.actor,
    subject: entry.subject,
    ref: entry.ref,
    // Stored as canonical JSON and parsed back: keep exactly what survives that round trip.
    payload: JSON.parse(canonicalJson(entry.payload)) as Record<string, unknown>,
    prev_hash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export const isAuditKind = (value: string): value is AuditKind =>
  (AUDIT_KINDS as readonly string[]).includes(value);
