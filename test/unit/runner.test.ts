import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { authEvent, officeHistory } from '../support/events.js';
import { MemorySink, MemorySource } from '../support/memory.js';

const NOW = Date.UTC(2026, 5, 1);
const engine = () => buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }), () => NOW);

describe('micro-batch runner', () => {
  it('scores every valid record and dead-letters every bad one, and the counts add up', async () => {
    const good = officeHistory(3, 4).map((event) => JSON.stringify(event));
    const bad = ['not json', '{"kind":"auth"}', JSON.stringify({ ...authEvent(), geo: { lat: 999 } })];
    const source = new MemorySource([...good.slice(0, 5), ...bad, ...good.slice(5)]);
    const sink = new MemorySink();
    const stats = await runPipeline(source, engine().processor, [sink], { maxBatchRecords: 4, maxWaitMs: 0 });
    expect(stats.records).toBe(good.length + bad.length);
    expect(sink.scores).toHaveLength(good.length);
    expect(sink.deadLetters.map((d) => d.reason)).toEqual(['not_json', 'schema', 'schema']);
    expect(sink.deadLetters[2]).toMatchObject({
      field: '/geo/lat',
      origin: { source: 'memory', offset: '7' },
    });
    expect(sink.deadLetters[0].raw).toBe('not json');
  });

  it('commits a batch only after every sink has flushed it', async () => {
    const source = new MemorySource(officeHistory(2, 5).map((event) => JSON.stringify(event)));
    const first = new MemorySink();
    const second = new MemorySink();
    second.failFlushAt = 2;
    await expect(
      runPipeline(source, engine().processor, [first, second], { maxBatchRecords: 3, maxWaitMs: 0 }),
    ).rejects.toThrow('sink unavailable');
    expect(source.commits).toEqual([3]);
    expect(first.closed && second.closed && source.closed).toBe(true);
  });

  it('stops after the batch in hand when aborted, committing it', async () => {
    const controller = new AbortController();
    const source = new MemorySource(officeHistory(5, 4).map((event) => JSON.stringify(event)));
    const sink = new MemorySink();
    const stats = await runPipeline(source, engine().processor, [sink], {
      maxBatchRecords: 5,
      maxWaitMs: 0,
      signal: controller.signal,
      onBatch: (_, s) => {
        if (s.batches === 2) controller.abort();
      },
    });
    expect(stats.batches).toBe(2);
    expect(source.commits).toEqual([5, 10]);
    expect(sink.scores).toHaveLength(10);
  });

  it('accepts already-parsed objects from in-process sources', async () => {
    const source = new MemorySource([authEvent(), { kind: 'auth' }]);
    const sink = new MemorySink();
    await runPipeline(source, engine().processor, [sink], { maxBatchRecords: 10, maxWaitMs: 0 });
    expect(sink.scores).toHaveLength(1);
    expect(sink.deadLetters[0].raw).toBe('{"kind":"auth"}');
  });
});
