/**
 * What the audit log keeps about an erasure: a keyed hash of the identity
 * (so a later request "was X erased?" can be answered by whoever holds the
 * key, while the log itself names no one), how many rows or entries were
 * removed or redacted where, who asked, and when, and which audit records
 * of the recorder's chain had their content erased (`erased_seqs`: the
 * verifier accepts an erased record only when a later erasure record lists
 * it). `ErasureRecorder` is the
 * port forget writes through; `auditErasureRecorder` puts it on the audit
 * log (src/audit, an `erasure` entry whose subject is the hash), and
 * `NdjsonErasureRecorder` is the stand-alone fallback (one JSON line per
 * erasure, fsync'd).
 *
 * Never holds or writes the identity itself, nor any erased data.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AuditEntry, ERASED_SEQS } from '../audit/record.js';

export interface ErasureRecord {
  /** Keyed hash of the erased identity (pseudonym.ts). */
  subject_hash: string;
  /** Rows deleted, rows redacted and state entries removed, by place (`sqlite.events`, `checkpoints.mentions`, …). */
  counts: Record<string, number>;
  /** Who asked (CLI user, API role). */
  actor: string;
  /** When the erasure finished, ISO 8601 UTC. */
  time: string;
  /** Seqs of the audit records (of the recorder's chain) whose subject and payload were erased. */
  erased_seqs?: number[];
}

export interface ErasureRecorder {
  recordErasure(record: ErasureRecord): Promise<void>;
  /** The audit chain the record goes to: forget erases the identity from that chain's content. */
  readonly auditChain?: string;
}

export class NdjsonErasureRecorder implements ErasureRecorder {
  constructor(readonly path: string) {}

  async recordErasure(record: ErasureRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ type: 'identity.erased', ...record })}\n`);
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Anything that appends audit entries durably (the AuditLog of src/audit/log.ts). */
export interface AuditAppender {
  append(entries: readonly AuditEntry[]): Promise<unknown>;
  /** The chain appended to (AuditLog.chain); absent: forget erases no audit content. */
  readonly chain?: string;
}

/**
 * Records erasures as `erasure` entries on the audit log: subject = the keyed
 * hash, payload = the counts and `erased_seqs`. Uses `append` (rejects on failure), not the
 * never-failing hook: forget must not report success without its record.
 */
export function auditErasureRecorder(log: AuditAppender): ErasureRecorder {
  return {
    auditChain: log.chain,
    recordErasure: async (record) => {
      await log.append([
        {
          kind: 'erasure',
          actor: record.actor,
          subject: record.subject_hash,
          ref: `erasure:${record.subject_hash}:${record.time}`,
          payload: {
            subject_hash: record.subject_hash,
            counts: record.counts,
            erased_at: record.time,
            [ERASED_SEQS]: record.erased_seqs ?? [],
          },
          time: Date.parse(record.time),
        },
      ]);
    },
  };
}
