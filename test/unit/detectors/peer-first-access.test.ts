import { describe, expect, it } from 'vitest';
import { feed, findingsOf } from '../../support/analyzer.js';
import { authEvent, DAY, HOUR, T0 } from '../../support/events.js';
import { csvDirectory, members, ordinaryDays, peerRig } from '../../support/peers.js';

const FINANCE = members('fin', 6);
const ENGINEERING = members('eng', 6);
const DIRECTORY = csvDirectory(
  [
    'identity,department',
    ...FINANCE.map((id) => `${id},finance`),
    ...ENGINEERING.map((id) => `${id},engineering`),
  ].join('\n'),
);
const NEWCOMER = 'fin-new@example.com';

/** Eight days of finance using erp/payroll/mail (all but fin1 also expenses) and engineering using github/jira/mail. */
function matureCompany(params: Record<string, unknown> = {}) {
  const rig = peerRig({
    detectors: ['peer_first_access'],
    params: { peer_first_access: params },
    directory: DIRECTORY,
  });
  const usage = {
    ...Object.fromEntries(
      FINANCE.map((id, i) => [
        id,
        i === 0 ? ['erp', 'payroll', 'mail'] : ['erp', 'payroll', 'mail', 'expenses'],
      ]),
    ),
    ...Object.fromEntries(ENGINEERING.map((id) => [id, ['github', 'jira', 'mail']])),
  };
  feed(rig.analyzer, ordinaryDays(usage, 8, 6));
  return rig;
}

const day5 = (identity: string, application: string, minutes = 0) =>
  authEvent({ identity, application, action: 'sign_in', time: T0 + 8 * DAY + 10 * HOUR + minutes * 60_000 });

describe('peer first access', () => {
  it('fires when a finance user first opens github, which none of the department uses', () => {
    const rig = matureCompany();
    const [finding] = findingsOf(feed(rig.analyzer, [day5(FINANCE[0], 'github')]), 'peer_first_access');
    expect(finding.severity).toBeGreaterThanOrEqual(0.5);
    expect(finding.evidence).toMatchObject({
      application: 'github',
      peers_using_application: 0,
      peers_judged: 5,
      peer_group: 'department=finance',
      peer_group_members: 6,
    });
    expect(finding.evidence.peers_typically_use).toContainEqual({ app: 'erp', members: 6 });
  });

  it('judges the first successful access, not failed attempts before it', () => {
    const rig = matureCompany();
    const failed = { ...day5(FINANCE[0], 'github'), outcome: 'failure' as const, reason: 'invalid_password' };
    const analyses = feed(rig.analyzer, [failed, day5(FINANCE[0], 'github', 1)]);
    expect(analyses[0].findings).toEqual([]);
    expect(findingsOf(analyses, 'peer_first_access')).toHaveLength(1);
  });

  it('stays quiet when the application is new to the user but their peers use it', () => {
    const rig = matureCompany();
    expect(findingsOf(feed(rig.analyzer, [day5(FINANCE[0], 'expenses')]), 'peer_first_access')).toEqual([]);
  });

  it("stays quiet for the user's own applications and flags a peer-foreign one only on first access", () => {
    const rig = matureCompany();
    const analyses = feed(rig.analyzer, [
      day5(FINANCE[0], 'erp'),
      day5(FINANCE[0], 'github', 1),
      day5(FINANCE[0], 'github', 2),
    ]);
    expect(findingsOf(analyses, 'peer_first_access').map((f) => f.evidence.application)).toEqual(['github']);
    expect(analyses[2].findings).toEqual([]);
  });

  it('stays quiet when the group has too few members with history', () => {
    const rig = matureCompany({ min_peers: 6 });
    expect(findingsOf(feed(rig.analyzer, [day5(FINANCE[0], 'github')]), 'peer_first_access')).toEqual([]);
  });

  it('stays quiet for a newcomer without history of their own', () => {
    const rig = peerRig({
      detectors: ['peer_first_access'],
      directory: csvDirectory(
        `identity,department\n${FINANCE.map((id) => `${id},finance`).join('\n')}\n${NEWCOMER},finance`,
      ),
    });
    feed(rig.analyzer, ordinaryDays(Object.fromEntries(FINANCE.map((id) => [id, ['erp', 'mail']])), 8, 6));
    expect(findingsOf(feed(rig.analyzer, [day5(NEWCOMER, 'github')]), 'peer_first_access')).toEqual([]);
  });
});
