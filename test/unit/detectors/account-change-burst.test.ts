import { describe, expect, it } from 'vitest';
import { analyzerWith, feed, findingsOf } from '../../support/analyzer.js';
import { accountEvent, at, HOUR, MINUTE } from '../../support/events.js';

const resetBy = (actor: string, time: number, target: number) =>
  accountEvent({
    change: 'password_reset',
    group: undefined,
    actor,
    identity: `user${target}@example.com`,
    time,
  });

describe('account change burst', () => {
  it('fires when one actor resets fifteen passwords within five minutes', () => {
    const analyzer = analyzerWith(['account_change_burst']);
    const analyses = feed(
      analyzer,
      Array.from({ length: 15 }, (_, i) => resetBy('admin@example.com', at(15, 10) + i * 20_000, i)),
    );
    const findings = findingsOf(analyses, 'account_change_burst');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.at(-1)!.evidence).toMatchObject({ actor: 'admin@example.com', distinct_targets: 15 });
    expect(findings[0].incidentKey).toBe('actor:admin@example.com');
  });

  it('stays quiet for the same number of changes spread over a working day, or by different actors', () => {
    const spread = feed(
      analyzerWith(['account_change_burst']),
      Array.from({ length: 15 }, (_, i) => resetBy('admin@example.com', at(15, 8) + i * 0.5 * HOUR, i)),
    );
    const many = feed(
      analyzerWith(['account_change_burst']),
      Array.from({ length: 15 }, (_, i) => resetBy(`admin${i}@example.com`, at(15, 10) + i * MINUTE, i)),
    );
    expect(findingsOf([...spread, ...many], 'account_change_burst')).toEqual([]);
  });
});
