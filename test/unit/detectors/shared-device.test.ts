import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../../src/engine/analyzer.js';
import type { AuthEvent, DevicePosture } from '../../../src/events/schema.js';
import { analyzerWith, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, MINUTE } from '../../support/events.js';

const rig: DevicePosture = { id: 'dev-rig-1', managed: false, os: 'Linux' };

const analyzerWithDevices = (params: Record<string, unknown> = {}) =>
  analyzerWith(['shared_device'], { shared_device: params }, { devices: true });

const run = (analyzer: Analyzer, events: AuthEvent[]) =>
  findingsOf(
    events.map((e) => analyzer.analyze(e)),
    'shared_device',
  );

/** `count` different accounts signing in from `device`, `gapMinutes` apart, from `start`. */
const sweep = (count: number, start: number, gapMinutes: number, device = rig, prefix = 'user') =>
  Array.from({ length: count }, (_, i) =>
    authEvent({ identity: `${prefix}${i}@example.com`, time: start + i * gapMinutes * MINUTE, device }),
  );

describe('shared device', () => {
  it('fires when a fourth identity signs in from one device within the hour, grouped per device', () => {
    const analyzer = analyzerWithDevices();
    const findings = run(analyzer, sweep(6, at(3, 10), 5));
    expect(findings).toHaveLength(3);
    expect(findings[0].evidence).toMatchObject({
      device: 'dev-rig-1',
      identities_in_window: 4,
      identities: ['user0@example.com', 'user1@example.com', 'user2@example.com', 'user3@example.com'],
      usual_identities: 0,
    });
    expect(findings[0].incidentKey).toBe('device:dev-rig-1');
    expect(findings[2].severity).toBeGreaterThan(findings[0].severity);
  });

  it('stays quiet for the same person on their own device and for a few identities spread over days', () => {
    const analyzer = analyzerWithDevices();
    const ownLaptop = Array.from({ length: 20 }, (_, i) => authEvent({ time: at(1, 9) + i * 10 * MINUTE }));
    expect(run(analyzer, ownLaptop)).toEqual([]);
    expect(run(analyzer, sweep(6, at(3, 10), 24 * 60))).toEqual([]);
  });

  it('stays quiet for a shared workstation whose users are established', () => {
    const analyzer = analyzerWithDevices();
    const kiosk = { id: 'dev-front-desk', managed: true, compliant: true };
    run(analyzer, sweep(5, at(1, 8), 90, kiosk, 'clerk'));
    expect(run(analyzer, sweep(5, at(2, 8), 2, kiosk, 'clerk'))).toEqual([]);
  });
});
