import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../../src/api/metrics.js';

/** Value of a sample line `name{labels} value` in Prometheus text, by its exact label set. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('consumer lag and store errors on /metrics', () => {
  it('exports the lag of each topic/partition as read at scrape time', async () => {
    const metrics = new EngineMetrics('prod');
    let lag: Record<string, number> = { 'auth-events/0': 12, 'auth-events/1': 0, 'service-events/3': 7 };
    metrics.trackLag(() => lag);
    let text = await metrics.text();
    expect(text).toContain('# TYPE vigil_consumer_lag gauge');
    expect(sample(text, 'vigil_consumer_lag', 'pipeline="prod",topic="auth-events",partition="0"')).toBe(12);
    expect(sample(text, 'vigil_consumer_lag', 'pipeline="prod",topic="service-events",partition="3"')).toBe(
      7,
    );
    lag = { 'auth-events/0': 3 };
    text = await metrics.text();
    expect(sample(text, 'vigil_consumer_lag', 'pipeline="prod",topic="auth-events",partition="0"')).toBe(3);
    expect(
      sample(text, 'vigil_consumer_lag', 'pipeline="prod",topic="service-events",partition="3"'),
    ).toBeUndefined();
  });

  it('counts store write errors by store', async () => {
    const metrics = new EngineMetrics('prod');
    metrics.storeWriteError('clickhouse');
    metrics.storeWriteError('clickhouse');
    expect(sample(await metrics.text(), 'vigil_store_write_errors_total', 'store="clickhouse"')).toBe(2);
  });
});
