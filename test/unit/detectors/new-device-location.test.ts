import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, NEW_YORK, officeHistory, SYDNEY } from '../../support/events.js';

const strangerLaptop = { id: 'dev-unknown-42', managed: false, os: 'Windows' };

function matureAlice() {
  const analyzer = analyzerWith(['new_device_location']);
  feed(analyzer, officeHistory());
  return analyzer;
}

describe('new device from a new location', () => {
  it('fires when an unknown device signs in from a new country on a new network', () => {
    const analyzer = matureAlice();
    const intruder = authEvent({
      time: at(14, 10),
      device: strangerLaptop,
      geo: SYDNEY,
      asn: 1221,
      src_ip: '203.0.113.7',
    });
    const [finding] = findingsOf(feed(analyzer, [intruder]), 'new_device_location');
    expect(finding.severity).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence).toMatchObject({
      device: 'dev-unknown-42',
      country: 'AU',
      asn: 1221,
      new_country: true,
      new_asn: true,
    });
    expect(finding.evidence.known_countries).toEqual(['DE']);
    expect(finding.evidence.known_asns).toEqual([3320]);
  });

  it('scores a new device in a new country on a known network lower than when all three are new', () => {
    const analyzer = matureAlice();
    const roaming = authEvent({ time: at(14, 10), device: strangerLaptop, geo: NEW_YORK, asn: 3320 });
    const [finding] = findingsOf(feed(analyzer, [roaming]), 'new_device_location');
    expect(finding.evidence).toMatchObject({ new_country: true, new_asn: false });
    expect(finding.severity).toBeLessThan(0.5);
  });

  it('stays quiet for a new phone at home and for the usual laptop on a trip', () => {
    const analyzer = matureAlice();
    const newPhone = authEvent({ time: at(14, 10), device: { id: 'dev-alice-phone', os: 'iOS' } });
    const trip = authEvent({ time: at(15, 10), geo: NEW_YORK, asn: 701, src_ip: '203.0.113.30' });
    expect(findingsOf(feed(analyzer, [newPhone, trip]), 'new_device_location')).toEqual([]);
  });

  it('stays quiet for a new laptop whose first sign-in goes through the corporate VPN', () => {
    const analyzer = analyzerWith(['new_device_location'], {
      new_device_location: { trusted_asns: [64500] },
    });
    feed(analyzer, officeHistory());
    const vpn = { country: 'NL', city: 'Amsterdam', lat: 52.37, lon: 4.9, accuracy_km: 25 };
    const newLaptop = authEvent({
      time: at(14, 10),
      device: strangerLaptop,
      geo: vpn,
      asn: 64500,
      src_ip: '192.0.2.10',
    });
    expect(findingsOf(feed(analyzer, [newLaptop]), 'new_device_location')).toEqual([]);
  });

  it('does not count the country for someone only ever seen through the corporate VPN', () => {
    const analyzer = analyzerWith(['new_device_location'], {
      new_device_location: { trusted_asns: [64500] },
    });
    feed(analyzer, officeHistory(14, 4, { asn: 64500 }));
    const fromHome = authEvent({ time: at(14, 10), device: strangerLaptop, geo: SYDNEY, asn: 1221 });
    const [finding] = findingsOf(feed(analyzer, [fromHome]), 'new_device_location');
    expect(finding.evidence).toMatchObject({
      new_country: false,
      new_asn: true,
      only_seen_through_egress: true,
    });
    expect(finding.severity).toBeLessThan(0.5);
  });

  it('stays quiet while the baseline is immature', () => {
    const analyzer = analyzerWith(['new_device_location']);
    const young = officeHistory(2);
    const intruder = authEvent({ time: at(2, 10), device: strangerLaptop, geo: SYDNEY, asn: 1221 });
    expect(findingsOf(feed(analyzer, [...young, intruder]), 'new_device_location')).toEqual([]);
  });
});
