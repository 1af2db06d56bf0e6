import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { authEvent, DAY, MINUTE, officeHistory, T0 } from '../../support/events.js';

describe('brute force', () => {
  const failure = (minute: number) =>
    authEvent({
      time: T0 + 15 * DAY + 10 * 3_600_000 + minute * MINUTE,
      outcome: 'failure',
      reason: 'invalid_password',
      src_ip: '203.0.113.9',
    });

  it('fires when twenty sign-ins fail within five minutes', () => {
    const analyzer = analyzerWith(['brute_force']);
    feed(analyzer, officeHistory());
    const attack = feed(
      analyzer,
      Array.from({ length: 20 }, (_, i) => failure(i * 0.25)),
    );
    const findings = findingsOf(attack, 'brute_force');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0].evidence.failures).toBeGreaterThanOrEqual(8);
    expect(findings[0].evidence.src_ip).toBe('203.0.113.9');
  });

  it('stays quiet on a typo followed by a successful sign-in', () => {
    const analyzer = analyzerWith(['brute_force']);
    const history = officeHistory();
    const typo = authEvent({
      time: T0 + 15 * DAY + 9 * 3_600_000,
      outcome: 'failure',
      reason: 'invalid_password',
    });
    const success = authEvent({ time: typo.time + MINUTE });
    const analyses = feed(analyzer, [...history, typo, success]);
    expect(findingsOf(analyses, 'brute_force')).toEqual([]);
  });

  it('stays quiet when failures are spread over hours', () => {
    const analyzer = analyzerWith(['brute_force']);
    const analyses = feed(
      analyzer,
      Array.from({ length: 12 }, (_, i) => failure(i * 30)),
    );
    expect(findingsOf(analyses, 'brute_force')).toEqual([]);
  });
});
