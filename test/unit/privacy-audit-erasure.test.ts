import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import type { AuditEntry, AuditRecord } from '../../src/audit/record.js';
import { SqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { recordsOf } from '../../src/audit/store.js';
import { verifyChain } from '../../src/audit/verify.js';
import { auditErasureRecorder, type ErasureRecorder } from '../../src/privacy/erasure-record.js';
import { forgetIdentity } from '../../src/privacy/forget.js';
import { mentions } from '../../src/privacy/mentions.js';
import { Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';

const CHAIN = 'erasure-test';
const TARGET = 'alice@example.com';
const pseudonyms = new Pseudonymizer('unit-test-pseudonym-key-0123456789');

const entries: AuditEntry[] = [
  { kind: 'decision', actor: 'engine', subject: TARGET, ref: 'd1', payload: { identity: TARGET, risk: 90 } },
  { kind: 'decision', actor: 'engine', subject: 'malice@example.com', ref: 'd2', payload: { risk: 70 } },
  {
    kind: 'decision',
    actor: 'engine',
    subject: 'bob@example.com',
    ref: 'd3',
    payload: { reason: `spray over ${TARGET} and others` },
  },
  { kind: 'signal', actor: 'engine', subject: TARGET, ref: 's1', payload: { jti: 's1' } },
  { kind: 'feedback', actor: 'analyst', subject: 'bob@example.com', ref: 'f1', payload: { note: 'fine' } },
];

describe('forget erases audit content (SQLite)', () => {
  let directory: string;
  let db: SqliteDatabase;
  let store: SqliteAuditStore;
  let log: AuditLog;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vigil-audit-erasure-'));
    db = openSqliteStore(join(directory, 'vigil.db'));
    store = new SqliteAuditStore(db);
    log = await AuditLog.open(store, { chain: CHAIN });
    await log.append(entries);
  });
  afterEach(() => {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const chain = async () => {
    const records: AuditRecord[] = [];
    for await (const record of recordsOf(store, CHAIN)) records.push(record);
    return records;
  };
  const verify = async () => verifyChain({ chain: CHAIN, records: await chain(), checkpoints: [] });

  it('erases the records naming the identity as a whole name, and the chain verifies', async () => {
    const record = await forgetIdentity(
      TARGET,
      { sqlite: db },
      { recorder: auditErasureRecorder(log), pseudonyms, actor: 'dpo', sqlite: { vacuum: false } },
    );
    expect(record.erased_seqs).toEqual([1, 3, 4]);
    const records = await chain();
    expect(records.filter((r) => r.erased).map((r) => r.seq)).toEqual([1, 3, 4]);
    expect(records[1]).toMatchObject({ subject: 'malice@example.com', erased: false });
    expect(records[5]).toMatchObject({ kind: 'erasure', payload: { erased_seqs: [1, 3, 4] } });
    expect(records.filter((r) => mentions(JSON.stringify([r.subject, r.payload]), TARGET))).toEqual([]);
    expect(record.counts['residual.audit']).toBeUndefined();
    expect(await verify()).toMatchObject({ ok: true, records: 6 });
  });

  it('lists records erased by an earlier run that failed before recording, and never erases erasure records', async () => {
    const failing: ErasureRecorder = {
      auditChain: CHAIN,
      recordErasure: async () => {
        throw new Error('audit store down');
      },
    };
    await expect(
      forgetIdentity(TARGET, { sqlite: db }, { recorder: failing, pseudonyms, actor: 'dpo' }),
    ).rejects.toThrow(/down/);
    // Erased, but nothing lists them yet: the verifier says so.
    expect((await verify()).broken).toMatchObject({ problem: 'erased', seq: 1 });
    const again = await forgetIdentity(
      TARGET,
      { sqlite: db },
      { recorder: auditErasureRecorder(log), pseudonyms, actor: 'dpo' },
    );
    expect(again.erased_seqs).toEqual([1, 3, 4]);
    expect(await verify()).toMatchObject({ ok: true, records: 6 });
    // A third forget (its subject hash is in the erasure record) leaves the erasure record as it is.
    const third = await forgetIdentity(
      TARGET,
      { sqlite: db },
      { recorder: auditErasureRecorder(log), pseudonyms, actor: 'dpo' },
    );
    expect(third.erased_seqs).toEqual([]);
    const records = await chain();
    expect(records.filter((r) => r.kind === 'erasure').map((r) => r.erased)).toEqual([false, false]);
    expect(await verify()).toMatchObject({ ok: true, records: 7 });
  });
});
