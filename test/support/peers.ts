/**
 * Builders for peer-group tests: an analyzer whose environment carries peer
 * groups (optionally with an in-memory directory), and days of ordinary app
 * usage for a hand-built population.
 */
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { createDetectors } from '../../src/detectors/index.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import type { AuthEvent } from '../../src/events/schema.js';
import { type PeersConfig, PeersSchema } from '../../src/peers/config.js';
import { type Directory, parseDirectory } from '../../src/peers/directory.js';
import { PeerGroups } from '../../src/peers/peer-groups.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { authEvent, DAY, HOUR, MINUTE, T0 } from './events.js';

export function peersConfig(overrides: Record<string, unknown> = {}): PeersConfig {
  return Value.Default(PeersSchema, Value.Clone(overrides)) as PeersConfig;
}

/** A directory from CSV text (header first). */
export function csvDirectory(text: string): Directory {
  return parseDirectory(text, 'directory.csv', 'csv');
}

export interface PeerRig {
  analyzer: Analyzer;
  store: StateStore;
  peers: PeerGroups;
}

/** An analyzer with peer groups and the named detectors enabled (params merged over the defaults). */
export function peerRig(
  options: {
    detectors?: readonly string[];
    params?: Record<string, Record<string, unknown>>;
    config?: Record<string, unknown>;
    directory?: Directory;
  } = {},
): PeerRig {
  const config = peersConfig({
    ...(options.directory ? { directory: { path: 'directory.csv' } } : {}),
    ...options.config,
  });
  const peers = new PeerGroups(
    config,
    options.directory ? { current: options.directory, version: 0 } : undefined,
  );
  const store = new StateStore(DEFAULT_BASELINE);
  const set = createDetectors(options.detectors ?? [], options.params ?? {});
  const analyzer = new Analyzer(store, {
    authDetectors: set.auth,
    serviceDetectors: set.service,
    accountDetectors: set.account,
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment: { peers },
  });
  return { analyzer, store, peers };
}

/**
 * `perDay` successful app events per identity per day for `days` days from
 * T0, cycling through its applications, 10 minutes apart from 09:00, in time
 * order across identities. `extra` adds fields (e.g. volume) per event.
 */
export function ordinaryDays(
  usage: Record<string, readonly string[]>,
  days: number,
  perDay: number,
  extra: (identity: string, app: string) => Partial<AuthEvent> = () => ({}),
): AuthEvent[] {
  const events: AuthEvent[] = [];
  for (let day = 0; day < days; day++) {
    for (let k = 0; k < perDay; k++) {
      for (const [identity, apps] of Object.entries(usage)) {
        const app = apps[k % apps.length];
        events.push(
          authEvent({
            identity,
            action: 'token_use',
            application: app,
            time: T0 + day * DAY + 9 * HOUR + k * 10 * MINUTE,
            ...extra(identity, app),
          }),
        );
      }
    }
  }
  return events;
}

export function members(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}@example.com`);
}
