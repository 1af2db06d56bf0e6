import { describe, expect, it } from 'vitest';
import { createDetectors } from '../../../src/detectors/index.js';
import { VigilError } from '../../../src/errors.js';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, serviceEvent, workloadHistory } from '../../support/events.js';

describe('privileged route', () => {
  it('fires when a mature workload calls an admin route it has never called', () => {
    const analyzer = analyzerWith(['privileged_route']);
    feed(analyzer, workloadHistory());
    const admin = serviceEvent({
      time: at(7, 3),
      destination: 'users.shop.svc',
      method: 'POST',
      route: '/admin/users/{id}/roles',
    });
    const [finding] = findingsOf(feed(analyzer, [admin]), 'privileged_route');
    expect(finding.severity).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence).toMatchObject({
      route: '/admin/users/{id}/roles',
      method: 'POST',
      destination: 'users.shop.svc',
      matched_pattern: '/admin',
    });
  });

  it('stays quiet on a privileged route the workload has always called, and on ordinary new routes', () => {
    const analyzer = analyzerWith(['privileged_route']);
    const health = serviceEvent({
      destination: 'inventory.shop.svc',
      method: 'GET',
      route: '/internal/health',
    });
    const history = workloadHistory().flatMap((event, i) =>
      i % 10 === 0 ? [event, { ...health, id: `${event.id}-h`, time: event.time + 1 }] : [event],
    );
    feed(analyzer, history);
    const calls = [
      { ...health, id: 'w-health-now', time: at(7, 3) },
      serviceEvent({
        time: at(7, 4),
        destination: 'inventory.shop.svc',
        method: 'GET',
        route: '/v1/stock/{sku}',
      }),
    ];
    expect(findingsOf(feed(analyzer, calls), 'privileged_route')).toEqual([]);
  });

  it('stays quiet on an immature workload', () => {
    const analyzer = analyzerWith(['privileged_route']);
    const young = [
      ...workloadHistory(1),
      serviceEvent({ time: at(1, 1), route: '/debug/pprof/heap', method: 'GET' }),
    ];
    expect(findingsOf(feed(analyzer, young), 'privileged_route')).toEqual([]);
  });

  it('rejects an invalid pattern at creation, naming the offending key', () => {
    let error: unknown;
    try {
      createDetectors(['privileged_route'], { privileged_route: { patterns: ['/admin', '(unclosed'] } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field: '/detectors/privileged_route/patterns/1' });
  });
});
