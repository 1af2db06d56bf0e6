import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, authEvent, officeHistory, SYDNEY } from '../../support/events.js';

describe('rare hour', () => {
  it('fires when an office-hours worker signs in at 03:00 UTC', () => {
    const analyzer = analyzerWith(['rare_hour']);
    feed(analyzer, officeHistory());
    const [finding] = findingsOf(feed(analyzer, [authEvent({ time: at(14, 3) })]), 'rare_hour');
    expect(finding.evidence).toMatchObject({
      hour_utc: 3,
      hour_of_day_share: 0,
      hours_from_usual_activity: 6,
      known_country: true,
    });
    // A contributing signal: strong enough to add up with others, too weak to alert (and block learning) alone.
    expect(finding.severity).toBeGreaterThanOrEqual(0.4);
    expect(finding.severity).toBeLessThan(0.5);
  });

  it('scores the same hour lower abroad, where a time-zone shift explains the clock', () => {
    const signInAt3 = (geo = {}) => {
      const analyzer = analyzerWith(['rare_hour']);
      feed(analyzer, officeHistory());
      return findingsOf(feed(analyzer, [authEvent({ time: at(14, 3), ...geo })]), 'rare_hour')[0];
    };
    const home = signInAt3();
    const abroad = signInAt3({ geo: SYDNEY });
    expect(abroad.evidence.known_country).toBe(false);
    expect(abroad.severity).toBeLessThan(home.severity);
  });

  it('learns a first odd hour, so the next sign-in around that hour is quiet', () => {
    const analyzer = analyzerWith(['rare_hour']);
    feed(analyzer, officeHistory());
    const analyses = feed(analyzer, [authEvent({ time: at(14, 3) }), authEvent({ time: at(15, 2.5) })]);
    expect(analyses.map((a) => a.findings.length)).toEqual([1, 0]);
  });

  it('stays quiet for someone who occasionally works late', () => {
    const analyzer = analyzerWith(['rare_hour']);
    const lateEvenings = [0, 7].map((day) => authEvent({ time: at(day, 22) }));
    feed(
      analyzer,
      [...officeHistory(), ...lateEvenings].sort((a, b) => a.time - b.time),
    );
    // Wednesday 22:30 was never seen as such, but 22:00 on other days was.
    expect(findingsOf(feed(analyzer, [authEvent({ time: at(16, 22.5) })]), 'rare_hour')).toEqual([]);
  });

  it('stays quiet at usual hours and on an immature baseline', () => {
    const mature = analyzerWith(['rare_hour']);
    feed(mature, officeHistory());
    expect(findingsOf(feed(mature, [authEvent({ time: at(14, 10) })]), 'rare_hour')).toEqual([]);

    const young = analyzerWith(['rare_hour']);
    expect(
      findingsOf(feed(young, [...officeHistory(2), authEvent({ time: at(2, 3) })]), 'rare_hour'),
    ).toEqual([]);
  });
});
