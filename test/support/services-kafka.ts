/**
 * Kafka helpers for integration tests: produce simulator traffic keyed by
 * identity (so an identity's events share a partition, as in production)
 * and read a topic back to the end.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { kafkaBrokers } from './services-clients.js';

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'vigil-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

/** Produces canonical JSON lines to `auth`/`service` topics by their kind, keyed by identity. */
export async function produceEvents(
  lines: readonly string[],
  topics: { auth: string; service: string },
): Promise<void> {
  const producer = testKafka().producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const CHUNK = 1000;
  for (let start = 0; start < lines.length; start += CHUNK) {
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const line of lines.slice(start, start + CHUNK)) {
      let parsed: { kind?: string; identity?: string } = {};
      try {
        parsed = JSON.parse(line);
      } catch {}
      const topic = parsed.kind === 'service' ? topics.service : topics.auth;
      const list = byTopic.get(topic) ?? [];
      list.push({ key: String(parsed.identity ?? 'unknown'), value: line });
      byTopic.set(topic, list);
    }
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
    });
  }
  await producer.disconnect();
}

export interface ReadMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** Every message currently in `topic` (all partitions, from the start). */
export async function readTopic(topic: string): Promise<ReadMessage[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
  const remaining = new Set(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => e.partition));
  const out: ReadMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 30_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
          out.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers,
            partition,
            offset: message.offset,
          });
          if (BigInt(message.offset) + 1n >= (expected.get(partition) ?? 0n)) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}
