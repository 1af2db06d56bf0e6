import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, failedSignIn, MINUTE } from '../../support/events.js';

const SPRAYER = '203.0.113.66';
const user = (i: number) => `user${i}@example.com`;

describe('password spray', () => {
  it('fires when one address fails against twelve identities within ten minutes', () => {
    const analyzer = analyzerWith(['password_spray']);
    const spray = Array.from({ length: 12 }, (_, i) =>
      failedSignIn({ identity: user(i), src_ip: SPRAYER, asn: 14061, time: at(3, 2) + i * 50_000 }),
    );
    const findings = findingsOf(feed(analyzer, spray), 'password_spray');
    expect(findings).toHaveLength(3); // the 10th, 11th and 12th identities
    const last = findings[2];
    expect(last.severity).toBeGreaterThanOrEqual(0.6);
    expect(last.evidence).toMatchObject({ src_ip: SPRAYER, distinct_identities: 12, window_minutes: 30 });
    expect(last.evidence.targeted_identities).toContain(user(11));
  });

  it('stays quiet on a few typos by different people behind the same office address', () => {
    const analyzer = analyzerWith(['password_spray']);
    const typos = [0, 1, 2].map((i) =>
      failedSignIn({ identity: user(i), src_ip: '198.51.100.10', time: at(3, 9) + i * 10 * MINUTE }),
    );
    expect(findingsOf(feed(analyzer, typos), 'password_spray')).toEqual([]);
  });

  it('stays quiet when one identity fails many times (that is brute force, not spray)', () => {
    const analyzer = analyzerWith(['password_spray']);
    const guesses = Array.from({ length: 20 }, (_, i) =>
      failedSignIn({ src_ip: SPRAYER, time: at(3, 2) + i * MINUTE }),
    );
    expect(findingsOf(feed(analyzer, guesses), 'password_spray')).toEqual([]);
  });

  it('stays quiet when the failures are spread over a day', () => {
    const analyzer = analyzerWith(['password_spray']);
    const slow = Array.from({ length: 12 }, (_, i) =>
      failedSignIn({ identity: user(i), src_ip: SPRAYER, time: at(3, 0) + i * 2 * 3_600_000 }),
    );
    expect(findingsOf(feed(analyzer, slow), 'password_spray')).toEqual([]);
  });
});
