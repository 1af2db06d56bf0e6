/**
 * Kafka sink: alerts, Shared Signals and dead letters to their topics.
 * Alerts are keyed by identity and signals by subject, so one identity's
 * records stay in order on one partition; every message carries its
 * deterministic id (value field and `vigil-id` header) (alerts: `id`; signals: the
 * SET's `jti`) so consumers can drop the duplicates a replay after a crash may produce. Dead letters carry the
 * raw payload, the reason and where the record came from (topic, partition,
 * offset). The producer is idempotent (one in-flight request, acks=all) and
 * retries; `flush` resolves only when Kafka acknowledged every message.
 */
import { type Message, Partitioners, type Producer } from 'kafkajs';
import type { BatchOutput, DeadLetterRecord, Sink } from '../engine/types.js';
import { createKafka, type KafkaConnectionOptions } from '../sources/kafka-client.js';
import { signalsOf } from './clickhouse-rows.js';

export interface KafkaSinkTopics {
  alerts?: string;
  signals?: string;
  deadLetters?: string;
}

export interface KafkaSinkOptions extends KafkaConnectionOptions {
  topics: KafkaSinkTopics;
  /** Idempotent producer (needs broker support; on by default). */
  idempotent?: boolean;
}

export const DEFAULT_SINK_TOPICS: Required<KafkaSinkTopics> = {
  alerts: 'vigil-alerts',
  signals: 'vigil-signals',
  deadLetters: 'vigil-deadletter',
};

export class KafkaSink implements Sink {
  readonly name = 'kafka';
  private producer: Producer;
  private connected: Promise<void> | undefined;
  private pending: { topic: string; messages: Message[] }[] = [];

  constructor(private readonly options: KafkaSinkOptions) {
    this.producer = this.createProducer(options.idempotent ?? true);
  }

  private createProducer(idempotent: boolean): Producer {
    return createKafka(this.options).producer({
      idempotent,
      maxInFlightRequests: idempotent ? 1 : undefined,
      allowAutoTopicCreation: false,
      // Same key hashing as the Java client (murmur2), so keyed records land where other producers put them.
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer needs kafkajs's unlimited default retries.
      retry: idempotent ? undefined : { retries: 10, initialRetryTime: 200, maxRetryTime: 10_000 },
    });
  }

  /**
   * Connects; if the cluster cannot serve an idempotent producer (e.g. no
   * controller in its metadata, as with librdkafka's mock), falls back to a
   * plain producer with acks=all and says so. Record ids keep outputs
   * idempotent downstream either way.
   */
  private async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      if (this.options.idempotent === false) throw error;
      this.options.logger?.warn(
        { sink: this.name, err: (error as Error).message },
        'idempotent Kafka producer unavailable; using a plain producer (acks=all, retries)',
      );
      await this.producer.disconnect().catch(() => {});
      this.producer = this.createProducer(false);
      await this.producer.connect();
    }
  }

  async write(output: BatchOutput): Promise<void> {
    const { topics } = this.options;
    if (topics.alerts && output.alerts.length > 0) {
      this.pending.push({
        topic: topics.alerts,
        messages: output.alerts.map((alert) => ({
          key: alert.identity,
          value: JSON.stringify(alert),
          headers: { 'vigil-id': alert.id },
        })),
      });
    }
    const signals = signalsOf(output);
    if (topics.signals && signals.length > 0) {
      this.pending.push({
        topic: topics.signals,
        messages: signals.map((signal) => ({
          key: signal.key,
          value: JSON.stringify(signal.set),
          headers: { 'vigil-id': signal.jti, 'vigil-event-type': signal.event_type },
        })),
      });
    }
    if (topics.deadLetters && output.deadLetters.length > 0) {
      this.pending.push({ topic: topics.deadLetters, messages: output.deadLetters.map(deadLetterMessage) });
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    this.connected ??= this.connect();
    await this.connected;
    const topicMessages = this.pending;
    await this.producer.sendBatch({ topicMessages, acks: -1 });
    this.pending = [];
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

/** A dead letter as a Kafka message: keyed by where it came from, so the same bad record replays to the same key. */
export function deadLetterMessage(letter: DeadLetterRecord): Message {
  const { origin } = letter;
  const where = `${origin.source}/${origin.partition ?? ''}/${origin.offset ?? origin.line ?? ''}`;
  return {
    key: where,
    value: JSON.stringify({
      reason: letter.reason,
      field: letter.field,
      message: letter.message,
      raw: letter.raw,
      raw_truncated: letter.raw_truncated ?? false,
      source_topic: origin.source,
      source_partition: origin.partition,
      source_offset: origin.offset,
      origin,
    }),
    headers: { 'vigil-id': where, 'vigil-reason': letter.reason },
  };
}
