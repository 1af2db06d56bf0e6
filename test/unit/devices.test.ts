/**
 * The device baseline: what it remembers per device (users, first and last
 * seen, usual and last posture) and per identity (posture counts), that it
 * stays bounded, and that it survives a state snapshot losslessly.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { createDetectors } from '../../src/detectors/index.js';
import { DeviceBook } from '../../src/devices/device-book.js';
import { C } from '../../src/devices/device-record.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { at, authEvent, MINUTE, officeHistory } from '../support/events.js';

function engine(store = new StateStore(DEFAULT_BASELINE)) {
  const set = createDetectors(['unmanaged_device', 'device_posture_degraded', 'shared_device']);
  const analyzer = new Analyzer(store, {
    authDetectors: set.auth,
    serviceDetectors: [],
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment: { devices: store.devices },
  });
  return { store, analyzer };
}

describe('device baseline', () => {
  it('remembers who used a device, when, and its usual and last posture', () => {
    const { store, analyzer } = engine();
    for (const e of officeHistory(3, 2)) analyzer.analyze(e);
    analyzer.analyze(authEvent({ identity: 'bob@example.com', time: at(3, 12) }));
    const record = store.devices.get('dev-alice-laptop')!;
    expect(record.users).toEqual(['alice@example.com', 'bob@example.com']);
    expect(record.firstSeen).toBe(at(0, 9));
    expect(record.lastSeen).toBe(at(3, 12));
    expect(record.counts[C.observations]).toBe(7);
    expect(record.counts[C.compliant]).toBe(7);
    expect(record.last).toMatchObject({ managed: true, compliant: true });
    expect(store.get('alice@example.com')!.devicePosture!.signIns).toBe(6);
  });

  it('feeds the policy the posture facts as they stood before the event', () => {
    const { analyzer } = engine();
    for (const e of officeHistory(3, 2)) analyzer.analyze(e);
    const failing = { id: 'dev-alice-laptop', managed: true, compliant: false };
    const analysis = analyzer.analyze(authEvent({ time: at(3, 10), device: failing }));
    expect(analysis.facts?.device).toEqual({
      id: 'dev-alice-laptop',
      managed: true,
      compliant: false,
      known: true,
      usually_compliant: true,
      usually_managed: true,
    });
    const fresh = analyzer.analyze(authEvent({ time: at(3, 11), device: { id: 'dev-new' } }));
    expect(fresh.facts?.device).toEqual({ id: 'dev-new', known: false });
  });

  it('keeps at most max_devices, dropping the least recently seen', () => {
    const book = new DeviceBook({ maxDevices: 3, maxUsersPerDevice: 4 });
    const seen = (id: string, minute: number) =>
      book.observe(authEvent({ time: at(1, 9) + minute * MINUTE, device: { id } }), true);
    seen('d1', 0);
    seen('d2', 1);
    seen('d3', 2);
    seen('d1', 3);
    seen('d4', 4);
    // d2 was seen longest ago (d1 came back at minute 3).
    expect([...book.values()].map((r) => r.id).sort()).toEqual(['d1', 'd3', 'd4']);
  });

  it('keeps at most max_users_per_device identities per device, forgetting the one seen longest ago', () => {
    const book = new DeviceBook({ maxDevices: 10, maxUsersPerDevice: 2 });
    const use = (identity: string, minute: number) =>
      book.observe(authEvent({ identity, time: at(1, 9) + minute * MINUTE, device: { id: 'kiosk' } }), true);
    use('a', 0);
    use('b', 1);
    use('a', 2);
    use('c', 3);
    expect(book.get('kiosk')!.users).toEqual(['a', 'c']);
  });

  it('round-trips devices and identity posture through a state snapshot, losslessly', () => {
    const { store, analyzer } = engine();
    for (const e of officeHistory(14, 4)) analyzer.analyze(e);
    analyzer.analyze(
      authEvent({ time: at(14, 10), device: { id: 'dev-x', managed: false, edr: 'missing' } }),
    );
    const snapshot = JSON.parse(JSON.stringify(store.snapshot()));
    expect(snapshot.devices.devices).toHaveLength(2);
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(snapshot);
    expect(JSON.parse(JSON.stringify(restored.snapshot()))).toEqual(snapshot);

    // The restored engine judges the next event exactly as the original does.
    const next = authEvent({
      time: at(14, 11),
      device: { id: 'dev-alice-laptop', managed: true, compliant: false },
    });
    const original = analyzer.analyze(next);
    const again = engine(restored).analyzer.analyze(next);
    expect(again.findings).toEqual(original.findings);
    expect(again.findings.map((f) => f.detector).sort()).toEqual([
      'device_posture_degraded',
      'unmanaged_device',
    ]);
  });

  it('rejects a snapshot whose device record is malformed', () => {
    const { store, analyzer } = engine();
    analyzer.analyze(authEvent());
    const snapshot = store.snapshot();
    snapshot.devices!.devices[0].counts = [1, 2];
    expect(() => new StateStore(DEFAULT_BASELINE).restore(snapshot)).toThrow(/device dev-alice-laptop/);
  });
});
