import { describe, expect, it } from 'vitest';
import { feed, findingsOf } from '../../support/analyzer.js';
import { authEvent, DAY, HOUR, T0 } from '../../support/events.js';
import { csvDirectory, members, ordinaryDays, peerRig } from '../../support/peers.js';

const SUPPORT = members('sup', 6);
const DIRECTORY = csvDirectory(['identity,department', ...SUPPORT.map((id) => `${id},support`)].join('\n'));

function matureTeam() {
  const rig = peerRig({ detectors: ['peer_activity_outlier'], directory: DIRECTORY });
  feed(rig.analyzer, ordinaryDays(Object.fromEntries(SUPPORT.map((id) => [id, ['zendesk', 'mail']])), 6, 6));
  return rig;
}

/** `count` events of one identity on day 6, a minute apart from 10:00. */
const busyDay = (identity: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    authEvent({
      identity,
      action: 'token_use',
      application: 'zendesk',
      time: T0 + 6 * DAY + 10 * HOUR + i * 60_000,
    }),
  );

describe('peer activity outlier', () => {
  it('fires once when a support agent makes 60 events in a day where the team makes 6', () => {
    const rig = matureTeam();
    const findings = findingsOf(feed(rig.analyzer, busyDay(SUPPORT[0], 60)), 'peer_activity_outlier');
    expect(findings).toHaveLength(1);
    expect(findings[0].evidence).toMatchObject({
      events_today: 50,
      peers_median_events_per_day: 6,
      own_usual_events_per_day: 6,
      threshold: 50,
      peer_group: 'department=support',
      peers_with_history: 6,
    });
    expect(findings[0].evidence.peers_typically_use).toEqual([
      { app: 'mail', members: 6 },
      { app: 'zendesk', members: 6 },
    ]);
  });

  it('stays quiet on a busy but ordinary day (three times the usual)', () => {
    const rig = matureTeam();
    expect(findingsOf(feed(rig.analyzer, busyDay(SUPPORT[0], 18)), 'peer_activity_outlier')).toEqual([]);
  });

  it('stays quiet without a peer group', () => {
    const rig = peerRig({ detectors: ['peer_activity_outlier'], config: { learned: { enabled: false } } });
    feed(rig.analyzer, ordinaryDays({ [SUPPORT[0]]: ['zendesk'] }, 6, 6));
    expect(findingsOf(feed(rig.analyzer, busyDay(SUPPORT[0], 60)), 'peer_activity_outlier')).toEqual([]);
  });
});
