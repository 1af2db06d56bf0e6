/**
 * Helpers integration tests use to reach the provisioned services: the
 * addresses from globalSetup, a fresh ClickHouse database per test, and
 * simulator traffic as canonical JSON lines.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { simulate } from '../../src/simulator/index.js';
import { ClickHouseConnection } from '../../src/store/clickhouse-connection.js';

export const servicesAvailable = (): boolean => Boolean(inject('kafkaBrokers') && inject('clickhouseUrl'));
export const kafkaBrokers = (): string[] => inject('kafkaBrokers').split(',');
export const clickhouseUrl = (): string => inject('clickhouseUrl');

/** A database name no other test uses. */
export function freshDatabase(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export function clickhouse(database: string, url = clickhouseUrl()): ClickHouseConnection {
  return new ClickHouseConnection({ url, database, requestTimeoutMs: 5000 });
}

/** `count` simulated events (with attacks) as canonical JSON lines, deterministic per seed. */
export function simulatedLines(count: number, seed = 7): { lines: string[]; identities: string[] } {
  const lines: string[] = [];
  const identities: string[] = [];
  for (const simulated of simulate({ seed, events: count })) {
    lines.push(JSON.stringify(simulated.event));
    identities.push(simulated.event.identity);
  }
  return { lines, identities };
}
