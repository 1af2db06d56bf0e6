/**
 * vitest globalSetup: provisions the real services the integration tests
 * talk to, once per test run, and stops them at teardown. Installs missing
 * Debian packages (root), compiles and starts the Kafka mock with the test
 * topics, starts a private clickhouse-server, and exports their addresses as
 * VIGIL_KAFKA_BROKERS / VIGIL_CLICKHOUSE_URL (inject() and process.env).
 * Addresses already present in the environment are used as they are.
 * VIGIL_TEST_SERVICES=off skips all of it (integration tests then skip).
 */
import type { TestProject } from 'vitest/node';
import { ensureTestPackages, type RunningService, startClickHouse, startKafkaMock } from './services.js';
import { allTestTopics } from './services-topics.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    clickhouseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running: RunningService[] = [];
  const teardown = async () => {
    for (const service of running.reverse()) await service.stop();
  };
  if (process.env.VIGIL_TEST_SERVICES === 'off') {
    project.provide('kafkaBrokers', '');
    project.provide('clickhouseUrl', '');
    return teardown;
  }
  const log = (line: string) => process.stderr.write(`[test-services] ${line}\n`);
  const started = Date.now();
  const aptSeconds = ensureTestPackages(log);
  let brokers = process.env.VIGIL_KAFKA_BROKERS ?? '';
  let clickhouseUrl = process.env.VIGIL_CLICKHOUSE_URL ?? '';
  try {
    const [kafka, clickhouse] = await Promise.all([
      brokers ? undefined : startKafkaMock(allTestTopics()),
      clickhouseUrl ? undefined : startClickHouse(),
    ]);
    if (kafka) {
      running.push(kafka);
      brokers = kafka.address;
    }
    if (clickhouse) {
      running.push({ ...clickhouse, stop: () => clickhouse.destroy() });
      clickhouseUrl = clickhouse.address;
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  process.env.VIGIL_KAFKA_BROKERS = brokers;
  process.env.VIGIL_CLICKHOUSE_URL = clickhouseUrl;
  project.provide('kafkaBrokers', brokers);
  project.provide('clickhouseUrl', clickhouseUrl);
  log(
    `kafka ${brokers}, clickhouse ${clickhouseUrl} ready in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (aptSeconds > 0 ? ` (apt-get ${aptSeconds.toFixed(1)} s)` : ''),
  );
  return teardown;
}
