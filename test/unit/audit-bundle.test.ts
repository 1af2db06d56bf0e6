import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportBundle, verifyBundleText } from '../../src/audit/bundle.js';
import { type AuditSigner, auditSigner } from '../../src/audit/checkpoints.js';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import { erasedRecord } from '../../src/audit/record.js';
import { loadOrCreateSigningKey } from '../../src/signals/keys.js';

const CHAIN = 'bundle-test';
const T0 = 1_750_000_000_000;

async function freshSigner(): Promise<AuditSigner> {
  return auditSigner(await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'vigil-audit-key-'))));
}

/** 20 records one minute apart (record n at T0 + n minutes), checkpointed every 4. */
async function chainOf20(signer: AuditSigner) {
  const store = new MemoryAuditStore();
  let clock = T0;
  const log = await AuditLog.open(store, {
    chain: CHAIN,
    signer,
    checkpointEveryRecords: 4,
    now: () => clock,
  });
  for (let n = 1; n <= 20; n++) {
    clock = T0 + n * 60_000;
    await log.append([
      {
        kind: n % 3 ? 'decision' : 'manual_revoke',
        actor: n % 3 ? 'engine' : 'analyst',
        subject: `user${n}@example.com`,
        ref: `ref-${n}`,
        payload: { rule: 'revoke_compromised_session', risk: n * 4.5, note: 'ünïcødé ☃' },
      },
    ]);
  }
  return store;
}

describe('audit export bundles', () => {
  let signer: AuditSigner;
  let store: MemoryAuditStore;
  beforeAll(async () => {
    signer = await freshSigner();
    store = await chainOf20(signer);
  });

  const exportRange = (fromN: number, toN: number) =>
    exportBundle(store, CHAIN, { fromMs: T0 + fromN * 60_000, toMs: T0 + toN * 60_000 }, signer, () => T0);

  it('holds the records in range, the one before as anchor, and the checkpoints inside', async () => {
    const { bundle } = await exportRange(6, 15);
    expect(bundle.records.map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(bundle.anchor?.seq).toBe(5);
    expect(bundle.checkpoints.map((c) => c.seq)).toEqual([8, 12]);
    expect(bundle.public_jwk).toEqual(signer.publicJwk);
  });

  it('verifies offline, from the file text alone', async () => {
    const { text } = await exportRange(6, 15);
    const report = await verifyBundleText(text);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({
      ok: true,
      kid: signer.kid,
      chain: { records: 9, first_seq: 6, last_seq: 14 },
    });
  });

  it('verifies a range that starts the chain (no anchor)', async () => {
    const { text, bundle } = await exportRange(0, 30);
    expect(bundle.anchor).toBeNull();
    expect(await verifyBundleText(text)).toMatchObject({ ok: true, chain: { records: 20, unattested: 0 } });
  });

  it('fails after a one-byte change anywhere in the file', async () => {
    const { text } = await exportRange(6, 10);
    const bytes = Buffer.from(text, 'utf8');
    const survivors: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      // Flip the lowest bit; for a byte inside a multi-byte UTF-8 character this breaks the encoding.
      altered[i] ^= 0x01;
      const report = await verifyBundleText(altered.toString('utf8'));
      if (report.ok) survivors.push(i);
    }
    expect(bytes.length).toBeGreaterThan(1000);
    expect(survivors).toEqual([]);
  });

  it('fails when the bundle is re-signed with a key other than the pinned one', async () => {
    const other = await freshSigner();
    const { text } = await exportBundle(store, CHAIN, { fromMs: T0, toMs: T0 + 30 * 60_000 }, other);
    // Self-consistent with its own key (whose checkpoints then fail)…
    const unpinned = await verifyBundleText(text);
    expect(unpinned.ok).toBe(false);
    expect(unpinned.problem).toMatch(/checkpoint/);
    // …and refused outright when the auditor pins Vigil's key.
    const pinned = await verifyBundleText(text, signer.publicJwk);
    expect(pinned).toMatchObject({ ok: false, problem: expect.stringMatching(/different key/) });
  });

  it('fails when a record in the range was deleted before export', async () => {
    const tampered = new MemoryAuditStore();
    for (const [chain, records] of store.chains)
      tampered.chains.set(
        chain,
        records.filter((r) => r.seq !== 8),
      );
    tampered.checkpointsByChain.set(CHAIN, await store.checkpoints(CHAIN));
    const { text } = await exportBundle(
      tampered,
      CHAIN,
      { fromMs: T0 + 6 * 60_000, toMs: T0 + 15 * 60_000 },
      signer,
    );
    const report = await verifyBundleText(text, signer.publicJwk);
    expect(report).toMatchObject({ ok: false, chain: { broken: { problem: 'deleted', seq: 8 } } });
  });
});

