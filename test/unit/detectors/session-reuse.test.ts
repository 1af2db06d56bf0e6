import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, MINUTE, officeHistory, SYDNEY } from '../../support/events.js';

const SESSION = 'sess-alice-1';
const start = at(14, 9);

/** Alice signs in on her laptop from home and establishes SESSION. */
function aliceWithSession() {
  const analyzer = analyzerWith(['session_reuse']);
  feed(analyzer, [...officeHistory(), authEvent({ time: start, session_id: SESSION })]);
  return analyzer;
}

const use = (minutes: number, overrides: Parameters<typeof authEvent>[0] = {}) =>
  authEvent({ time: start + minutes * MINUTE, action: 'token_use', session_id: SESSION, ...overrides });

describe('session reuse', () => {
  it('fires when the session is replayed from another address on another device', () => {
    const analyzer = aliceWithSession();
    const replay = use(20, {
      src_ip: '203.0.113.99',
      asn: 14061,
      geo: SYDNEY,
      device: { id: 'dev-attacker' },
    });
    const [finding] = findingsOf(feed(analyzer, [replay]), 'session_reuse');
    expect(finding.severity).toBeGreaterThanOrEqual(0.8);
    expect(finding.evidence).toMatchObject({
      session_id: SESSION,
      src_ip: '203.0.113.99',
      device: 'dev-attacker',
      device_differs: true,
      new_network: true,
    });
    expect(finding.evidence.original_ip_hash).not.toBe(finding.evidence.current_ip_hash);
  });

  it('fires when a device-less replay comes from a network the identity never used', () => {
    const analyzer = aliceWithSession();
    const replay = use(20, { src_ip: '203.0.113.99', asn: 14061, device: undefined });
    const [finding] = findingsOf(feed(analyzer, [replay]), 'session_reuse');
    expect(finding.severity).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence).toMatchObject({ device_differs: false, new_network: true });
  });

  it('stays quiet when the same laptop moves to another address (mobile hotspot, new Wi-Fi)', () => {
    const analyzer = aliceWithSession();
    const moved = [
      use(5),
      use(30, { src_ip: '198.51.100.77' }),
      use(60, { src_ip: '203.0.113.5', asn: 3320, device: undefined }),
    ];
    expect(findingsOf(feed(analyzer, moved), 'session_reuse')).toEqual([]);
  });

  it('stays quiet for sessions it has never seen established', () => {
    const analyzer = aliceWithSession();
    const unknown = use(5, {
      session_id: 'sess-from-elsewhere',
      src_ip: '203.0.113.99',
      device: { id: 'dev-x' },
    });
    expect(findingsOf(feed(analyzer, [unknown]), 'session_reuse')).toEqual([]);
  });
});
