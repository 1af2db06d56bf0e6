import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { accountEvent, at, failedSignIn, MINUTE, mfaEvent, officeHistory } from '../../support/events.js';

const reset = (time: number) =>
  accountEvent({ change: 'mfa_reset', group: undefined, time, actor: 'helpdesk@example.com' });

describe('MFA tampering', () => {
  it('fires when factors are reset right after failed sign-ins', () => {
    const analyzer = analyzerWith(['mfa_tampering']);
    feed(analyzer, officeHistory());
    feed(
      analyzer,
      Array.from({ length: 4 }, (_, i) =>
        failedSignIn({ time: at(15, 9) + i * MINUTE, src_ip: '203.0.113.9' }),
      ),
    );
    const [finding] = findingsOf(feed(analyzer, [reset(at(15, 9.5))]), 'mfa_tampering');
    expect(finding.severity).toBeGreaterThanOrEqual(0.7);
    expect(finding.evidence).toMatchObject({ change: 'mfa_reset', failures: 4 });
  });

  it('fires when a new factor is enrolled right after denied pushes', () => {
    const analyzer = analyzerWith(['mfa_tampering']);
    feed(analyzer, [
      mfaEvent('denied', { time: at(15, 9) }),
      mfaEvent('timeout', { time: at(15, 9) + MINUTE }),
    ]);
    const analyses = feed(analyzer, [
      accountEvent({
        change: 'mfa_enrolled',
        group: undefined,
        actor: 'alice@example.com',
        time: at(15, 9.2),
      }),
    ]);
    expect(findingsOf(analyses, 'mfa_tampering')[0].evidence.mfa_denials).toBe(2);
  });

  it('stays quiet when a factor is reset after a quiet history, or long after the failures', () => {
    const analyzer = analyzerWith(['mfa_tampering']);
    feed(analyzer, officeHistory());
    expect(findingsOf(feed(analyzer, [reset(at(15, 10))]), 'mfa_tampering')).toEqual([]);
    feed(
      analyzer,
      Array.from({ length: 4 }, (_, i) => failedSignIn({ time: at(16, 9) + i * MINUTE })),
    );
    expect(findingsOf(feed(analyzer, [reset(at(16, 15))]), 'mfa_tampering')).toEqual([]);
  });
});
