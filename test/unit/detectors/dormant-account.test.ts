import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, officeHistory } from '../../support/events.js';

describe('dormant account', () => {
  it('fires on the first sign-in after 45 silent days, and only on the first', () => {
    const analyzer = analyzerWith(['dormant_account']);
    feed(analyzer, officeHistory(10));
    const analyses = feed(analyzer, [authEvent({ time: at(55, 10) }), authEvent({ time: at(55, 11) })]);
    const findings = findingsOf(analyses, 'dormant_account');
    expect(findings).toHaveLength(1);
    expect(findings[0].evidence.silent_days).toBeGreaterThan(45);
    expect(findings[0].severity).toBeGreaterThanOrEqual(0.6);
  });

  it('honours a configured dormancy period', () => {
    const analyzer = analyzerWith(['dormant_account'], { dormant_account: { dormant_days: 7 } });
    feed(analyzer, officeHistory(5));
    expect(findingsOf(feed(analyzer, [authEvent({ time: at(14, 10) })]), 'dormant_account')).toHaveLength(1);
  });

  it('stays quiet for daily users, new identities and failed attempts', () => {
    const analyzer = analyzerWith(['dormant_account']);
    const analyses = feed(analyzer, [
      ...officeHistory(14),
      authEvent({ identity: 'new@example.com', time: at(50, 9) }),
      authEvent({ time: at(60, 9), outcome: 'failure', reason: 'invalid_password' }),
    ]);
    expect(findingsOf(analyses, 'dormant_account')).toEqual([]);
  });
});
