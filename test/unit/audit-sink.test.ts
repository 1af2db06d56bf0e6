import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordConfigurationIfChanged, recordModelPromotion } from '../../src/audit/actions.js';
import { type AuditSigner, auditSigner } from '../../src/audit/checkpoints.js';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import { AuditSink } from '../../src/audit/sink.js';
import { recordsOf } from '../../src/audit/store.js';
import { verifyChain } from '../../src/audit/verify.js';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { loadOrCreateSigningKey } from '../../src/signals/keys.js';
import { simulate } from '../../src/simulator/index.js';
import { MemorySink, MemorySource } from '../support/memory.js';

const CHAIN = 'replay-test';
const config = parsePipeline({ name: CHAIN, source: { type: 'file', path: 'unused', format: 'canonical' } });
const lines = [...simulate({ seed: 7, events: 6000 })].map((simulated) => JSON.stringify(simulated.event));
const RUN = { maxBatchRecords: 500, maxWaitMs: 0 };

async function openLog(store: MemoryAuditStore, signer: AuditSigner) {
  return AuditLog.open(store, { chain: CHAIN, signer, checkpointEveryRecords: 50 });
}

/** Runs the whole input through a fresh engine into the audit sink (and any extra sinks after it). */
async function runInto(log: AuditLog, extra: MemorySink[] = []) {
  const reference = new MemorySink();
  await runPipeline(
    new MemorySource(lines),
    buildEngine(config).processor,
    [new AuditSink(log), reference, ...extra],
    RUN,
  );
  return reference;
}

const recordsIn = async (store: MemoryAuditStore) => {
  const all = [];
  for await (const record of recordsOf(store, CHAIN)) all.push(record);
  return all;
};

describe('the audit sink', () => {
  let signer: AuditSigner;
  beforeAll(async () => {
    signer = auditSigner(await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'vigil-audit-key-'))));
  });

  it('records every decision with what explains it, and every signal', async () => {
    const store = new MemoryAuditStore();
    const reference = await runInto(await openLog(store, signer));
    const decisions = reference.outputs.flatMap((o) => o.decisions ?? []);
    const signals = reference.outputs.flatMap((o) => o.signals ?? []);
    expect(decisions.length).toBeGreaterThan(0);
    const records = await recordsIn(store);
    expect(records.filter((r) => r.kind === 'decision').map((r) => r.ref)).toEqual(
      decisions.map((d) => d.id),
    );
    expect(records.filter((r) => r.kind === 'signal').map((r) => r.ref)).toEqual(signals.map((s) => s.jti));
    const first = records.find((r) => r.kind === 'decision');
    const decision = decisions[0];
    expect(first?.subject).toBe(decision.identity);
    expect(first?.payload).toMatchObject({
      event_id: decision.event_id,
      rule: decision.rule,
      detectors: decision.detectors,
      components: decision.components,
      alert_ids: decision.alert_ids,
      policy_version: decision.policy_version,
    });
  });

  it('skips what a replay after a crash between flush and commit repeats', async () => {
    const store = new MemoryAuditStore();
    // The audit sink flushes batch 6, then another sink fails: the source is not committed past batch 5.
    const failing = new MemorySink();
    failing.failFlushAt = 6;
    await expect(runInto(await openLog(store, signer), [failing])).rejects.toThrow(/sink unavailable/);
    const beforeReplay = (await recordsIn(store)).length;
    expect(beforeReplay).toBeGreaterThan(0);
    // Restart: a fresh engine and a reopened log replay the whole input.
    const reopened = await openLog(store, signer);
    const reference = await runInto(reopened);
    const expected =
      reference.outputs.flatMap((o) => o.decisions ?? []).length +
      reference.outputs.flatMap((o) => o.signals ?? []).length;
    const records = await recordsIn(store);
    expect(records.length).toBe(expected);
    expect(new Set(records.map((r) => `${r.kind}:${r.ref}`)).size).toBe(records.length);
    expect(reopened.duplicatesSkipped).toBe(beforeReplay);
    const report = await verifyChain({
      chain: CHAIN,
      records,
      checkpoints: await store.checkpoints(CHAIN),
      publicJwk: signer.publicJwk,
    });
    expect(report.ok).toBe(true);
  });

  it('fails the flush when the store fails, and writes the batch on the retried flush', async () => {
    const store = new MemoryAuditStore();
    const log = await openLog(store, signer);
    const sink = new AuditSink(log);
    const reference = new MemorySink();
    await runPipeline(new MemorySource(lines), buildEngine(config).processor, [reference], RUN);
    const withDecisions = reference.outputs.find((o) => (o.decisions ?? []).length > 0);
    expect(withDecisions).toBeDefined();
    await sink.write(withDecisions!);
    store.failNextAppend = new Error('disk full');
    await expect(sink.flush()).rejects.toThrow('disk full');
    expect(await recordsIn(store)).toEqual([]);
    await sink.flush();
    expect((await recordsIn(store)).map((r) => r.ref)).toEqual([
      ...(withDecisions?.decisions ?? []).map((d) => d.id),
      ...(withDecisions?.signals ?? []).map((s) => s.jti),
    ]);
  });
});

describe('audit entries for human and configuration actions', () => {
  it('records the policy and thresholds once, and again only when they change', async () => {
    const store = new MemoryAuditStore();
    const log = await AuditLog.open(store, { chain: CHAIN });
    expect((await recordConfigurationIfChanged(log, config)).map((r) => r.kind)).toEqual([
      'policy_change',
      'threshold_change',
    ]);
    expect(await recordConfigurationIfChanged(await AuditLog.open(store, { chain: CHAIN }), config)).toEqual(
      [],
    );
    const stricter = parsePipeline({
      name: CHAIN,
      source: { type: 'file', path: 'unused' },
      alerts: { min_severity: 0.9 },
    });
    const changed = await recordConfigurationIfChanged(log, stricter);
    expect(changed.map((r) => r.kind)).toEqual(['threshold_change']);
    expect(changed[0].payload).toMatchObject({ thresholds: { alerts_min_severity: 0.9 } });
  });

  it('records a model promotion once per target version, and retries a record whose write failed', async () => {
    const store = new MemoryAuditStore();
    const log = await AuditLog.open(store, { chain: CHAIN });
    const promotion = { model: 'iforest-auth', fromVersion: '3', toVersion: '4', actor: 'engine' };
    store.failNextAppend = new Error('store down');
    await recordModelPromotion(log, promotion);
    expect(await store.head(CHAIN)).toBeUndefined();
    await recordModelPromotion(log, promotion);
    const records = await recordsIn(store);
    expect(records.map((r) => [r.kind, r.subject, r.payload.to_version])).toEqual([
      ['model_promotion', 'iforest-auth', '4'],
    ]);
  });
});
