import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../../src/engine/analyzer.js';
import type { AuthEvent, DevicePosture } from '../../../src/events/schema.js';
import { analyzerWith, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, officeHistory } from '../../support/events.js';

const healthy: DevicePosture = {
  id: 'dev-alice-laptop',
  managed: true,
  compliant: true,
  os: 'Windows 11',
  os_version: '10.0.22631',
  edr: 'active',
  mdm: 'enrolled',
};

const analyzerWithDevices = (params: Record<string, unknown> = {}) =>
  analyzerWith(['device_posture_degraded'], { device_posture_degraded: params }, { devices: true });

const run = (analyzer: Analyzer, events: AuthEvent[]) =>
  findingsOf(
    events.map((e) => analyzer.analyze(e)),
    'device_posture_degraded',
  );

function knownLaptop() {
  const analyzer = analyzerWithDevices();
  expect(run(analyzer, officeHistory(14, 4, { device: healthy }))).toEqual([]);
  return analyzer;
}

describe('device posture degraded', () => {
  it('fires when the usual compliant laptop falls out of compliance, naming what changed and what was usual', () => {
    const analyzer = knownLaptop();
    const [finding] = run(analyzer, [
      authEvent({ time: at(14, 10), device: { ...healthy, compliant: false } }),
    ]);
    expect(finding.severity).toBeCloseTo(0.45);
    expect(finding.evidence).toMatchObject({
      device: 'dev-alice-laptop',
      changes: [{ field: 'compliant', usual: true, now: false }],
      observations: 56,
    });
  });

  it('weighs several controls failing at once above one, and reports EDR gone with its new status', () => {
    const analyzer = knownLaptop();
    const gutted = { ...healthy, compliant: false, edr: 'disabled', mdm: 'unenrolled' };
    const [finding] = run(analyzer, [authEvent({ time: at(14, 10), device: gutted })]);
    expect(finding.evidence.changes).toEqual([
      { field: 'compliant', usual: true, now: false },
      { field: 'edr', usual: 'active', now: 'disabled' },
      { field: 'mdm', usual: 'enrolled', now: 'unenrolled' },
    ]);
    expect(finding.severity).toBeGreaterThan(0.8);
  });

  it('stays quiet for the same device in its usual posture, and when a field is simply not reported', () => {
    const analyzer = knownLaptop();
    const sparse = { id: 'dev-alice-laptop', os: 'Windows 11' };
    expect(
      run(analyzer, [
        authEvent({ time: at(14, 10), device: healthy }),
        authEvent({ time: at(14, 11), device: sparse }),
      ]),
    ).toEqual([]);
  });

  it('stays quiet for a device that was never healthy and for a device seen too few times', () => {
    const analyzer = analyzerWithDevices();
    const alwaysFailing = { ...healthy, compliant: false };
    run(analyzer, officeHistory(14, 4, { device: alwaysFailing }));
    expect(run(analyzer, [authEvent({ time: at(14, 10), device: alwaysFailing })])).toEqual([]);

    const fresh = analyzerWithDevices();
    run(fresh, officeHistory(1, 2, { device: healthy }));
    expect(run(fresh, [authEvent({ time: at(2, 10), device: { ...healthy, compliant: false } })])).toEqual(
      [],
    );
  });
});
