import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { KafkaSource } from '../../src/sources/kafka.js';
import { ClickHouseQueryStore } from '../../src/store/clickhouse-queries.js';
import { type ClickHouseServer, startClickHouse } from '../support/services.js';
import {
  clickhouse,
  freshDatabase,
  kafkaBrokers,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';
import { produceEvents } from '../support/services-kafka.js';
import { testTopic } from '../support/services-topics.js';

describe.skipIf(!servicesAvailable())('ClickHouse outage mid-stream', () => {
  let server: ClickHouseServer | undefined;
  afterAll(async () => {
    await server?.destroy();
  });

  it('pauses consumption while ClickHouse is down, loses nothing and catches up when it returns', async () => {
    server = await startClickHouse();
    const N = 4000;
    const { lines } = simulatedLines(N, 23);
    await produceEvents(lines, {
      auth: testTopic('chdown', 'auth-events'),
      service: testTopic('chdown', 'service-events'),
    });
    const database = freshDatabase('outage');
    const sink = new ClickHouseSink({
      url: server.address,
      database,
      pipeline: 'outage',
      maxRetryMs: 60_000,
      initialBackoffMs: 100,
      maxBackoffMs: 500,
      requestTimeoutMs: 2000,
    });
    const source = new KafkaSource({
      brokers: kafkaBrokers(),
      groupId: 'vigil-chdown',
      topics: [testTopic('chdown', 'auth-events'), testTopic('chdown', 'service-events')],
    });
    const controller = new AbortController();
    const processedWhileDown: number[] = [];
    let down = false;
    const outage = async () => {
      await server!.stop({ crash: true });
      down = true;
      await new Promise((r) => setTimeout(r, 3000));
      down = false;
      await server!.restart();
    };
    let outageDone: Promise<void> | undefined;
    const safety = setTimeout(() => controller.abort(), 90_000);
    const stats = await runPipeline(
      source,
      buildEngine(parsePipeline({ source: { type: 'file', path: 'x' } })).processor,
      [sink],
      {
        maxBatchRecords: 500,
        maxWaitMs: 100,
        signal: controller.signal,
        onBatch: (_, s) => {
          if (down) processedWhileDown.push(s.records);
          if (s.batches === 2) outageDone = outage();
          if (s.records >= N) controller.abort();
        },
      },
    );
    clearTimeout(safety);
    await outageDone;
    expect(stats.records).toBe(N);
    expect(sink.retries).toBeGreaterThan(0);
    // At most the batch that was in flight when the server died completes during the outage.
    expect(processedWhileDown.length).toBeLessThanOrEqual(1);
    const connection = clickhouse(database, server.address);
    const count = await new ClickHouseQueryStore(connection).countEvents();
    await connection.close();
    expect(count).toBe(N);
  });
});
