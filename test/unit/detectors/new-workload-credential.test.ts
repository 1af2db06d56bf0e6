import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { accountEvent, at, DAY } from '../../support/events.js';

const credential = (time: number, actor = 'devops@example.com') =>
  accountEvent({
    change: 'credential_added',
    identity: 'billing-sync',
    identity_type: 'service_account',
    group: undefined,
    actor,
    time,
  });

describe('new workload credential', () => {
  it('fires when a credential is added to a service principal by an actor not seen doing it before', () => {
    const analyzer = analyzerWith(['new_workload_credential']);
    const [finding] = findingsOf(feed(analyzer, [credential(at(15, 10))]), 'new_workload_credential');
    expect(finding.severity).toBeGreaterThanOrEqual(0.5);
    expect(finding.evidence).toMatchObject({ rotation: false, actor: 'devops@example.com' });
  });

  it('fires when another actor adds a credential to an app its usual actor rotates', () => {
    const analyzer = analyzerWith(['new_workload_credential']);
    feed(analyzer, [credential(at(1, 10))]);
    const [finding] = findingsOf(
      feed(analyzer, [credential(at(15, 10), 'intruder@example.com')]),
      'new_workload_credential',
    );
    expect(finding.severity).toBeGreaterThanOrEqual(0.5);
  });

  it('stays below the alert threshold for a rotation by the usual actor, and ignores other changes', () => {
    const analyzer = analyzerWith(['new_workload_credential']);
    feed(analyzer, [credential(at(1, 10))]);
    const analyses = feed(analyzer, [credential(at(1, 10) + 90 * DAY), accountEvent()]);
    const findings = findingsOf(analyses, 'new_workload_credential');
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBeLessThan(0.5);
    expect(findings[0].evidence.rotation).toBe(true);
  });
});
