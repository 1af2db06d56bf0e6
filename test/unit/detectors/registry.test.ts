import { readdirSync, readFileSync } from 'node:fs';
import { Kind } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createDetectors, DETECTOR_NAMES, DETECTORS, detectorParams } from '../../../src/detectors/index.js';
import type { DetectorDefinition } from '../../../src/detectors/types.js';
import { VigilError } from '../../../src/errors.js';

describe('detector registry', () => {
  it('registers every detector once, under a snake_case name, with a description', () => {
    expect(new Set(DETECTOR_NAMES).size).toBe(DETECTOR_NAMES.length);
    expect(DETECTOR_NAMES.length).toBeGreaterThanOrEqual(17);
    for (const definition of DETECTORS) {
      expect(definition.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(definition.description.length).toBeGreaterThan(20);
      expect(definition.params[Kind]).toBe('Object');
    }
  });

  it('registers every detector definition that a module in src/detectors exports', async () => {
    const folder = new URL('../../../src/detectors/', import.meta.url);
    const exported: string[] = [];
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(new URL(file, folder).href)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        const candidate = value as Partial<DetectorDefinition> | null;
        if (
          candidate &&
          typeof candidate === 'object' &&
          typeof candidate.create === 'function' &&
          candidate.params
        )
          exported.push(candidate.name!);
      }
    }
    expect(exported.sort()).toEqual([...DETECTOR_NAMES].sort());
  });

  it('gives every parameter a default, so an empty config is a complete one', () => {
    for (const definition of DETECTORS) {
      for (const [key, member] of Object.entries(definition.params.properties)) {
        expect(key).toMatch(/^[a-z]+(_[a-z]+)*$/);
        expect(member, `${definition.name}.${key}`).toHaveProperty('default');
      }
    }
  });

  it('builds every detector with its defaults, sorted by the kind of event it inspects', () => {
    const set = createDetectors(DETECTOR_NAMES);
    const built = [...set.auth, ...set.service, ...set.account];
    expect(built.map((d) => d.name).sort()).toEqual([...DETECTOR_NAMES].sort());
    for (const detector of set.auth) expect(detector.kind).toBe('auth');
    for (const detector of set.service) expect(detector.kind).toBe('service');
    for (const detector of set.account) expect(detector.kind).toBe('account');
    for (const detector of built) {
      expect(DETECTORS.find((d) => d.name === detector.name)?.kind).toBe(detector.kind);
    }
  });

  it('applies overrides by name and keeps defaults for the rest', () => {
    const params = detectorParams('impossible_travel', { max_speed_kmh: 900 });
    expect(params).toMatchObject({
      max_speed_kmh: 900,
      min_distance_km: 500,
      hosting_asn_action: 'downgrade',
    });
    // Defaults are copies: changing one pipeline's list cannot change another's.
    (params.hosting_asns as number[]).push(64512);
    expect(detectorParams('impossible_travel').hosting_asns).not.toContain(64512);
  });

  it('rejects an unknown detector name with DETECTOR_UNKNOWN, listing the known ones', () => {
    let error: unknown;
    try {
      createDetectors(['brute_force', 'telepathy']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect(error).toMatchObject({ code: 'DETECTOR_UNKNOWN' });
    expect((error as Error).message).toContain('telepathy');
    expect((error as Error).message).toContain('impossible_travel');
  });

  it('is documented: docs/detectors.md names every detector and every parameter with its default', () => {
    const docs = readFileSync(new URL('../../../docs/detectors.md', import.meta.url), 'utf8');
    for (const definition of DETECTORS) {
      expect(docs, definition.name).toContain(`## \`${definition.name}\``);
      for (const [key, member] of Object.entries(definition.params.properties)) {
        expect(docs, `${definition.name}.${key}`).toContain(
          `| \`${key}\` | \`${JSON.stringify(member.default)}\` |`,
        );
      }
    }
  });
});
