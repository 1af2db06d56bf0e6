import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { at, serviceEvent, workloadHistory } from '../../support/events.js';

describe('denied spike', () => {
  it('fires when a workload collects fifteen 403s within three minutes', () => {
    const analyzer = analyzerWith(['denied_spike']);
    feed(analyzer, workloadHistory());
    const probing = Array.from({ length: 15 }, (_, i) =>
      serviceEvent({
        time: at(7, 3) + i * 12_000,
        destination: `svc-${i % 5}.internal`,
        route: '/v1/secrets',
        status: 403,
      }),
    );
    const findings = findingsOf(feed(analyzer, probing), 'denied_spike');
    expect(findings.length).toBe(6); // from the 10th denial on
    const last = findings[findings.length - 1];
    expect(last.evidence).toMatchObject({ denied: 15, window_minutes: 5, status: 403 });
    expect(last.evidence.recent_denied_share).toBeGreaterThan(0.25);
    expect(last.evidence.usual_denied_rate).toBeLessThan(0.05);
    expect(last.severity).toBeGreaterThanOrEqual(0.6);
  });

  it('still fires for a busy workload when refusals jump far above its habit', () => {
    const analyzer = analyzerWith(['denied_spike']);
    // 600 calls an hour, one in twenty refused, then everything refused for a minute.
    const busy = workloadHistory(3, 600).map((event, i) =>
      i % 20 === 0 ? { ...event, status: 403 } : event,
    );
    feed(analyzer, busy);
    const end = busy[busy.length - 1].time;
    const refused = Array.from({ length: 20 }, (_, i) =>
      serviceEvent({ time: end + (i + 1) * 3_000, status: 403 }),
    );
    const findings = findingsOf(feed(analyzer, refused), 'denied_spike');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0].evidence.usual_denied_rate).toBeLessThan(0.1);
  });

  it('stays quiet on the odd 401 spread over the day', () => {
    const analyzer = analyzerWith(['denied_spike']);
    const day = workloadHistory(2).map((event, i) => (i % 7 === 0 ? { ...event, status: 401 } : event));
    expect(findingsOf(feed(analyzer, day), 'denied_spike')).toEqual([]);
  });

  it('stays quiet for a busy workload whose usual denied share adds up to ten in five minutes', () => {
    const analyzer = analyzerWith(['denied_spike']);
    // 600 calls an hour, every third one refused: about 17 denials per five minutes, all habit.
    const busy = workloadHistory(3, 600).map((event, i) => (i % 3 === 0 ? { ...event, status: 403 } : event));
    expect(findingsOf(feed(analyzer, busy), 'denied_spike')).toEqual([]);
  });
});
