import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, serviceEvent, workloadHistory } from '../../support/events.js';

function matureCheckout() {
  const analyzer = analyzerWith(['lateral_movement']);
  feed(analyzer, workloadHistory());
  return analyzer;
}

describe('lateral movement', () => {
  it('fires when a mature workload calls a service it has never called', () => {
    const analyzer = matureCheckout();
    const pivot = serviceEvent({
      time: at(7, 3),
      destination: 'vault.infra.svc',
      method: 'GET',
      route: '/v1/secret/{path}',
    });
    const [finding] = findingsOf(feed(analyzer, [pivot]), 'lateral_movement');
    expect(finding.severity).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence).toMatchObject({
      destination: 'vault.infra.svc',
      route: '/v1/secret/{path}',
      known_destination_count: 3,
    });
    expect(finding.evidence.known_destinations).toEqual(
      expect.arrayContaining(['payments.shop.svc', 'inventory.shop.svc', 'users.shop.svc']),
    );
  });

  it('stays quiet on the usual edges, including new routes on a known service', () => {
    const analyzer = matureCheckout();
    const usual = [
      serviceEvent({
        time: at(7, 1),
        destination: 'inventory.shop.svc',
        method: 'GET',
        route: '/v1/items/{id}',
      }),
      serviceEvent({
        time: at(7, 2),
        destination: 'users.shop.svc',
        method: 'GET',
        route: '/v1/users/{id}/addresses',
      }),
    ];
    expect(findingsOf(feed(analyzer, usual), 'lateral_movement')).toEqual([]);
  });

  it('stays quiet on refused calls and on a young workload still discovering its dependencies', () => {
    const analyzer = matureCheckout();
    const refused = serviceEvent({ time: at(7, 3), destination: 'vault.infra.svc', status: 403 });
    expect(findingsOf(feed(analyzer, [refused]), 'lateral_movement')).toEqual([]);

    const young = analyzerWith(['lateral_movement']);
    const firstDay = workloadHistory(1).concat(
      serviceEvent({ time: at(1, 1), destination: 'cache.shop.svc' }),
    );
    expect(findingsOf(feed(young, firstDay), 'lateral_movement')).toEqual([]);
  });
});
