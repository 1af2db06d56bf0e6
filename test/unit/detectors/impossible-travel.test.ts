import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import {
  at,
  authEvent,
  FRANKFURT,
  HOUR,
  MINUTE,
  MUNICH,
  NEW_YORK,
  officeHistory,
  SYDNEY,
} from '../../support/events.js';

/** Alice's office history ends with a located sign-in in Berlin on day 13 at 15:00 UTC. */
function aliceAtHome(params: Record<string, unknown> = {}) {
  const analyzer = analyzerWith(['impossible_travel'], { impossible_travel: params });
  const history = officeHistory(14);
  feed(analyzer, history);
  return { analyzer, lastId: history[history.length - 1].id, lastTime: history[history.length - 1].time };
}

describe('impossible travel', () => {
  it('fires when a sign-in from Sydney comes 30 minutes after one in Berlin', () => {
    const { analyzer, lastId, lastTime } = aliceAtHome();
    const sydney = authEvent({
      time: lastTime + 30 * MINUTE,
      geo: SYDNEY,
      src_ip: '203.0.113.50',
      asn: 1221,
    });
    const [finding] = findingsOf(feed(analyzer, [sydney]), 'impossible_travel');
    expect(finding).toBeDefined();
    expect(finding.severity).toBeGreaterThanOrEqual(0.9);
    expect(finding.evidence).toMatchObject({
      from_city: 'Berlin',
      from_country: 'DE',
      to_city: 'Sydney',
      to_country: 'AU',
      hours: 0.5,
    });
    expect(finding.evidence.distance_km).toBeGreaterThan(15_000);
    expect(finding.evidence.speed_kmh).toBeGreaterThan(30_000);
    expect(finding.relatedEventIds).toEqual([lastId]);
  });

  it('stays quiet for a flight to New York that takes a plausible nine hours', () => {
    const { analyzer, lastTime } = aliceAtHome();
    const arrival = authEvent({ time: lastTime + 9 * HOUR, geo: NEW_YORK, src_ip: '203.0.113.60', asn: 701 });
    expect(findingsOf(feed(analyzer, [arrival]), 'impossible_travel')).toEqual([]);
  });

  it('stays quiet for Berlin then Munich within the hour: 500 km is inside the accuracy margin', () => {
    const { analyzer, lastTime } = aliceAtHome();
    const munich = authEvent({ time: lastTime + 40 * MINUTE, geo: MUNICH });
    expect(findingsOf(feed(analyzer, [munich]), 'impossible_travel')).toEqual([]);
  });

  it('judges a traveller against home until the trip becomes plausible, then learns the new place', () => {
    const { analyzer, lastTime } = aliceAtHome();
    const early = authEvent({ time: lastTime + HOUR, geo: SYDNEY, asn: 1221 });
    const later = authEvent({ time: lastTime + 30 * HOUR, geo: SYDNEY, asn: 1221 });
    const next = authEvent({ time: lastTime + 31 * HOUR, geo: SYDNEY, asn: 1221 });
    const analyses = feed(analyzer, [early, later, next]);
    expect(analyses.map((a) => a.findings.length)).toEqual([1, 0, 0]);
  });

  it('stays quiet when the sign-in comes from a trusted corporate egress range', () => {
    const { analyzer, lastTime } = aliceAtHome({ trusted_cidrs: ['192.0.2.0/24', '2001:db8::/32'] });
    const viaVpn = authEvent({
      time: lastTime + 30 * MINUTE,
      geo: NEW_YORK,
      src_ip: '192.0.2.77',
      asn: 64500,
    });
    const viaVpn6 = authEvent({
      time: lastTime + 31 * MINUTE,
      geo: NEW_YORK,
      src_ip: '2001:db8:5::1',
      asn: 64500,
    });
    expect(findingsOf(feed(analyzer, [viaVpn, viaVpn6]), 'impossible_travel')).toEqual([]);
  });

  it('stays quiet when the last known location was the corporate VPN (trusted ASN) and the person is really elsewhere', () => {
    const analyzer = analyzerWith(['impossible_travel'], { impossible_travel: { trusted_asns: [64500] } });
    const history = officeHistory(14, 4, { geo: NEW_YORK, asn: 701, src_ip: '203.0.113.20' });
    const onVpn = authEvent({ time: at(14, 14), geo: FRANKFURT, asn: 64500, src_ip: '198.51.100.11' });
    const backHome = authEvent({ time: at(14, 14.5), geo: NEW_YORK, asn: 701, src_ip: '203.0.113.20' });
    expect(findingsOf(feed(analyzer, [...history, onVpn, backHome]), 'impossible_travel')).toEqual([]);
  });

  it('halves severity from a cloud hosting network by default, and can suppress it', () => {
    const hop = (lastTime: number) =>
      authEvent({ time: lastTime + 30 * MINUTE, geo: SYDNEY, src_ip: '203.0.113.90', asn: 14061 });
    const downgraded = aliceAtHome();
    const [finding] = findingsOf(feed(downgraded.analyzer, [hop(downgraded.lastTime)]), 'impossible_travel');
    expect(finding.evidence.hosting_network).toBe(true);
    expect(finding.severity).toBeLessThan(0.5);
    expect(finding.severity).toBeGreaterThan(0.25);

    const suppressed = aliceAtHome({ hosting_asn_action: 'suppress' });
    expect(findingsOf(feed(suppressed.analyzer, [hop(suppressed.lastTime)]), 'impossible_travel')).toEqual(
      [],
    );
  });

  it('ignores failed sign-ins and events without coordinates', () => {
    const { analyzer, lastTime } = aliceAtHome();
    const failed = authEvent({ time: lastTime + 10 * MINUTE, geo: SYDNEY, outcome: 'failure' });
    const countryOnly = authEvent({ time: lastTime + 11 * MINUTE, geo: { country: 'AU' } });
    expect(findingsOf(feed(analyzer, [failed, countryOnly]), 'impossible_travel')).toEqual([]);
  });
});
