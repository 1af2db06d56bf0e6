import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { accountEvent, at, authEvent, failedSignIn, officeHistory } from '../../support/events.js';

describe('privilege escalation', () => {
  it('fires when an identity is added to Domain Admins', () => {
    const analyzer = analyzerWith(['privilege_escalation']);
    const [analysis] = feed(analyzer, [accountEvent({ identity: 'bob', group: 'Domain Admins' })]);
    const [finding] = findingsOf([analysis], 'privilege_escalation');
    expect(finding.severity).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence).toMatchObject({ privilege: 'Domain Admins', actor: 'admin@example.com' });
  });

  it('matches a configured role case-insensitively inside an Okta privilege list', () => {
    const analyzer = analyzerWith(['privilege_escalation']);
    const analyses = feed(analyzer, [
      accountEvent({
        change: 'role_added',
        group: undefined,
        role: 'Read-only administrator, super administrator',
      }),
    ]);
    expect(findingsOf(analyses, 'privilege_escalation')[0].evidence.privilege).toBe('super administrator');
  });

  it('weighs the grant up when the target was risky shortly before', () => {
    const analyzer = analyzerWith(['privilege_escalation', 'brute_force']);
    const plain = findingsOf(
      feed(analyzerWith(['privilege_escalation']), [accountEvent({ group: 'Domain Admins' })]),
      'privilege_escalation',
    )[0];
    feed(
      analyzer,
      Array.from({ length: 12 }, (_, i) => failedSignIn({ time: at(15, 9) + i * 10_000 })),
    );
    const [risky] = findingsOf(
      feed(analyzer, [accountEvent({ time: at(15, 9.5), group: 'Domain Admins' })]),
      'privilege_escalation',
    );
    expect(risky.evidence.target_risky).toBe(true);
    expect(risky.severity).toBeGreaterThan(plain.severity);
  });

  it('weighs a grant made outside the actor’s usual hours up', () => {
    const analyzer = analyzerWith(['privilege_escalation']);
    feed(analyzer, officeHistory(14, 4, { identity: 'admin@example.com' }));
    const [night] = findingsOf(
      feed(analyzer, [accountEvent({ time: at(15, 3), group: 'Enterprise Admins' })]),
      'privilege_escalation',
    );
    expect(night.evidence.outside_usual_hours).toBe(true);
  });

  it('stays quiet on an ordinary group and on removals', () => {
    const analyzer = analyzerWith(['privilege_escalation']);
    const analyses = feed(analyzer, [
      authEvent(),
      accountEvent({ group: 'Finance' }),
      accountEvent({ change: 'group_removed', group: 'Domain Admins' }),
      accountEvent({ group: 'Domain Admins', outcome: 'failure' }),
    ]);
    expect(findingsOf(analyses, 'privilege_escalation')).toEqual([]);
  });
});
