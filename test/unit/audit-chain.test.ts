import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { type AuditCheckpoint, type AuditSigner, auditSigner } from '../../src/audit/checkpoints.js';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import {
  type AuditRecord,
  contentDigest,
  erasedRecord,
  GENESIS_HASH,
  hashRecord,
  sealRecord,
} from '../../src/audit/record.js';
import { verifyChain } from '../../src/audit/verify.js';
import { loadOrCreateSigningKey } from '../../src/signals/keys.js';

const CHAIN = 'test-pipeline';
const LENGTH = 20;

async function freshSigner(): Promise<AuditSigner> {
  return auditSigner(await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'vigil-audit-key-'))));
}

/** A chain of LENGTH feedback records, checkpointed every 5 (so the head is covered too). */
async function builtChain(signer: AuditSigner) {
  const store = new MemoryAuditStore();
  let clock = 1_700_000_000_000;
  const log = await AuditLog.open(store, {
    chain: CHAIN,
    signer,
    checkpointEveryRecords: 5,
    checkpointEveryMs: 3_600_000,
    now: () => clock,
  });
  for (let i = 0; i < LENGTH; i++) {
    clock += 1000;
    await log.append([
      {
        kind: 'feedback',
        actor: 'analyst',
        subject: `user${i}@example.com`,
        ref: `feedback-${i}`,
        payload: { alert_id: `alert-${i}`, verdict: i % 2 ? 'false_positive' : 'true_positive' },
      },
    ]);
  }
  const records = store.chains.get(CHAIN) ?? [];
  const checkpoints = await store.checkpoints(CHAIN);
  return { store, log, records: records.map((r) => structuredClone(r)), checkpoints };
}

const verify = (records: AuditRecord[], checkpoints: AuditCheckpoint[], signer: AuditSigner) =>
  verifyChain({ chain: CHAIN, records, checkpoints, publicJwk: signer.publicJwk });

/** A forged record that links properly to `previous` (as an attacker who knows the format would make). */
const forgedAfter = (previous: AuditRecord | undefined) =>
  sealRecord(CHAIN, previous, {
    kind: 'manual_reset',
    actor: 'admin',
    subject: 'attacker@example.com',
    ref: 'forged',
    payload: { reason: 'cover tracks' },
    time: (previous?.time ?? 1_700_000_000_000) + 1,
  });

const resealed = (record: AuditRecord) => ({ ...record, hash: hashRecord(record) });

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,1]},"b":1}',
    );
  });

  it('gives the same text for objects built in a different key order', () => {
    expect(canonicalJson({ x: 1, y: [{ q: 2, p: 1 }] })).toBe(canonicalJson({ y: [{ p: 1, q: 2 }], x: 1 }));
  });

  it('refuses values JSON cannot carry faithfully, naming where they are', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\/a\/1/);
    expect(() => canonicalJson({ a: 10n })).toThrow(/bigint/);
  });
});

