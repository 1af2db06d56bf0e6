/**
 * Walks an audit chain in seq order and reports the first broken link,
 * naming the record: `modified` (its hash does not match its fields, its
 * subject and payload do not match its content digest, or it was re-hashed
 * so its successor no longer links to it), `inserted` (a
 * record the chain's links skip over, or that pushed its successors' seq
 * up), `deleted` (a gap in seq, or records that were renumbered down), and
 * then checks signed checkpoints (checkpoints.ts) against the walked hashes,
 * which catches a chain rewritten and re-hashed from some record onwards
 * and the truncation of its tail up to the last checkpoint.
 *
 * Erased records (privacy forget: subject and payload gone, digest kept)
 * link like any other; each must be listed in the `erased_seqs` of a later
 * `erasure` record of the chain (or of `laterErasures`, for an exported
 * range), else the report names it as `erased`.
 *
 * Reads only what it is given; never repairs anything.
 */
import type { JWK } from 'jose';
import { type AuditCheckpoint, verifyCheckpoint } from './checkpoints.js';
import { type AuditRecord, contentDigest, erasedSeqsOf, GENESIS_HASH, hashRecord } from './record.js';

export type BreakKind = 'modified' | 'inserted' | 'deleted' | 'checkpoint' | 'erased';

export interface ChainBreak {
  problem: BreakKind;
  /** The record named: the modified or inserted one, or the first one missing. */
  seq: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  chain: string;
  records: number;
  first_seq: number | null;
  last_seq: number | null;
  head_hash: string | null;
  checkpoints: { total: number; valid: number; last_valid_seq: number | null };
  /** Records after the last valid checkpoint: the chain alone cannot prove they were not appended or cut off. */
  unattested: number;
  broken?: ChainBreak;
}

/** Where the walk starts: the chain's genesis, or (for an exported range) the record before it. */
export interface ChainStart {
  seq: number;
  hash: string;
}

export const GENESIS_START: ChainStart = { seq: 0, hash: GENESIS_HASH };

const shiftedHash = (record: AuditRecord, by: number) => hashRecord({ ...record, seq: record.seq + by });

/** Classifies a record that does not follow `previous` (and maybe `beforePrevious`); `next` is one record of lookahead. */
function classify(
  record: AuditRecord,
  previous: ChainStart,
  beforePrevious: ChainStart | undefined,
  next: AuditRecord | undefined,
): ChainBreak {
  const selfConsistent = hashRecord(record) === record.hash;
  // The next record links straight to the previous one: this one was slipped in between.
  // (Its successor may have been renumbered up to make room: then only the seq in its hash is off by one.)
  const nextLinksPast =
    next !== undefined &&
    next.prev_hash === previous.hash &&
    (next.seq === previous.seq + 1 || (next.seq === previous.seq + 2 && shiftedHash(next, -1) === next.hash));
  if (nextLinksPast)
    return {
      problem: 'inserted',
      seq: record.seq,
      message: `record ${record.seq} is not part of the chain: the next record links past it`,
    };
  if (!selfConsistent) {
    if (beforePrevious && shiftedHash(record, -1) === record.hash && record.prev_hash === beforePrevious.hash)
      return {
        problem: 'inserted',
        seq: previous.seq,
        message: `record ${previous.seq} was inserted (the records after it were renumbered up)`,
      };
    if (shiftedHash(record, 1) === record.hash)
      return {
        problem: 'deleted',
        seq: record.seq,
        message: `record ${record.seq} was deleted (the records after it were renumbered down)`,
      };
    return {
      problem: 'modified',
      seq: record.seq,
      message: `record ${record.seq} was modified: its content does not hash to its stored hash`,
    };
  }
  if (beforePrevious && record.prev_hash === beforePrevious.hash && record.seq <= previous.seq + 1)
    return {
      problem: 'inserted',
      seq: previous.seq,
      message: `record ${previous.seq} was inserted: record ${record.seq} links to the one before it`,
    };
  if (record.seq > previous.seq + 1) {
    const last = record.seq - 1;
    const range = last === previous.seq + 1 ? `record ${last}` : `records ${previous.seq + 1}–${last}`;
    return {
      problem: 'deleted',
      seq: previous.seq + 1,
      message: `${range} deleted: seq jumps from ${previous.seq} to ${record.seq}`,
    };
  }
  if (record.seq === previous.seq + 1) {
    if (previous.seq === 0 || beforePrevious === undefined)
      return {
        problem: 'modified',
        seq: record.seq,
        message: `record ${record.seq} does not link to the start of the chain`,
      };
    return {
      problem: 'modified',
      seq: previous.seq,
      message: `record ${previous.seq} was rewritten: record ${record.seq} does not link to it`,
    };
  }
  return {
    problem: 'inserted',
    seq: record.seq,
    message: `record ${record.seq} is out of order (after ${previous.seq})`,
  };
}

