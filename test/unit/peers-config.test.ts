/**
 * The `peers:` pipeline section and the environment it builds: learned
 * groups by default and no directory, errors that name the key, peer groups
 * only when a peer detector is enabled, the directory loaded from its file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { buildEnvironment } from '../../src/context/build.js';
import { VigilError } from '../../src/errors.js';

const minimal = { source: { type: 'file', path: 'events.ndjson' } };

function configError(document: unknown): VigilError {
  try {
    parsePipeline(document);
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('peers configuration', () => {
  it('defaults to learned groups and no directory', () => {
    const config = parsePipeline(minimal);
    expect(config.peers.directory).toBeUndefined();
    expect(config.peers.learned).toEqual({
      enabled: true,
      min_group_size: 4,
      recompute_every_minutes: 60,
      similarity: 0.5,
      max_groups: 5000,
    });
  });

  it.each([
    [{ learned: { similarity: 1.5 } }, 'peers.learned.similarity'],
    [{ directory: { path: 'people.csv', format: 'xlsx' } }, 'peers.directory.format'],
    [{ directory: { path: 'people.csv', group_by: [] } }, 'peers.directory.group_by'],
    [{ directory: {} }, 'peers.directory.path'],
  ])('names the offending key (%o)', (peers, field) => {
    expect(configError({ ...minimal, peers }).field).toBe(field);
  });

  it('builds peer groups only when a peer detector is enabled', () => {
    const store = new StateStore(DEFAULT_BASELINE);
    const off = buildEnvironment(parsePipeline(minimal), store);
    expect(off.environment.peers).toBeUndefined();
    off.close();
    const on = buildEnvironment(
      parsePipeline({ ...minimal, detectors: { peer_first_access: { enabled: true } } }),
      store,
    );
    expect(on.environment.peers?.config.learned.enabled).toBe(true);
    on.close();
  });

  it('loads the directory file and groups by the configured attributes', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-peers-')), 'people.csv');
    writeFileSync(path, 'identity,department,title\nana@example.com,finance,Controller\nbad-row\n');
    const config = parsePipeline({
      ...minimal,
      detectors: { data_movement_spike: { enabled: true } },
      peers: { directory: { path, group_by: ['department', 'title'] } },
    });
    const store = new StateStore(DEFAULT_BASELINE);
    const built = buildEnvironment(config, store);
    built.environment.peers?.recompute(store, Date.UTC(2026, 0, 5));
    expect(built.environment.peers?.groupOf('ana@example.com')?.label).toBe(
      'department=finance, title=Controller',
    );
    built.close();
  });

  it('shares one directory between the engines of one configuration, each with its own groups', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-peers-')), 'people.ndjson');
    writeFileSync(path, '{"identity":"ana@example.com","department":"finance"}\n');
    const config = parsePipeline({
      ...minimal,
      detectors: { peer_first_access: { enabled: true } },
      peers: { directory: { path } },
    });
    const first = buildEnvironment(config, new StateStore(DEFAULT_BASELINE));
    const second = buildEnvironment(config, new StateStore(DEFAULT_BASELINE));
    expect(second.environment.peers).not.toBe(first.environment.peers);
    expect(second.environment.peers?.directory).toBe(first.environment.peers?.directory);
    first.close();
    second.close();
    const third = buildEnvironment(config, new StateStore(DEFAULT_BASELINE));
    expect(third.environment.peers?.directory).not.toBe(first.environment.peers?.directory);
    third.close();
  });

  it('refuses to start when the directory file cannot be read, naming the key', () => {
    const config = parsePipeline({
      ...minimal,
      detectors: { peer_first_access: { enabled: true } },
      peers: { directory: { path: '/nonexistent/people.csv' } },
    });
    expect(() => buildEnvironment(config, new StateStore(DEFAULT_BASELINE))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: 'peers.directory.path' }),
    );
  });
});