describe('audit chain verification', () => {
  let signer: AuditSigner;
  let chain: Awaited<ReturnType<typeof builtChain>>;
  beforeAll(async () => {
    signer = await freshSigner();
    chain = await builtChain(signer);
  });

  it('verifies an untouched chain, with every checkpoint valid and nothing unattested', async () => {
    expect(chain.records.map((r) => r.seq)).toEqual(Array.from({ length: LENGTH }, (_, i) => i + 1));
    expect(chain.records[0].prev_hash).toBe(GENESIS_HASH);
    const report = await verify(chain.records, chain.checkpoints, signer);
    expect(report).toMatchObject({
      ok: true,
      records: LENGTH,
      first_seq: 1,
      last_seq: LENGTH,
      unattested: 0,
    });
    expect(report.checkpoints).toEqual({ total: 4, valid: 4, last_valid_seq: 20 });
    expect(report.broken).toBeUndefined();
  });

  it('names the record whose payload was changed, at every position', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      records[i].payload.verdict = 'tampered';
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.ok, `position ${i}`).toBe(false);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'modified', seq: i + 1 });
    }
  });

  it('names a record that was changed and re-hashed, at every position', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      records[i] = resealed({ ...records[i], actor: 'someone-else' });
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'modified', seq: i + 1 });
    }
  });

  it('names a record inserted before any existing one', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      const forged = forgedAfter(records[i - 1]);
      records.splice(i, 0, forged);
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'inserted', seq: forged.seq });
    }
  });

  it('names a record inserted with the following records renumbered and re-linked as far as possible', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      const forged = forgedAfter(records[i - 1]);
      // What a SQL UPDATE seq = seq + 1 leaves: the later records' seq moved, their hashes not recomputed.
      for (const later of records.slice(i)) later.seq += 1;
      records.splice(i, 0, forged);
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'inserted', seq: i + 1 });
    }
  });

  it('names a record slipped in without linking (its seq duplicating an existing one)', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      const forged = resealed({ ...forgedAfter(records[i - 1]), prev_hash: 'f'.repeat(64) });
      records.splice(i, 0, forged);
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'inserted', seq: i + 1 });
    }
  });

  it('does not claim a record appended after the last checkpoint is attested', async () => {
    const records = structuredClone(chain.records);
    records.push(forgedAfter(records.at(-1)));
    const report = await verify(records, chain.checkpoints, signer);
    // The chain links; only a later checkpoint can vouch for it, and the report says none does.
    expect(report.ok).toBe(true);
    expect(report.unattested).toBe(1);
    expect(report.checkpoints.last_valid_seq).toBe(LENGTH);
  });

  it('names a deleted record, at every position (the last one through its checkpoint)', async () => {
    for (let i = 0; i < LENGTH; i++) {
      const records = structuredClone(chain.records);
      records.splice(i, 1);
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.ok, `position ${i}`).toBe(false);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'deleted', seq: i + 1 });
    }
  });

  it('names a deleted record when the later records were renumbered down', async () => {
    for (let i = 0; i < LENGTH - 1; i++) {
      const records = structuredClone(chain.records);
      records.splice(i, 1);
      for (const later of records.slice(i)) later.seq -= 1;
      const report = await verify(records, chain.checkpoints, signer);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'deleted', seq: i + 1 });
    }
  });

  it('catches a chain rewritten and re-hashed from a record onwards through the next checkpoint', async () => {
    const records = structuredClone(chain.records);
    let previous = records[5];
    for (let i = 6; i < LENGTH; i++) {
      const { hash: _hash, ...rest } = records[i];
      const subject = `rewritten-${i}`;
      const content_digest = contentDigest({ subject, payload: rest.payload });
      records[i] = resealed({ ...rest, prev_hash: previous.hash, hash: '', subject, content_digest });
      previous = records[i];
    }
    const report = await verify(records, chain.checkpoints, signer);
    expect(report.broken).toMatchObject({ problem: 'modified', seq: 10 });
    expect(report.broken?.message).toContain('records 6–10');
  });
});

describe('audit checkpoints', () => {
  let signer: AuditSigner;
  let chain: Awaited<ReturnType<typeof builtChain>>;
  beforeAll(async () => {
    signer = await freshSigner();
    chain = await builtChain(signer);
  });

  it('are signed over seq and hash every N records', () => {
    expect(chain.checkpoints.map((c) => c.seq)).toEqual([5, 10, 15, 20]);
    for (const checkpoint of chain.checkpoints) {
      expect(checkpoint.hash).toBe(chain.records[checkpoint.seq - 1].hash);
      expect(checkpoint.kid).toBe(signer.kid);
    }
  });

  it('fail when a signature byte changes', async () => {
    const checkpoints = structuredClone(chain.checkpoints);
    const jws = checkpoints[1].jws;
    const at = jws.lastIndexOf('.') + 10;
    checkpoints[1].jws = `${jws.slice(0, at)}${jws[at] === 'A' ? 'B' : 'A'}${jws.slice(at + 1)}`;
    const report = await verify(chain.records, checkpoints, signer);
    expect(report.broken).toMatchObject({ problem: 'checkpoint', seq: 10 });
  });

  it('fail when checked against another key', async () => {
    const other = await freshSigner();
    const report = await verify(chain.records, chain.checkpoints, other);
    expect(report.broken).toMatchObject({ problem: 'checkpoint', seq: 5 });
  });

  it('fail when the stored seq or hash beside the signature was edited', async () => {
    const checkpoints = structuredClone(chain.checkpoints);
    checkpoints[2].hash = chain.records[13].hash;
    const report = await verify(chain.records, checkpoints, signer);
    expect(report.broken).toMatchObject({ problem: 'checkpoint', seq: 15 });
  });

  it('are written on a time schedule and at close, covering the head', async () => {
    const store = new MemoryAuditStore();
    let clock = 0;
    const log = await AuditLog.open(store, {
      chain: CHAIN,
      signer,
      checkpointEveryRecords: 1000,
      checkpointEveryMs: 60_000,
      now: () => clock,
    });
    await log.append([{ kind: 'feedback', actor: 'a', subject: 's', ref: 'r1', payload: {} }]);
    expect(await store.checkpoints(CHAIN)).toEqual([]);
    clock = 61_000;
    await log.append([]);
    expect((await store.checkpoints(CHAIN)).map((c) => c.seq)).toEqual([1]);
    await log.append([{ kind: 'feedback', actor: 'a', subject: 's', ref: 'r2', payload: {} }]);
    await log.close();
    expect((await store.checkpoints(CHAIN)).map((c) => c.seq)).toEqual([1, 2]);
  });
});

