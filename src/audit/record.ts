/**
 * The audit record and its hash. A record says who (`actor`) did what
 * (`kind`) to whom (`subject`), with the details in `payload`; `ref` is the
 * id of what it records (a decision id, a SET jti, a feedback id), used to
 * skip a record the log already holds when a batch is replayed. `prev_hash`
 * is the previous record's hash (GENESIS_HASH for the first).
 *
 * Redactable: `content_digest` is SHA-256 over the canonical JSON
 * (canonical-json.ts) of `{ subject, payload }`, and `hash` is SHA-256 over
 * the canonical JSON of every other field with `content_digest` standing in
 * for subject and payload. Changing any field, or the order, breaks the
 * chain; erasing a record's content (privacy forget) replaces subject with ''
 * and payload with {} and sets `erased`, keeping the digest, so the chain
 * still links. The verifier accepts an erased record only when a later
 * `erasure` record lists its seq in `erased_seqs`.
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
  /** SHA-256 (hex) over the canonical JSON of { subject, payload } as sealed. */
  content_digest: string;
  /** Subject and payload were erased (forget): they are '' and {}; the digest is the original one. */
  erased: boolean;
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

/** Payload member of an `erasure` record listing the seqs whose content it erased. */
export const ERASED_SEQS = 'erased_seqs';

/** SHA-256 (hex) over the canonical JSON of { subject, payload }: what `content_digest` holds. */
export function contentDigest(content: { subject: string; payload: Record<string, unknown> }): string {
  return createHash('sha256')
    .update(canonicalJson({ subject: content.subject, payload: content.payload }))
    .digest('hex');
}

/** SHA-256 (hex) over the canonical JSON of every field but `hash`, `erased`, subject and payload (their digest stands in). */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { chain, seq, time, kind, actor, content_digest, ref, prev_hash } = record;
  return createHash('sha256')
    .update(canonicalJson({ chain, seq, time, kind, actor, content_digest, ref, prev_hash }))
    .digest('hex');
}

/** The record with its content erased: subject '', payload {}, `erased` set; digest and hash kept. */
export function erasedRecord(record: AuditRecord): AuditRecord {
  return { ...record, subject: '', payload: {}, erased: true };
}

/** Seqs an `erasure` record says it erased (empty for any other record, or a malformed list). */
export function erasedSeqsOf(record: Pick<AuditRecord, 'kind' | 'payload'>): number[] {
  if (record.kind !== 'erasure') return [];
  const seqs = record.payload[ERASED_SEQS];
  return Array.isArray(seqs) ? seqs.filter((seq): seq is number => Number.isSafeInteger(seq)) : [];
}

/** The record that follows `previous` (or starts the chain), hashed. */
export function sealRecord(
  chain: string,
  previous: Pick<AuditRecord, 'seq' | 'hash'> | undefined,
  entry: Required<AuditEntry>,
): AuditRecord {
  // Stored as canonical JSON and parsed back: keep exactly what survives that round trip.
  const payload = JSON.parse(canonicalJson(entry.payload)) as Record<string, unknown>;
  const unsealed = {
    chain,
    seq: (previous?.seq ?? 0) + 1,
    time: Math.floor(entry.time),
    kind: entry.kind,
    actor: entry.actor,
    subject: entry.subject,
    ref: entry.ref,
    payload,
    content_digest: contentDigest({ subject: entry.subject, payload }),
    erased: false,
    prev_hash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export const isAuditKind = (value: string): value is AuditKind =>
  (AUDIT_KINDS as readonly string[]).includes(value);
