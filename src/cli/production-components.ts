/**
 * Wiring for the production adapters (Kafka source and sink, ClickHouse
 * sink) from their validated config; components.ts calls in here so that
 * file stays the one map from config to adapters.
 */

import type { EngineMetrics } from '../api/metrics.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { clickhouseConnectionOptions, type KafkaSourceConfig } from '../config/production.js';
import { type PartitionEngine, runPartitioned } from '../engine/partitioned-runner.js';
import type { RunOptions, RunStats } from '../engine/runner.js';
import type { Sink } from '../engine/types.js';
import { errors } from '../errors.js';
import type { Logger } from '../logging.js';
import { ClickHouseSink } from '../sinks/clickhouse.js';
import { KafkaSink } from '../sinks/kafka.js';
import { KafkaSource } from '../sources/kafka.js';
import { type CheckpointStore, LocalDirectoryCheckpointStore } from '../store/checkpoint-store.js';
import { ClickHouseCheckpointStore } from '../store/clickhouse-checkpoints.js';
import { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { SqliteCheckpointStore } from '../store/sqlite-checkpoints.js';

export function buildKafkaSource(source: KafkaSourceConfig, logger?: Logger): KafkaSource {
  return new KafkaSource({
    brokers: source.brokers,
    clientId: source.client_id,
    groupId: source.group_id,
    topics: source.topics,
    fromBeginning: source.from_beginning,
    sessionTimeoutMs: source.session_timeout_ms,
    ssl: source.ssl,
    sasl: source.sasl,
    logger,
  });
}

export function buildProductionSinks(config: PipelineConfig, logger?: Logger): Sink[] {
  const sinks: Sink[] = [];
  const clickhouse = config.sinks.clickhouse;
  if (clickhouse) {
    sinks.push(
      new ClickHouseSink({
        ...clickhouseConnectionOptions(clickhouse),
        pipeline: config.name,
        maxRetryMs: clickhouse.max_retry_seconds * 1000,
        maxBufferedRows: clickhouse.max_buffered_rows,
        retentionDays: clickhouse.retention_days,
        retentionByTable: clickhouse.retention,
        retentionEveryMs: clickhouse.retention_check_minutes * 60_000,
        logger,
      }),
    );
  }
  const kafka = config.sinks.kafka;
  if (kafka) {
    sinks.push(
      new KafkaSink({
        brokers: kafka.brokers,
        clientId: kafka.client_id,
        ssl: kafka.ssl,
        sasl: kafka.sasl,
        idempotent: kafka.idempotent,
        topics: {
          alerts: kafka.topics.alerts,
          signals: kafka.topics.signals,
          deadLetters: kafka.topics.dead_letter,
        },
        logger,
      }),
    );
  }
  return sinks;
}

/** The checkpoint store the pipeline names: a local directory, or the ClickHouse sink's database. */
export function buildCheckpointStore(config: PipelineConfig): CheckpointStore {
  const settings = config.checkpoints;
  if (settings.store === 'local') return new LocalDirectoryCheckpointStore(settings.path, config.name);
  if (settings.store === 'sqlite') {
    if (!config.sinks.sqlite) {
      throw errors.configInvalid(
        'checkpoints.store',
        'checkpoints.store "sqlite" needs a sinks.sqlite section',
      );
    }
    return new SqliteCheckpointStore(config.sinks.sqlite.path, config.name);
  }
  const clickhouse = config.sinks.clickhouse;
  if (!clickhouse) {
    throw errors.configInvalid(
      'checkpoints.store',
      'checkpoints.store "clickhouse" needs a sinks.clickhouse section',
    );
  }
  const connection = new ClickHouseConnection(clickhouseConnectionOptions(clickhouse));
  return new ClickHouseCheckpointStore(connection, config.name);
}

/** Kafka pipelines run partition-aware: one engine per partition, checkpointed (src/engine/partitioned-runner.ts). */
export function runKafkaPartitioned(
  config: PipelineConfig,
  createEngine: () => PartitionEngine,
  sinks: Sink[],
  log: Logger,
  options: RunOptions,
  metrics?: EngineMetrics,
): Promise<RunStats> {
  const source = config.source;
  if (source.type !== 'kafka')
    throw errors.configInvalid('source.type', 'partitioned runs need a kafka source');
  const kafka = buildKafkaSource(source, log);
  metrics?.trackLag(() => kafka.lag());
  return runPartitioned(kafka, createEngine, sinks, buildCheckpointStore(config), {
    ...options,
    checkpointEveryBatches: config.checkpoints.every_batches,
    checkpointEveryMs: config.checkpoints.every_seconds * 1000,
    onCheckpoint: (ref, offset) =>
      log.debug({ topic: ref.source, partition: ref.partition, offset }, 'checkpoint saved'),
  });
}
