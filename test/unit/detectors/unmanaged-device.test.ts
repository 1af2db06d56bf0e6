import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../../src/engine/analyzer.js';
import type { AuthEvent } from '../../../src/events/schema.js';
import { analyzerWith, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, officeHistory } from '../../support/events.js';

const personalLaptop = {
  id: 'dev-home-pc',
  managed: false,
  compliant: false,
  trust_type: 'Unregistered',
  os: 'Windows 11',
};

/** An analyzer that keeps the device baseline, as every pipeline does. */
const analyzerWithDevices = (params: Record<string, unknown> = {}) =>
  analyzerWith(['unmanaged_device'], { unmanaged_device: params }, { devices: true });

const run = (analyzer: Analyzer, events: AuthEvent[]) =>
  findingsOf(
    events.map((e) => analyzer.analyze(e)),
    'unmanaged_device',
  );

describe('unmanaged or non-compliant device', () => {
  it('fires when an identity that always used its managed laptop signs in from an unmanaged personal one', () => {
    const analyzer = analyzerWithDevices();
    expect(run(analyzer, officeHistory())).toEqual([]);
    const [finding] = run(analyzer, [authEvent({ time: at(14, 10), device: personalLaptop })]);
    expect(finding.severity).toBeCloseTo(0.6);
    expect(finding.summary).toContain('an unmanaged device dev-home-pc');
    expect(finding.evidence).toMatchObject({
      device: 'dev-home-pc',
      managed: false,
      trust_type: 'Unregistered',
      usual_sign_ins: 56,
      usual_managed_share: 1,
      usual_compliant_share: 1,
    });
  });

  it('flags a personal device once: later days on the same, unchanged device add no finding', () => {
    const analyzer = analyzerWithDevices();
    run(analyzer, officeHistory());
    expect(run(analyzer, [authEvent({ time: at(14, 10), device: personalLaptop })])).toHaveLength(1);
    // Within the first day it is still new to her: judged again.
    expect(run(analyzer, [authEvent({ time: at(14, 15), device: personalLaptop })])).toHaveLength(1);
    expect(run(analyzer, [authEvent({ time: at(16, 10), device: personalLaptop })])).toEqual([]);
    expect(run(analyzer, [authEvent({ time: at(18, 10), device: personalLaptop })])).toEqual([]);
    // Those quiet sign-ins taught her baseline that she uses an unmanaged device now and then,
    // so another one is no longer foreign to her (other detectors still judge a new device).
    const other = { ...personalLaptop, id: 'dev-kiosk' };
    expect(run(analyzer, [authEvent({ time: at(18, 11), device: other })])).toEqual([]);
  });

  it('fires with a lower severity for the managed laptop that fails compliance', () => {
    const analyzer = analyzerWithDevices();
    run(analyzer, officeHistory());
    const failing = { id: 'dev-alice-laptop', managed: true, compliant: false, os: 'macOS' };
    const [finding] = run(analyzer, [authEvent({ time: at(14, 10), device: failing })]);
    expect(finding.severity).toBeCloseTo(0.45);
    expect(finding.summary).toContain('a non-compliant device');
  });

  it('stays quiet for the same identity on its managed laptop, and for someone who often uses a personal device', () => {
    const analyzer = analyzerWithDevices();
    run(analyzer, officeHistory());
    expect(run(analyzer, [authEvent({ time: at(14, 10) })])).toEqual([]);

    const mixed = analyzerWithDevices();
    const history = officeHistory().map((event, i) =>
      i % 5 === 0 ? { ...event, device: personalLaptop } : event,
    );
    run(mixed, history);
    expect(run(mixed, [authEvent({ time: at(14, 10), device: personalLaptop })])).toEqual([]);
  });

  it('stays quiet on an immature baseline and when the source reports no posture', () => {
    const young = analyzerWithDevices();
    run(young, officeHistory(2, 2));
    expect(run(young, [authEvent({ time: at(3, 10), device: personalLaptop })])).toEqual([]);

    const silent = analyzerWithDevices();
    run(silent, officeHistory(14, 4, { device: { id: 'dev-alice-laptop' } }));
    expect(run(silent, [authEvent({ time: at(14, 10), device: personalLaptop })])).toEqual([]);
  });

  it('does not learn the unmanaged device from a sign-in it judged risky', () => {
    const analyzer = analyzerWithDevices({ severity_unmanaged: 1 });
    run(analyzer, officeHistory());
    const first = run(analyzer, [authEvent({ time: at(14, 10), device: personalLaptop })]);
    const second = run(analyzer, [authEvent({ time: at(14, 11), device: personalLaptop })]);
    expect([first.length, second.length]).toEqual([1, 1]);
  });
});
