import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, HOUR, MINUTE, mfaEvent, officeHistory } from '../../support/events.js';

const start = at(14, 22);

describe('mfa fatigue', () => {
  it('fires with high severity when a push is accepted after six denials in ten minutes', () => {
    const analyzer = analyzerWith(['mfa_fatigue']);
    feed(analyzer, officeHistory());
    const bombing = Array.from({ length: 6 }, (_, i) =>
      mfaEvent(i % 2 ? 'timeout' : 'denied', { time: start + i * 2 * MINUTE }),
    );
    const accepted = mfaEvent('success', { time: start + 12 * MINUTE });
    const analyses = feed(analyzer, [...bombing, accepted]);
    const final = findingsOf([analyses[6]], 'mfa_fatigue');
    expect(final).toHaveLength(1);
    expect(final[0].severity).toBeGreaterThanOrEqual(0.9);
    expect(final[0].evidence).toMatchObject({ denials: 6, mfa_result: 'success', mfa_factor: 'push' });
    expect(final[0].summary).toMatch(/accepted after 6/);
  });

  it('fires with moderate severity on the denials themselves once four pile up', () => {
    const analyzer = analyzerWith(['mfa_fatigue']);
    const bombing = Array.from({ length: 5 }, (_, i) => mfaEvent('denied', { time: start + i * MINUTE }));
    const analyses = feed(analyzer, bombing);
    expect(analyses.map((a) => a.findings.length)).toEqual([0, 0, 0, 1, 1]);
    const [fourth] = analyses[3].findings;
    expect(fourth.evidence.denials).toBe(4);
    expect(fourth.severity).toBeGreaterThanOrEqual(0.5);
    expect(fourth.severity).toBeLessThan(0.9);
  });

  it('stays quiet when one or two pushes are missed before a success', () => {
    const analyzer = analyzerWith(['mfa_fatigue']);
    const day = [
      mfaEvent('timeout', { time: start }),
      mfaEvent('success', { time: start + 2 * MINUTE }),
      mfaEvent('denied', { time: start + HOUR }),
      mfaEvent('denied', { time: start + HOUR + MINUTE }),
      mfaEvent('success', { time: start + HOUR + 2 * MINUTE }),
    ];
    expect(findingsOf(feed(analyzer, day), 'mfa_fatigue')).toEqual([]);
  });

  it('stays quiet when denials are spread over a day', () => {
    const analyzer = analyzerWith(['mfa_fatigue']);
    const spread = Array.from({ length: 6 }, (_, i) => mfaEvent('denied', { time: start + i * 2 * HOUR }));
    expect(
      findingsOf(
        feed(analyzer, [...spread, mfaEvent('success', { time: start + 11 * HOUR })]),
        'mfa_fatigue',
      ),
    ).toEqual([]);
  });
});
