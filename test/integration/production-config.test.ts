import { describe, expect, it } from 'vitest';
import { applyEnvOverrides } from '../../src/config/env-overrides.js';
import { loadPipeline, parsePipeline } from '../../src/config/pipeline.js';

describe('production pipeline configuration', () => {
  it('loads pipelines/production.yaml: Kafka in, ClickHouse and Kafka out, ClickHouse checkpoints', () => {
    const config = loadPipeline('pipelines/production.yaml');
    expect(config.source).toMatchObject({
      type: 'kafka',
      topics: ['auth-events', 'service-events'],
      group_id: 'vigil',
    });
    expect(config.sinks.clickhouse).toMatchObject({ database: 'vigil', max_retry_seconds: 300 });
    expect(config.sinks.kafka?.topics).toEqual({
      alerts: 'vigil-alerts',
      signals: 'vigil-signals',
      dead_letter: 'vigil-deadletter',
    });
    expect(config.checkpoints.store).toBe('clickhouse');
  });

  it('names the offending key when a Kafka source is wrong', () => {
    expect(() => parsePipeline({ source: { type: 'kafka', brokers: [] } })).toThrow('source.brokers');
    expect(() =>
      parsePipeline({ source: { type: 'kafka', sasl: { mechanism: 'md5', username: 'u', password: 'p' } } }),
    ).toThrow('source.sasl');
    expect(() => parsePipeline({ source: { type: 'kafak' } })).toThrow('source.type');
    expect(() =>
      parsePipeline({
        source: { type: 'kafka' },
        sinks: { clickhouse: { type: 'clickhouse', database: 'x; DROP' } },
      }),
    ).toThrow('sinks.clickhouse.database');
  });

  it('takes brokers and ClickHouse credentials from the environment at the edge', () => {
    const config = applyEnvOverrides(loadPipeline('pipelines/production.yaml'), {
      VIGIL_KAFKA_BROKERS: 'k1:9092, k2:9092',
      VIGIL_CLICKHOUSE_URL: 'https://ch:8443',
      VIGIL_CLICKHOUSE_USER: 'vigil',
      VIGIL_CLICKHOUSE_PASSWORD: 's3cret',
    });
    expect(config.source.type === 'kafka' && config.source.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.sinks.kafka?.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.sinks.clickhouse).toMatchObject({
      url: 'https://ch:8443',
      username: 'vigil',
      password: 's3cret',
    });
    expect(() =>
      applyEnvOverrides(loadPipeline('pipelines/production.yaml'), { VIGIL_KAFKA_BROKERS: ' , ' }),
    ).toThrow('VIGIL_KAFKA_BROKERS');
  });
});
