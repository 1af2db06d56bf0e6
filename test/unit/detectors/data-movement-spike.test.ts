import { describe, expect, it } from 'vitest';
import { feed, findingsOf } from '../../support/analyzer.js';
import { authEvent, DAY, HOUR, serviceEvent, T0 } from '../../support/events.js';
import { csvDirectory, members, ordinaryDays, peerRig } from '../../support/peers.js';

const MB = 1_000_000;
const LEGAL = members('legal', 5);
const DIRECTORY = csvDirectory(['identity,department', ...LEGAL.map((id) => `${id},legal`)].join('\n'));

/** Five days of each lawyer downloading 2 MB three times a day from the file share. */
function matureTeam() {
  const rig = peerRig({ detectors: ['data_movement_spike'], directory: DIRECTORY });
  const usage = Object.fromEntries(LEGAL.map((id) => [id, ['files', 'mail']]));
  feed(
    rig.analyzer,
    ordinaryDays(usage, 5, 6, (_, app) => (app === 'files' ? { bytes_out: 2 * MB, objects: 1 } : {})),
  );
  return rig;
}

/** `count` downloads of `mb` MB each on day 5, a minute apart from 10:00. */
const downloads = (identity: string, count: number, mb: number) =>
  Array.from({ length: count }, (_, i) =>
    authEvent({
      identity,
      action: 'token_use',
      application: 'files',
      bytes_out: mb * MB,
      objects: 20,
      time: T0 + 5 * DAY + 10 * HOUR + i * 60_000,
    }),
  );

describe('data movement spike', () => {
  it('fires once when a lawyer pulls 1 GB from the file share where 6 MB a day is usual', () => {
    const rig = matureTeam();
    // service calls on the user's behalf count too, and show among the destinations
    feed(rig.analyzer, [
      serviceEvent({
        end_user: LEGAL[0],
        destination: 'docs.svc',
        bytes_out: 30 * MB,
        time: T0 + 5 * DAY + 9 * HOUR,
      }),
    ]);
    const findings = findingsOf(feed(rig.analyzer, downloads(LEGAL[0], 40, 25)), 'data_movement_spike');
    expect(findings).toHaveLength(1);
    expect(findings[0].evidence).toMatchObject({
      application: 'files',
      bytes_today: 100 * MB,
      objects_today: 80,
      usual_bytes_per_day: 6 * MB,
      usual_objects_per_day: 3,
      peers_usual_bytes_per_day: 6 * MB,
      peer_group: 'department=legal',
    });
    expect(findings[0].evidence.top_destinations).toEqual([
      { app: 'files', bytes: 100 * MB, objects: 80 },
      { app: 'docs.svc', bytes: 30 * MB + 800, objects: 1 },
    ]);
  });

  it('stays quiet on an ordinary day and on a day twice as heavy as usual', () => {
    const rig = matureTeam();
    expect(findingsOf(feed(rig.analyzer, downloads(LEGAL[1], 6, 2)), 'data_movement_spike')).toEqual([]);
    expect(findingsOf(feed(rig.analyzer, downloads(LEGAL[0], 6, 1)), 'data_movement_spike')).toEqual([]);
  });

  it('stays quiet for a user with neither history nor peers with the application', () => {
    const rig = peerRig({ detectors: ['data_movement_spike'], config: { learned: { enabled: false } } });
    expect(
      findingsOf(feed(rig.analyzer, downloads('stranger@example.com', 40, 25)), 'data_movement_spike'),
    ).toEqual([]);
  });
});