interface WalkResult {
  records: number;
  first: AuditRecord | undefined;
  last: ChainStart;
  broken?: ChainBreak;
  /** Walked hash of each seq asked for (checkpoint seqs). */
  hashes: Map<number, string>;
  /** Erased records no erasure record walked so far lists. */
  uncovered: Set<number>;
}

/** An unerased record's subject and payload still hash to its digest; an erased one holds nothing. */
const contentIntact = (record: AuditRecord) =>
  record.erased
    ? record.subject === '' && Object.keys(record.payload).length === 0
    : contentDigest(record) === record.content_digest;

async function walk(
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  start: ChainStart,
  wanted: ReadonlySet<number>,
): Promise<WalkResult> {
  const hashes = new Map<number, string>();
  const uncovered = new Set<number>();
  let previous = start;
  let beforePrevious: ChainStart | undefined;
  let count = 0;
  let first: AuditRecord | undefined;
  let pending: AuditRecord | undefined;
  const consider = (record: AuditRecord, next: AuditRecord | undefined): ChainBreak | undefined => {
    count++;
    first ??= record;
    if (!contentIntact(record))
      return {
        problem: 'modified',
        seq: record.seq,
        message: `record ${record.seq} was modified: its subject and payload do not match its content digest${record.erased ? ' (it is marked erased but holds content)' : ''}`,
      };
    const links =
      record.seq === previous.seq + 1 &&
      record.prev_hash === previous.hash &&
      hashRecord(record) === record.hash;
    if (!links) return classify(record, previous, beforePrevious, next);
    if (wanted.has(record.seq)) hashes.set(record.seq, record.hash);
    if (record.erased) uncovered.add(record.seq);
    for (const seq of erasedSeqsOf(record)) if (seq < record.seq) uncovered.delete(seq);
    beforePrevious = previous;
    previous = { seq: record.seq, hash: record.hash };
    return undefined;
  };
  for await (const record of records) {
    if (pending) {
      const broken = consider(pending, record);
      if (broken) return { records: count, first, last: previous, broken, hashes, uncovered };
    }
    pending = record;
  }
  if (pending) {
    const broken = consider(pending, undefined);
    if (broken) return { records: count, first, last: previous, broken, hashes, uncovered };
  }
  return { records: count, first, last: previous, hashes, uncovered };
}