describe('erased audit records', () => {
  const ERASED = [3, 7, 16];
  let signer: AuditSigner;
  /** The built chain with records 3, 7 and 16 erased and an erasure record (seq 21) listing them, checkpointed. */
  let records: AuditRecord[];
  let checkpoints: AuditCheckpoint[];
  beforeAll(async () => {
    signer = await freshSigner();
    const built = await builtChain(signer);
    const stored = built.store.chains.get(CHAIN) ?? [];
    for (const seq of ERASED) stored[seq - 1] = erasedRecord(stored[seq - 1]);
    await built.log.append([
      {
        kind: 'erasure',
        actor: 'dpo',
        subject: 'keyed-hash',
        ref: 'erasure-1',
        payload: { subject_hash: 'keyed-hash', counts: {}, erased_seqs: ERASED },
      },
    ]);
    await built.log.close();
    records = (built.store.chains.get(CHAIN) ?? []).map((r) => structuredClone(r));
    checkpoints = await built.store.checkpoints(CHAIN);
  });

  it('verify when a later erasure record lists them, checkpoints included', async () => {
    expect(records.filter((r) => r.erased).map((r) => r.seq)).toEqual(ERASED);
    expect(records[2]).toMatchObject({ subject: '', payload: {}, erased: true });
    const report = await verify(records, checkpoints, signer);
    expect(report.broken).toBeUndefined();
    expect(report).toMatchObject({ ok: true, records: LENGTH + 1, unattested: 0 });
    expect(report.checkpoints.valid).toBe(5);
  });

  it('are named when erased without an erasure record listing them', async () => {
    const extra = structuredClone(records);
    extra[11] = erasedRecord(extra[11]);
    expect(await verify(extra, checkpoints, signer)).toMatchObject({
      ok: false,
      broken: { problem: 'erased', seq: 12, message: expect.stringContaining('without an erasure record') },
    });
    // Without the erasure record (cut off the chain's end) none of the three is covered.
    const cut = structuredClone(records).slice(0, LENGTH);
    const report = await verifyChain({
      chain: CHAIN,
      records: cut,
      checkpoints: [],
      publicJwk: signer.publicJwk,
    });
    expect(report.broken).toMatchObject({ problem: 'erased', seq: 3 });
  });

  it('an erasure record does not cover records after it', async () => {
    const later = structuredClone(records);
    const appended = sealRecord(CHAIN, later.at(-1), {
      kind: 'feedback',
      actor: 'analyst',
      subject: 'late@example.com',
      ref: 'late',
      payload: {},
      time: 1_800_000_000_000,
    });
    later.push(erasedRecord(appended));
    const report = await verifyChain({
      chain: CHAIN,
      records: later,
      checkpoints: [],
      publicJwk: signer.publicJwk,
    });
    expect(report.broken).toMatchObject({ problem: 'erased', seq: LENGTH + 2 });
  });

  it('names an erased record whose digest changed, or an unerased record whose payload changed, at every position', async () => {
    for (let i = 0; i < records.length; i++) {
      const altered = structuredClone(records);
      if (altered[i].erased) altered[i].content_digest = contentDigest({ subject: 'x', payload: {} });
      else altered[i].payload.extra = 'tampered';
      const report = await verify(altered, checkpoints, signer);
      expect(report.ok, `position ${i}`).toBe(false);
      expect(report.broken, `position ${i}`).toMatchObject({ problem: 'modified', seq: i + 1 });
    }
  });

  it('names an erased record given content again, or an erasure record whose list changed', async () => {
    const refilled = structuredClone(records);
    refilled[6].subject = 'someone@example.com';
    expect((await verify(refilled, checkpoints, signer)).broken).toMatchObject({
      problem: 'modified',
      seq: 7,
    });
    const relisted = structuredClone(records);
    relisted[LENGTH].payload.erased_seqs = [3, 7, 12, 16];
    expect((await verify(relisted, checkpoints, signer)).broken).toMatchObject({
      problem: 'modified',
      seq: LENGTH + 1,
    });
  });

  it('still names inserted and deleted records at every position', async () => {
    for (let i = 0; i < records.length; i++) {
      const inserted = structuredClone(records);
      const forged = forgedAfter(inserted[i - 1]);
      inserted.splice(i, 0, forged);
      expect((await verify(inserted, checkpoints, signer)).broken, `insert ${i}`).toMatchObject({
        problem: 'inserted',
        seq: forged.seq,
      });
      const deleted = structuredClone(records);
      deleted.splice(i, 1);
      expect((await verify(deleted, checkpoints, signer)).broken, `delete ${i}`).toMatchObject({
        problem: 'deleted',
        seq: i + 1,
      });
    }
  });
});