describe('audit export bundles with erased records', () => {
  let signer: AuditSigner;
  let store: MemoryAuditStore;
  beforeAll(async () => {
    signer = await freshSigner();
    store = await chainOf20(signer);
    // Records 7 and 9 erased; the erasure record (seq 21, at T0 + 25 min) lists them.
    const stored = store.chains.get(CHAIN) ?? [];
    for (const seq of [7, 9]) stored[seq - 1] = erasedRecord(stored[seq - 1]);
    const log = await AuditLog.open(store, {
      chain: CHAIN,
      signer,
      checkpointEveryRecords: 4,
      now: () => T0 + 25 * 60_000,
    });
    await log.append([
      {
        kind: 'erasure',
        actor: 'dpo',
        subject: 'keyed-hash',
        ref: 'erasure-1',
        payload: { erased_seqs: [7, 9] },
      },
    ]);
    await log.close();
  });

  const exportRange = (fromN: number, toN: number) =>
    exportBundle(store, CHAIN, { fromMs: T0 + fromN * 60_000, toMs: T0 + toN * 60_000 }, signer, () => T0);

  it('carry erased flags and digests, and the later erasure record, and verify offline', async () => {
    const { text, bundle } = await exportRange(6, 15);
    expect(bundle.records.filter((r) => r.erased).map((r) => r.seq)).toEqual([7, 9]);
    expect(bundle.records.every((r) => /^[0-9a-f]{64}$/.test(r.content_digest))).toBe(true);
    expect(bundle.erasures.map((r) => r.seq)).toEqual([21]);
    expect(text).not.toContain('user7@example.com');
    const report = await verifyBundleText(text, signer.publicJwk);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({ ok: true, chain: { records: 9, first_seq: 6, last_seq: 14 } });
    // A range holding the erasure record itself needs nothing extra.
    const whole = await exportRange(0, 30);
    expect(whole.bundle.erasures).toEqual([]);
    expect(await verifyBundleText(whole.text)).toMatchObject({ ok: true, chain: { records: 21 } });
  });

  it('fail after a one-byte change anywhere in the file', async () => {
    const { text } = await exportRange(6, 10);
    const bytes = Buffer.from(text, 'utf8');
    const survivors: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] ^= 0x01;
      if ((await verifyBundleText(altered.toString('utf8'))).ok) survivors.push(i);
    }
    expect(bytes.length).toBeGreaterThan(1000);
    expect(survivors).toEqual([]);
  });

  it('fail, naming the record, when an erased record has no erasure record', async () => {
    const tampered = new MemoryAuditStore();
    tampered.chains.set(CHAIN, structuredClone(store.chains.get(CHAIN) ?? []));
    tampered.checkpointsByChain.set(CHAIN, await store.checkpoints(CHAIN));
    const stored = tampered.chains.get(CHAIN) ?? [];
    stored[11] = erasedRecord(stored[11]);
    const { text } = await exportBundle(
      tampered,
      CHAIN,
      { fromMs: T0 + 6 * 60_000, toMs: T0 + 15 * 60_000 },
      signer,
    );
    expect(await verifyBundleText(text, signer.publicJwk)).toMatchObject({
      ok: false,
      chain: { broken: { problem: 'erased', seq: 12 } },
    });
  });
});