async function checkCheckpoints(
  checkpoints: readonly AuditCheckpoint[],
  publicJwk: JWK | undefined,
  walked: WalkResult,
  start: ChainStart,
): Promise<{ valid: number; lastValidSeq: number | null; broken?: ChainBreak }> {
  let valid = 0;
  let lastValidSeq: number | null = null;
  let lastMatched = start.seq;
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq);
  for (const checkpoint of sorted) {
    if (checkpoint.seq <= start.seq) continue;
    if (!publicJwk)
      return {
        valid,
        lastValidSeq,
        broken: {
          problem: 'checkpoint',
          seq: checkpoint.seq,
          message: 'no public key to check checkpoint signatures with',
        },
      };
    const check = await verifyCheckpoint(checkpoint, publicJwk);
    if (!check.ok)
      return {
        valid,
        lastValidSeq,
        broken: {
          problem: 'checkpoint',
          seq: checkpoint.seq,
          message: `checkpoint at record ${checkpoint.seq}: ${check.reason}`,
        },
      };
    if (check.seq > walked.last.seq) {
      return {
        valid,
        lastValidSeq,
        broken: {
          problem: 'deleted',
          seq: walked.last.seq + 1,
          message: `records ${walked.last.seq + 1}–${check.seq} deleted: a signed checkpoint covers record ${check.seq} but the chain ends at ${walked.last.seq}`,
        },
      };
    }
    if (walked.hashes.get(check.seq) !== check.hash) {
      return {
        valid,
        lastValidSeq,
        broken: {
          problem: 'modified',
          seq: check.seq,
          message: `records ${lastMatched + 1}–${check.seq} were rewritten: record ${check.seq} no longer has the hash its signed checkpoint holds`,
        },
      };
    }
    valid++;
    lastValidSeq = check.seq;
    lastMatched = check.seq;
  }
  return { valid, lastValidSeq };
}

export interface VerifyOptions {
  chain: string;
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>;
  checkpoints: readonly AuditCheckpoint[];
  /** Public key the checkpoints were signed with; absent: checkpoints cannot be checked (a break if any exist). */
  publicJwk?: JWK;
  start?: ChainStart;
  /**
   * Erasure records after the walked range (an exported bundle carries those that cover erased
   * records inside it): each must hash to its stored hash and match its content digest.
   */
  laterErasures?: readonly AuditRecord[];
}

/** Names the first erased record no erasure record covers; checks the later erasure records given. */
function checkErasures(walked: WalkResult, later: readonly AuditRecord[]): ChainBreak | undefined {
  for (const erasure of later) {
    const sound =
      erasure.kind === 'erasure' &&
      !erasure.erased &&
      erasure.seq > walked.last.seq &&
      hashRecord(erasure) === erasure.hash &&
      contentIntact(erasure);
    if (!sound)
      return {
        problem: 'modified',
        seq: erasure.seq,
        message: `erasure record ${erasure.seq} was modified: it does not hash to its stored hash`,
      };
    for (const seq of erasedSeqsOf(erasure)) walked.uncovered.delete(seq);
  }
  if (walked.uncovered.size === 0) return undefined;
  const seq = Math.min(...walked.uncovered);
  return {
    problem: 'erased',
    seq,
    message: `record ${seq} was erased without an erasure record: no later erasure record lists it`,
  };
}

/** Walks the chain, then its checkpoints; the report names the first broken record. */
export async function verifyChain(options: VerifyOptions): Promise<VerifyReport> {
  const start = options.start ?? GENESIS_START;
  const wanted = new Set(options.checkpoints.map((checkpoint) => checkpoint.seq));
  const walked = await walk(options.records, start, wanted);
  const checked = walked.broken
    ? { valid: 0, lastValidSeq: null }
    : await checkCheckpoints(options.checkpoints, options.publicJwk, walked, start);
  const erased = walked.broken ? undefined : checkErasures(walked, options.laterErasures ?? []);
  // Structural breaks first: a deleted or rewritten erasure record is what left its records uncovered.
  const broken = walked.broken ?? checked.broken ?? erased;
  const attestedTo = checked.lastValidSeq ?? start.seq;
  return {
    ok: broken === undefined,
    chain: options.chain,
    records: walked.records,
    first_seq: walked.first?.seq ?? null,
    last_seq: walked.records > 0 ? walked.last.seq : null,
    head_hash: walked.records > 0 ? walked.last.hash : null,
    checkpoints: {
      total: options.checkpoints.length,
      valid: checked.valid,
      last_valid_seq: checked.lastValidSeq,
    },
    unattested: Math.max(0, walked.last.seq - attestedTo),
    ...(broken ? { broken } : {}),
  };
}
