import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, serviceEvent, workloadHistory } from '../../support/events.js';

function matureCheckout() {
  const analyzer = analyzerWith(['bytes_out_spike']);
  feed(analyzer, workloadHistory());
  return analyzer;
}

describe('bytes-out spike', () => {
  it('fires when the users edge, usually about 900 bytes, sends 50 MB', () => {
    const analyzer = matureCheckout();
    const dump = serviceEvent({
      time: at(7, 3),
      destination: 'users.shop.svc',
      method: 'GET',
      route: '/v1/users/export',
      bytes_out: 50_000_000,
    });
    const [finding] = findingsOf(feed(analyzer, [dump]), 'bytes_out_spike');
    expect(finding.severity).toBeGreaterThanOrEqual(0.9);
    expect(finding.evidence).toMatchObject({ destination: 'users.shop.svc', bytes_out: 50_000_000 });
    expect(finding.evidence.usual_bytes_out).toBeGreaterThan(700);
    expect(finding.evidence.usual_bytes_out).toBeLessThan(1_100);
    expect(finding.evidence.z).toBeGreaterThanOrEqual(4);
  });

  it('stays quiet on ordinary ±50% lognormal variation and on a fivefold response', () => {
    const analyzer = analyzerWith(['bytes_out_spike']);
    // Deterministic lognormal-ish noise: sigma about 0.4 in log space around 4 KB.
    const noisy = Array.from({ length: 2_000 }, (_, i) =>
      serviceEvent({
        time: at(0, 0) + i * 5 * 60_000,
        destination: 'inventory.shop.svc',
        bytes_out: Math.round(4_000 * Math.exp(0.4 * Math.sin(i * 12.9898) * 1.7)),
      }),
    );
    const big = serviceEvent({ time: at(7, 3), destination: 'inventory.shop.svc', bytes_out: 20_000 });
    expect(findingsOf(feed(analyzer, [...noisy, big]), 'bytes_out_spike')).toEqual([]);
  });

  it('stays quiet on an edge with too little history to judge', () => {
    const analyzer = analyzerWith(['bytes_out_spike']);
    const few = Array.from({ length: 5 }, (_, i) =>
      serviceEvent({ time: at(0, i), destination: 'reports.svc', bytes_out: 1_000 }),
    );
    const large = serviceEvent({ time: at(0, 6), destination: 'reports.svc', bytes_out: 10_000_000 });
    expect(findingsOf(feed(analyzer, [...few, large]), 'bytes_out_spike')).toEqual([]);
  });
});
