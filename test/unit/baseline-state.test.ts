import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { VigilError } from '../../src/errors.js';
import { analyzerWith, feed } from '../support/analyzer.js';
import { authEvent, DAY, officeHistory, SYDNEY, T0, workloadHistory } from '../support/events.js';

function trainedStore() {
  const analyzer = analyzerWith(['brute_force']);
  feed(analyzer, officeHistory(14, 5));
  feed(analyzer, officeHistory(10, 3, { identity: 'bob@example.com', device: { id: 'dev-bob' } }));
  feed(analyzer, workloadHistory(3, 2));
  feed(analyzer, [
    authEvent({
      identity: 'alice@example.com',
      time: T0 + 15 * DAY,
      outcome: 'failure',
      src_ip: '203.0.113.5',
    }),
  ]);
  return analyzer.store;
}

describe('baseline state', () => {
  it('round-trips through a snapshot unchanged', () => {
    const store = trainedStore();
    const snapshot = store.snapshot();
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(JSON.parse(JSON.stringify(snapshot)));
    expect(restored.snapshot()).toEqual(snapshot);
    const alice = restored.get('alice@example.com')!.auth!;
    expect(alice.devices.has('dev-alice-laptop')).toBe(true);
    expect(alice.isMature).toBe(true);
    expect(alice.failures.countSince(T0)).toBe(1);
    expect(restored.sources.distinctFailingIdentities('203.0.113.5', T0)).toBe(1);
  });

  it('scores identically after a restore as without one', () => {
    const original = trainedStore();
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(JSON.parse(JSON.stringify(original.snapshot())));
    const probe = authEvent({ time: T0 + 16 * DAY, geo: SYDNEY, asn: 1221 });
    const a = original.get('alice@example.com')!.auth!;
    const b = restored.get('alice@example.com')!.auth!;
    expect(b.hourShare(probe.time)).toBe(a.hourShare(probe.time));
    expect(b.countries.frequency('DE')).toBe(a.countries.frequency('DE'));
    expect(b.lastLocation()).toEqual(a.lastLocation());
    expect(
      restored.get('spiffe://example.com/ns/shop/sa/checkout')!.service!.edgeBytes('payments.shop.svc'),
    ).toEqual(
      original.get('spiffe://example.com/ns/shop/sa/checkout')!.service!.edgeBytes('payments.shop.svc'),
    );
  });

  it('rejects a snapshot of another format version', () => {
    const store = new StateStore(DEFAULT_BASELINE);
    expect(() => store.restore({ formatVersion: 99, identities: [], sources: [] })).toThrow(VigilError);
  });

  it('rejects a snapshot taken with other caps, naming the identity', () => {
    const snapshot = trainedStore().snapshot();
    const store = new StateStore({ ...DEFAULT_BASELINE, caps: { ...DEFAULT_BASELINE.caps, devices: 9 } });
    expect(() => store.restore(snapshot)).toThrow(/alice@example.com/);
  });

  it('keeps a bounded number of values per identity', () => {
    const analyzer = analyzerWith([]);
    const events = Array.from({ length: 50 }, (_, i) =>
      authEvent({ time: T0 + i * 3_600_000, device: { id: `dev-${i}` }, src_ip: `198.51.100.${i}` }),
    );
    feed(analyzer, events);
    const profile = analyzer.store.get('alice@example.com')!.auth!;
    expect(profile.devices.size).toBe(DEFAULT_BASELINE.caps.devices);
    expect(profile.ips.size).toBe(DEFAULT_BASELINE.caps.ips);
    expect(profile.devices.has('dev-49')).toBe(true);
  });

  it('is not mature before enough history', () => {
    const analyzer = analyzerWith([]);
    feed(analyzer, officeHistory(2, 20));
    expect(analyzer.store.get('alice@example.com')!.auth!.isMature).toBe(false);
    feed(analyzer, [authEvent({ time: T0 + 4 * DAY + 9 * 3_600_000 })]);
    expect(analyzer.store.get('alice@example.com')!.auth!.isMature).toBe(true);
  });

  it('does not learn from an event judged high-risk', () => {
    const analyzer = analyzerWith(['brute_force'], { brute_force: { min_failures: 3 } });
    feed(analyzer, officeHistory(5, 2));
    const attacks = Array.from({ length: 5 }, (_, i) =>
      authEvent({ time: T0 + 6 * DAY + i * 1000, outcome: 'failure', src_ip: '203.0.113.66' }),
    );
    const analyses = feed(analyzer, attacks);
    expect(analyses.slice(0, 2).every((a) => a.learned)).toBe(true);
    expect(analyses.slice(2).every((a) => !a.learned)).toBe(true);
  });
});
