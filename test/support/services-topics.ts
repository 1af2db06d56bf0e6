/**
 * Topics the Kafka mock creates at start (kafkajs cannot create topics on the
 * mock). Every integration test uses its own prefix so tests sharing the one
 * mock cluster never see each other's messages.
 */
export const TEST_TOPIC_PARTITIONS = 4;
export const TEST_TOPIC_PREFIXES = [
  'e2e',
  'deadletter',
  'chdown',
  'kill',
  'rebalance',
  'source',
  'sink',
] as const;
export type TestTopicPrefix = (typeof TEST_TOPIC_PREFIXES)[number];

export const TEST_TOPIC_SUFFIXES = [
  'auth-events',
  'service-events',
  'vigil-alerts',
  'vigil-signals',
  'vigil-deadletter',
] as const;

export function testTopic(prefix: TestTopicPrefix, suffix: (typeof TEST_TOPIC_SUFFIXES)[number]): string {
  return `${prefix}.${suffix}`;
}

export function allTestTopics(): string[] {
  return TEST_TOPIC_PREFIXES.flatMap((p) =>
    TEST_TOPIC_SUFFIXES.map((s) => `${testTopic(p, s)}:${TEST_TOPIC_PARTITIONS}`),
  );
}
