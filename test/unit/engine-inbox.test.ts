import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { EngineInbox, InboxFullError } from '../../src/engine/inbox.js';
import { runPipeline } from '../../src/engine/runner.js';
import type { Source, SourceBatch } from '../../src/engine/types.js';
import { MANUAL_RESET_RULE, MANUAL_REVOKE_RULE } from '../../src/risk/decisions.js';
import { EnforcementTable } from '../../src/signals/enforcement.js';
import { authEvent, officeHistory } from '../support/events.js';
import { MemorySink } from '../support/memory.js';

/** A live source that hands out its records once, then empty batches until the run is aborted. */
class IdleSource implements Source {
  readonly name = 'idle';
  readonly commits: unknown[] = [];
  private sent = false;
  constructor(private readonly lines: string[]) {}
  async next(_max: number, _wait: number, signal: AbortSignal): Promise<SourceBatch | null> {
    if (signal.aborted) return null;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.sent) return { records: [], position: 'idle' };
    this.sent = true;
    return {
      records: this.lines.map((value, i) => ({ value, origin: { source: this.name, offset: String(i) } })),
      position: 'history',
    };
  }
  async commit(position: unknown) {
    this.commits.push(position);
  }
  async close() {}
}

const config = parsePipeline({ source: { type: 'file', path: 'unused', format: 'ocsf' } });
const HOUR = 3_600_000;

function startRun(sink: MemorySink, history = officeHistory(10, 3)) {
  const engine = buildEngine(config, () => Date.UTC(2026, 5, 1));
  // The pipeline reads OCSF; the history goes in as canonical records through the inbox's format override.
  const inbox = new EngineInbox(100);
  const controller = new AbortController();
  const run = runPipeline(new IdleSource([]), engine.processor, [sink], {
    maxBatchRecords: 1000,
    maxWaitMs: 5,
    signal: controller.signal,
    inbox,
  });
  return { engine, inbox, run, history, stop: () => controller.abort() };
}

describe('engine inbox (API ingest and analyst actions)', () => {
  it('scores ingested canonical events in a pipeline of another format and answers once they are durable', async () => {
    const sink = new MemorySink();
    const { inbox, run, history, stop } = startRun(sink);
    let flushedBeforeAnswer = -1;
    await inbox.ingest(history).then(() => {
      flushedBeforeAnswer = sink.flushes;
    });
    expect(flushedBeforeAnswer).toBeGreaterThanOrEqual(1);
    expect(sink.scores.map((score) => score.event_id).sort()).toEqual(
      history.map((event) => event.id).sort(),
    );
    expect(sink.outputs.flatMap((output) => output.deadLetters)).toEqual([]);
    stop();
    await run;
  });

  it('revokes a known identity through the response stage: an enforced decision, its SETs, a hold at the check', async () => {
    const sink = new MemorySink();
    const { inbox, run, history, stop } = startRun(sink);
    await inbox.ingest(history);
    const time = history.at(-1)!.time + HOUR;
    const applied = await inbox.act({
      identity: 'alice@example.com',
      action: 'revoke',
      by: 'analyst',
      reason: 'phished',
      time,
      holdMs: HOUR,
    });
    expect(applied).toBe(true);
    const decisions = sink.outputs.flatMap((output) => output.decisions ?? []);
    expect(decisions).toHaveLength(1);
    const [decision] = decisions;
    expect(decision).toMatchObject({
      identity: 'alice@example.com',
      rule: MANUAL_REVOKE_RULE,
      action: 'revoke_sessions',
      mode: 'enforce',
      actor: 'analyst',
      reason: 'manual_revoke by analyst: phished',
    });
    const signals = sink.outputs.flatMap((output) => output.signals ?? []);
    expect(signals.map((signal) => signal.jti)).toEqual(decision.signals);
    expect(signals.some((signal) => signal.event_type.endsWith('session-revoked'))).toBe(true);
    const table = new EnforcementTable(() => time);
    table.apply(decisions);
    expect(table.check('alice@example.com').verdict).toBe('deny');
    stop();
    await run;
  });

  it('reset clears accumulated risk and lifts holds; an unknown identity is not acted on', async () => {
    const sink = new MemorySink();
    const { engine, inbox, run, history, stop } = startRun(sink);
    const last = history.at(-1)!;
    // A sign-in from far away right after the history raises the identity's risk.
    const risky = authEvent({
      id: 'evt-risky',
      time: last.time + 10 * 60_000,
      src_ip: '203.0.113.9',
      geo: { country: 'BR', city: 'Sao Paulo', lat: -23.55, lon: -46.63 },
      device: { id: 'dev-unknown' },
    });
    await inbox.ingest([...history, risky]);
    expect(engine.store.get('alice@example.com')?.risk?.score ?? 0).toBeGreaterThan(0);
    const time = risky.time + HOUR;
    await inbox.act({ identity: 'alice@example.com', action: 'revoke', by: 'admin', time, holdMs: HOUR });
    expect(
      await inbox.act({
        identity: 'alice@example.com',
        action: 'reset',
        by: 'admin',
        time: time + 1,
        holdMs: HOUR,
      }),
    ).toBe(true);
    expect(engine.store.get('alice@example.com')?.risk).toBeUndefined();
    const decisions = sink.outputs.flatMap((output) => output.decisions ?? []);
    expect(decisions.at(-1)).toMatchObject({ rule: MANUAL_RESET_RULE, action: 'allow', actor: 'admin' });
    const table = new EnforcementTable(() => time + 2);
    table.apply(decisions);
    expect(table.check('alice@example.com').verdict).toBe('allow');
    expect(
      await inbox.act({ identity: 'nobody@example.com', action: 'revoke', by: 'admin', time, holdMs: HOUR }),
    ).toBe(false);
    stop();
    await run;
  });

  it('runs tasks between batches, never while a sink holds a batch open', async () => {
    const sink = new MemorySink();
    const { inbox, run, history, stop } = startRun(sink);
    let writesSeen = -1;
    let flushesSeen = -1;
    const ingested = inbox.ingest(history);
    const result = await inbox.between(async () => {
      writesSeen = sink.outputs.length;
      flushesSeen = sink.flushes;
      return 'done';
    });
    await ingested;
    expect(result).toBe('done');
    // Every batch written before the task had been flushed too: the task ran between batches.
    expect(flushesSeen).toBe(writesSeen);
    await expect(inbox.between(async () => Promise.reject(new Error('task failed')))).rejects.toThrow(
      'task failed',
    );
    stop();
    await run;
    await expect(inbox.between(async () => 1)).rejects.toThrow('stopped');
  });

  it('rejects the callers when the batch cannot be stored, and refuses past its capacity', async () => {
    const sink = new MemorySink();
    sink.failFlushAt = 1;
    const { inbox, run, history } = startRun(sink);
    await expect(inbox.ingest(history)).rejects.toThrow('sink unavailable');
    await expect(run).rejects.toThrow('sink unavailable');
    const small = new EngineInbox(2);
    await expect(small.ingest(history.slice(0, 3))).rejects.toBeInstanceOf(InboxFullError);
  });
});
