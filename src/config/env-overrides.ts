/**
 * Environment overrides for the production adapters, applied once at the
 * CLI edge after the pipeline is validated (nothing deeper reads the
 * environment): VIGIL_KAFKA_BROKERS (comma-separated) for the Kafka source
 * and sink, VIGIL_CLICKHOUSE_URL / _USER / _PASSWORD for the ClickHouse sink.
 * Secrets can so stay out of pipeline files.
 */
import { errors } from '../errors.js';
import type { PipelineConfig } from './pipeline.js';

export type Environment = Record<string, string | undefined>;

export function applyEnvOverrides(config: PipelineConfig, env: Environment): PipelineConfig {
  const brokers = env.VIGIL_KAFKA_BROKERS?.split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (env.VIGIL_KAFKA_BROKERS !== undefined && brokers?.length === 0) {
    throw errors.configInvalid('VIGIL_KAFKA_BROKERS', 'must list at least one host:port');
  }
  if (brokers?.length) {
    if (config.source.type === 'kafka') config.source.brokers = brokers;
    if (config.sinks.kafka) config.sinks.kafka.brokers = brokers;
  }
  const clickhouse = config.sinks.clickhouse;
  if (clickhouse) {
    if (env.VIGIL_CLICKHOUSE_URL) clickhouse.url = env.VIGIL_CLICKHOUSE_URL;
    if (env.VIGIL_CLICKHOUSE_USER !== undefined) clickhouse.username = env.VIGIL_CLICKHOUSE_USER;
    if (env.VIGIL_CLICKHOUSE_PASSWORD !== undefined) clickhouse.password = env.VIGIL_CLICKHOUSE_PASSWORD;
  }
  return config;
}
