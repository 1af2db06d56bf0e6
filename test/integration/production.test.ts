import { afterAll, describe, expect, it } from 'vitest';
import type { ClickHouseConnection } from '../../src/store/clickhouse-connection.js';
import { clickhouse, freshDatabase, servicesAvailable, simulatedLines } from '../support/services-clients.js';
import { produceEvents, readTopic } from '../support/services-kafka.js';
import { type TestTopicPrefix, testTopic } from '../support/services-topics.js';
import {
  productionPipeline,
  referenceAlerts,
  startVigil,
  type VigilProcess,
  waitFor,
  writePipeline,
} from '../support/services-vigil.js';

async function count(connection: ClickHouseConnection, sql: string): Promise<number> {
  const rows = await connection.select<{ n: string }>(sql);
  return Number(rows[0].n);
}

async function expectExactlyOnce(
  prefix: TestTopicPrefix,
  connection: ClickHouseConnection,
  document: Record<string, unknown>,
  n: number,
): Promise<void> {
  expect(await count(connection, 'SELECT count() AS n FROM {db}.events FINAL')).toBe(n);
  expect(await count(connection, 'SELECT uniqExact(event_id) AS n FROM {db}.events')).toBe(n);
  const storedAlerts = await connection.select<{ id: string; detector: string; identity: string }>(
    'SELECT id, detector, identity FROM {db}.alerts FINAL',
  );
  const storedIds = storedAlerts.map((a) => a.id);
  expect(new Set(storedIds).size).toBe(storedIds.length);
  const reference = await referenceAlerts(document, [
    testTopic(prefix, 'auth-events'),
    testTopic(prefix, 'service-events'),
  ]);
  expect(reference.length).toBeGreaterThan(0);
  const referenceIds = new Set(reference.map((a) => a.id));
  const extra = storedAlerts.filter((a) => !referenceIds.has(a.id)).map((a) => `${a.detector} ${a.identity}`);
  const missing = reference.filter((a) => !storedIds.includes(a.id)).map((a) => `${a.kind} ${a.identity}`);
  expect({ extra, missing }).toEqual({ extra: [], missing: [] });
  // Same alerts as an uninterrupted per-partition run: state was restored, not rebuilt from scratch.
  expect(new Set(storedIds)).toEqual(new Set(reference.map((a) => a.id)));
  const published = (await readTopic(testTopic(prefix, 'vigil-alerts'))).map(
    (m) => JSON.parse(m.value).id as string,
  );
  expect(new Set(published)).toEqual(new Set(storedIds));
}

describe.skipIf(!servicesAvailable())('production path with real processes', { timeout: 180_000 }, () => {
  const processes: VigilProcess[] = [];
  const connections: ClickHouseConnection[] = [];
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    for (const c of connections) await c.close();
  });

  it('after a SIGKILL mid-stream and a restart, every event is stored once and alerts match an uninterrupted run', async () => {
    const N = 8000;
    const database = freshDatabase('kill');
    const document = productionPipeline('kill', database);
    const path = writePipeline(document);
    await produceEvents(simulatedLines(N, 31).lines, {
      auth: testTopic('kill', 'auth-events'),
      service: testTopic('kill', 'service-events'),
    });
    const connection = clickhouse(database);
    connections.push(connection);
    const rawCount = () => count(connection, 'SELECT count() AS n FROM {db}.events').catch(() => 0);
    const first = startVigil(path);
    processes.push(first);
    await waitFor('a third of the events', async () => (await rawCount()) >= N / 3, 40_000, first.output);
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = await rawCount();
    expect(killedAt).toBeLessThan(N);
    const second = startVigil(path);
    processes.push(second);
    await waitFor(
      'every event',
      async () => (await count(connection, 'SELECT uniqExact(event_id) AS n FROM {db}.events')) >= N,
      90_000,
      second.output,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const checkpoints = await count(connection, 'SELECT count() AS n FROM {db}.checkpoints');
    expect(checkpoints).toBeGreaterThan(0);
    await expectExactlyOnce('kill', connection, document, N);
  });

  it('two processes in one group split the partitions, and the survivor takes over a killed one with its state', async () => {
    const N = 8000;
    const database = freshDatabase('rebalance');
    const document = productionPipeline('rebalance', database);
    const path = writePipeline(document);
    await produceEvents(simulatedLines(N, 37).lines, {
      auth: testTopic('rebalance', 'auth-events'),
      service: testTopic('rebalance', 'service-events'),
    });
    const connection = clickhouse(database);
    connections.push(connection);
    const rawCount = () => count(connection, 'SELECT count() AS n FROM {db}.events').catch(() => 0);
    const a = startVigil(path);
    processes.push(a);
    await waitFor('first events', async () => (await rawCount()) > 0, 40_000, a.output);
    const b = startVigil(path);
    processes.push(b);
    await waitFor(
      'both members to own partitions',
      async () =>
        a.assignedPartitions() > 0 &&
        b.assignedPartitions() > 0 &&
        a.assignedPartitions() + b.assignedPartitions() === 8,
      60_000,
      () => `A:\n${a.output()}\nB:\n${b.output()}`,
    );
    await waitFor(
      'half the events',
      async () => (await rawCount()) >= N / 2,
      90_000,
      () => a.output() + b.output(),
    );
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor(
      'every event',
      async () => (await count(connection, 'SELECT uniqExact(event_id) AS n FROM {db}.events')) >= N,
      120_000,
      b.output,
    );
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await expectExactlyOnce('rebalance', connection, document, N);
  });
});
