import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, serviceEvent, workloadHistory } from '../../support/events.js';

function matureCheckout() {
  const analyzer = analyzerWith(['fanout_spike']);
  feed(analyzer, workloadHistory());
  return analyzer;
}

describe('fan-out spike', () => {
  it('fires when a workload that calls three services touches fifteen within two minutes', () => {
    const analyzer = matureCheckout();
    const scan = Array.from({ length: 15 }, (_, i) =>
      serviceEvent({
        time: at(7, 3) + i * 8_000,
        destination: `svc-${i}.internal`,
        method: 'GET',
        route: '/',
        status: 404,
      }),
    );
    const findings = findingsOf(feed(analyzer, scan), 'fanout_spike');
    expect(findings.length).toBeGreaterThan(0);
    const last = findings[findings.length - 1];
    expect(last.evidence).toMatchObject({ usual_destination_count: 3, window_minutes: 5, threshold: 10 });
    expect(last.evidence.distinct_destinations).toBeGreaterThanOrEqual(15);
    expect(last.severity).toBeGreaterThanOrEqual(0.6);
  });

  it('leaves the ordinary calls made during a scan out of it', () => {
    const analyzer = matureCheckout();
    const scan = Array.from({ length: 15 }, (_, i) =>
      serviceEvent({
        time: at(7, 3) + i * 8_000,
        destination: `svc-${i}.internal`,
        method: 'GET',
        route: '/',
      }),
    );
    const checkout = serviceEvent({ time: at(7, 3) + 125_000, destination: 'payments.shop.svc' });
    const [ordinary] = feed(analyzer, [...scan, checkout]).slice(-1);
    expect(ordinary.findings).toEqual([]);
  });

  it('stays quiet on a burst of calls to its usual dependencies', () => {
    const analyzer = matureCheckout();
    const destinations = ['payments.shop.svc', 'inventory.shop.svc', 'users.shop.svc'];
    const burst = Array.from({ length: 60 }, (_, i) =>
      serviceEvent({ time: at(7, 3) + i * 1_000, destination: destinations[i % 3] }),
    );
    expect(findingsOf(feed(analyzer, burst), 'fanout_spike')).toEqual([]);
  });

  it('stays quiet for a hub whose usual fan-out is already large', () => {
    const analyzer = analyzerWith(['fanout_spike']);
    const gateway = Array.from({ length: 7 * 24 * 12 }, (_, i) =>
      serviceEvent({ time: at(0, 0) + i * 5 * 60_000, destination: `backend-${i % 12}.svc` }),
    );
    const busyMinute = Array.from({ length: 24 }, (_, i) =>
      serviceEvent({ time: at(7, 3) + i * 2_000, destination: `backend-${i % 12}.svc` }),
    );
    expect(findingsOf(feed(analyzer, [...gateway, ...busyMinute]), 'fanout_spike')).toEqual([]);
  });
});
