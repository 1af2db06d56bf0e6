import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enabledDetectors, loadPipeline, parsePipeline } from '../../src/config/pipeline.js';
import { DETECTOR_NAMES } from '../../src/detectors/index.js';
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

describe('pipeline configuration', () => {
  it('fills every default from a minimal file', () => {
    const config = parsePipeline(minimal);
    expect(config.source).toEqual({ type: 'file', path: 'events.ndjson', format: 'canonical' });
    expect(config.batch.max_events).toBe(4096);
    expect(config.baseline.caps.devices).toBe(4);
    expect(config.alerts.min_severity).toBe(0.5);
    // Peer-group detectors are opt-in (they need a population to compare with, docs/peers.md).
    const optIn = ['peer_first_access', 'peer_activity_outlier', 'data_movement_spike'];
    expect(enabledDetectors(config)).toEqual(DETECTOR_NAMES.filter((name) => !optIn.includes(name)));
    expect((config.detectors as Record<string, Record<string, unknown>>).brute_force.min_failures).toBe(8);
  });

  it('lets a detector be disabled and tuned by name', () => {
    const config = parsePipeline({
      ...minimal,
      detectors: { brute_force: { enabled: false, min_failures: 20 } },
    });
    expect(enabledDetectors(config)).not.toContain('brute_force');
    expect((config.detectors as Record<string, Record<string, unknown>>).brute_force.min_failures).toBe(20);
  });

  it.each([
    [
      { ...minimal, detectors: { brute_force: { min_failures: 'many' } } },
      'detectors.brute_force.min_failures',
    ],
    [{ ...minimal, detectors: { no_such_detector: {} } }, 'detectors.no_such_detector'],
    [{ ...minimal, batch: { max_events: 0 } }, 'batch.max_events'],
    [{ ...minimal, baseline: { caps: { devices: 100000 } } }, 'baseline.caps.devices'],
    [{ source: { type: 'kafak' } }, 'source.type'],
    [{ source: { type: 'file' } }, 'source.path'],
    [{ source: { type: 'file', path: 'x', format: 'cef' } }, 'source.format'],
    [{ ...minimal, sinks: { alerts: { type: 'ndjson' } } }, 'sinks.alerts.path'],
    [{ ...minimal, unexpected: 1 }, 'unexpected'],
  ])('names the offending key (%#: %s)', (document, key) => {
    const error = configError(document);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.field).toBe(key);
  });

  it('loads YAML files and reports a missing one clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const path = join(dir, 'p.yaml');
    writeFileSync(path, 'name: t\nsource:\n  type: simulator\n  seed: 7\n');
    expect(loadPipeline(path).source).toMatchObject({ type: 'simulator', seed: 7, rate: 2000 });
    expect(() => loadPipeline(join(dir, 'missing.yaml'))).toThrow(/does not exist/);
    writeFileSync(path, 'source: [unclosed');
    expect(() => loadPipeline(path)).toThrow(/not valid YAML/);
  });
});
