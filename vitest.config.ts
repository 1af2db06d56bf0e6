import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Real Kafka (librdkafka mock) and ClickHouse for test/integration; installs them when missing.
    globalSetup: ['test/support/services-setup.ts'],
  },
});
