import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { ClickHouseSink } from '../../src/sinks/clickhouse.js';
import { KafkaSink } from '../../src/sinks/kafka.js';
import { KafkaSource } from '../../src/sources/kafka.js';
import { ClickHouseQueryStore } from '../../src/store/clickhouse-queries.js';
import {
  clickhouse,
  clickhouseUrl,
  freshDatabase,
  kafkaBrokers,
  servicesAvailable,
  simulatedLines,
} from '../support/services-clients.js';
import { produceEvents, readTopic } from '../support/services-kafka.js';
import { testTopic } from '../support/services-topics.js';

const engine = () => buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }));

/** Runs Kafka → engine → ClickHouse + Kafka until `until` says stop (checked after each batch). */
async function runUntil(
  prefix: 'e2e' | 'deadletter',
  database: string,
  until: (records: number) => boolean,
): Promise<{ source: KafkaSource; records: number }> {
  const controller = new AbortController();
  const source = new KafkaSource({
    brokers: kafkaBrokers(),
    groupId: `vigil-${prefix}`,
    topics: [testTopic(prefix, 'auth-events'), testTopic(prefix, 'service-events')],
  });
  const sinks = [
    new ClickHouseSink({ url: clickhouseUrl(), database, pipeline: prefix, maxRetryMs: 10_000 }),
    new KafkaSink({
      brokers: kafkaBrokers(),
      topics: {
        alerts: testTopic(prefix, 'vigil-alerts'),
        signals: testTopic(prefix, 'vigil-signals'),
        deadLetters: testTopic(prefix, 'vigil-deadletter'),
      },
    }),
  ];
  const timeout = setTimeout(() => controller.abort(), 60_000);
  const stats = await runPipeline(source, engine().processor, sinks, {
    maxBatchRecords: 1000,
    maxWaitMs: 100,
    signal: controller.signal,
    onBatch: (_, s) => {
      if (until(s.records)) controller.abort();
    },
  });
  clearTimeout(timeout);
  return { source, records: stats.records };
}

describe.skipIf(!servicesAvailable())('Kafka in, ClickHouse and Kafka out', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('stores exactly N scored events and publishes the alerts it stores', async () => {
    const N = 6000;
    const { lines } = simulatedLines(N, 11);
    await produceEvents(lines, {
      auth: testTopic('e2e', 'auth-events'),
      service: testTopic('e2e', 'service-events'),
    });
    const database = freshDatabase('e2e');
    const started = Date.now();
    const { source, records } = await runUntil('e2e', database, (n) => n >= N);
    const seconds = (Date.now() - started) / 1000;
    expect(records).toBe(N);
    expect(source.totalLag()).toBe(0);
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const queries = new ClickHouseQueryStore(connection);
    expect(await queries.countEvents()).toBe(N);
    const stored = await queries.alerts({ limit: 10_000 });
    expect(stored.length).toBeGreaterThan(0);
    const published = await readTopic(testTopic('e2e', 'vigil-alerts'));
    const publishedIds = published.map((m) => JSON.parse(m.value).id as string);
    expect(new Set(publishedIds)).toEqual(new Set(stored.map((a) => a.id)));
    expect(publishedIds.length).toBe(stored.length);
    for (const message of published) expect(message.key).toBe(JSON.parse(message.value).identity);
    console.info(`kafka→clickhouse: ${N} events in ${seconds.toFixed(1)} s, ${stored.length} alerts`);
  });

  it('dead-letters malformed and hostile messages with reasons and keeps hostile strings verbatim', async () => {
    const hostileIdentity = 'robert\'); DROP TABLE vigil.events;-- \\ "x"';
    const { lines } = simulatedLines(200, 5);
    const good = JSON.parse(lines[0]);
    const bad = [
      'not json at all',
      '{"kind":"auth"',
      JSON.stringify({ kind: 'auth', id: 'x' }),
      '',
      `'; DROP TABLE vigil.events; --`,
      JSON.stringify({ ...good, geo: { lat: 999 } }),
    ];
    const hostile = JSON.stringify({ ...good, id: 'hostile-1', identity: hostileIdentity });
    await produceEvents([...bad, hostile], {
      auth: testTopic('deadletter', 'auth-events'),
      service: testTopic('deadletter', 'service-events'),
    });
    const database = freshDatabase('deadletter');
    await runUntil('deadletter', database, (n) => n >= bad.length + 1);
    const letters = (await readTopic(testTopic('deadletter', 'vigil-deadletter'))).map((m) =>
      JSON.parse(m.value),
    );
    expect(letters).toHaveLength(bad.length);
    expect(new Set(letters.map((l) => l.raw))).toEqual(new Set(bad));
    for (const letter of letters) {
      expect(letter.reason).toMatch(/\w+/);
      expect(letter.source_topic).toBe(testTopic('deadletter', 'auth-events'));
      expect(typeof letter.source_partition).toBe('number');
      expect(letter.source_offset).toMatch(/^\d+$/);
    }
    const connection = clickhouse(database);
    closers.push(() => connection.close());
    const timeline = await new ClickHouseQueryStore(connection).identityTimeline(hostileIdentity, {});
    expect(timeline.map((e) => [e.event_id, e.identity])).toEqual([['hostile-1', hostileIdentity]]);
  });
});
