/**
 * Peer groups on a small hand-built population: by directory attributes when
 * the directory lists an identity, learned from co-access otherwise, with
 * what each group's members typically do.
 */
import { describe, expect, it } from 'vitest';
import { jaccard, learnGroups } from '../../src/peers/learned.js';
import { DAY, T0 } from '../support/events.js';
import { csvDirectory, members, ordinaryDays, peerRig } from '../support/peers.js';

const FINANCE = members('fin', 5);
const ENGINEERING = members('eng', 5);
const SALES = members('sales', 4);
const LONER = 'designer@example.com';

const USAGE: Record<string, readonly string[]> = {
  ...Object.fromEntries(FINANCE.map((id) => [id, ['erp', 'payroll', 'mail']])),
  ...Object.fromEntries(ENGINEERING.map((id) => [id, ['github', 'jira', 'mail']])),
  ...Object.fromEntries(SALES.map((id) => [id, ['crm', 'mail', 'zoom']])),
  [LONER]: ['figma'],
};

const DIRECTORY_CSV = [
  'identity,department,title,manager',
  ...FINANCE.map((id, i) => `${id},finance,${i === 0 ? 'Controller' : 'Accountant'},${FINANCE[0]}`),
  ...ENGINEERING.map(
    (id, i) => `${id},engineering,${i < 2 ? 'Staff Engineer' : 'Engineer'},${ENGINEERING[0]}`,
  ),
].join('\n');

function groupedPopulation(options: Parameters<typeof peerRig>[0]) {
  const rig = peerRig(options);
  for (const event of ordinaryDays(USAGE, 5, 6)) rig.analyzer.analyze(event);
  rig.peers.recompute(rig.store, T0 + 5 * DAY);
  return rig;
}

const labelsOf = (rig: ReturnType<typeof peerRig>, ids: readonly string[]) =>
  ids.map((id) => rig.peers.groupOf(id)?.label);

describe('directory-based peer groups', () => {
  it('groups listed identities by department and learns groups for the rest', () => {
    const rig = groupedPopulation({
      directory: csvDirectory(DIRECTORY_CSV),
      config: { learned: { min_group_size: 3 } },
    });
    expect(labelsOf(rig, FINANCE)).toEqual(FINANCE.map(() => 'department=finance'));
    expect(labelsOf(rig, ENGINEERING)).toEqual(ENGINEERING.map(() => 'department=engineering'));
    expect(labelsOf(rig, SALES)).toEqual(SALES.map(() => 'learned group of 4 identities'));
    expect(rig.peers.groupOf(LONER)).toBeUndefined();
    expect(new Set(SALES.map((id) => rig.peers.groupOf(id)))).toHaveProperty('size', 1);
  });

  it('splits by every attribute in group_by', () => {
    const rig = groupedPopulation({
      directory: csvDirectory(DIRECTORY_CSV),
      config: { directory: { path: 'directory.csv', group_by: ['department', 'title'] } },
    });
    expect(labelsOf(rig, ENGINEERING)).toEqual([
      'department=engineering, title=Staff Engineer',
      'department=engineering, title=Staff Engineer',
      'department=engineering, title=Engineer',
      'department=engineering, title=Engineer',
      'department=engineering, title=Engineer',
    ]);
    expect(rig.peers.groupOf(ENGINEERING[2])?.members).toBe(3);
  });

  it('summarises what the members typically use and how active they are', () => {
    const rig = groupedPopulation({ directory: csvDirectory(DIRECTORY_CSV) });
    const finance = rig.peers.groupOf(FINANCE[1])!;
    expect(finance.members).toBe(5);
    expect(finance.matureMembers).toBe(5);
    expect(Object.fromEntries(finance.appMembers)).toEqual({ erp: 5, payroll: 5, mail: 5 });
    // six events a day, every day, for everyone
    expect(finance.activity).toEqual({ median: 6, mad: 0 });
  });

  it('counts directory members that have not been seen yet in the group size', () => {
    const csv = `${DIRECTORY_CSV}\nnewhire@example.com,finance,Accountant,${FINANCE[0]}`;
    const rig = groupedPopulation({ directory: csvDirectory(csv) });
    expect(rig.peers.groupOf('newhire@example.com')?.label).toBe('department=finance');
    expect(rig.peers.groupOf('NEWHIRE@example.com')?.members).toBe(6);
  });
});

describe('learned peer groups', () => {
  it('groups identities that use the same applications, leaving loners ungrouped', () => {
    const rig = groupedPopulation({ config: { learned: { min_group_size: 3 } } });
    const finance = rig.peers.groupOf(FINANCE[0])!;
    const engineering = rig.peers.groupOf(ENGINEERING[0])!;
    expect(FINANCE.map((id) => rig.peers.groupOf(id))).toEqual(FINANCE.map(() => finance));
    expect(ENGINEERING.map((id) => rig.peers.groupOf(id))).toEqual(ENGINEERING.map(() => engineering));
    expect(finance).not.toBe(engineering);
    expect(finance.label).toBe('learned group of 5 identities');
    expect(rig.peers.groupOf(SALES[0])?.members).toBe(4);
    expect(rig.peers.groupOf(LONER)).toBeUndefined();
  });

  it('drops groups smaller than min_group_size', () => {
    const rig = groupedPopulation({ config: { learned: { min_group_size: 5 } } });
    expect(rig.peers.groupOf(FINANCE[0])?.members).toBe(5);
    expect(rig.peers.groupOf(SALES[0])).toBeUndefined();
  });

  it('regroups at the first event after a restart from a checkpoint', () => {
    const before = groupedPopulation({ config: { learned: { min_group_size: 3 } } });
    const after = peerRig({ config: { learned: { min_group_size: 3 } } });
    after.store.restore(JSON.parse(JSON.stringify(before.store.snapshot())));
    expect(after.peers.groupOf(FINANCE[0])).toBeUndefined();
    after.analyzer.analyze(ordinaryDays({ [SALES[0]]: ['crm'] }, 1, 1)[0]);
    expect(labelsOf(after, FINANCE)).toEqual(FINANCE.map(() => 'learned group of 5 identities'));
  });

  it('is off when learned.enabled is false', () => {
    const rig = groupedPopulation({ config: { learned: { enabled: false } } });
    expect(rig.peers.groupOf(FINANCE[0])).toBeUndefined();
  });

  it('clusters deterministically whatever order identities arrive in', () => {
    const sets = [
      { identity: 'a', apps: ['crm', 'mail'] },
      { identity: 'b', apps: ['crm', 'mail', 'zoom'] },
      { identity: 'c', apps: ['github', 'jira'] },
      { identity: 'd', apps: ['github', 'jira', 'mail'] },
      { identity: 'e', apps: ['crm', 'mail'] },
      { identity: 'f', apps: ['github', 'jira'] },
    ];
    const forward = learnGroups(sets, 0.5, 2, 100);
    const backward = learnGroups([...sets].reverse(), 0.5, 2, 100);
    const partition = (grouping: ReturnType<typeof learnGroups>) =>
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => grouping.groupOf.get(id));
    expect(partition(forward)).toEqual(partition(backward));
    expect(partition(forward)).toEqual([0, 0, 1, 1, 0, 1]);
  });

  it('measures similarity as Jaccard over application sets', () => {
    expect(jaccard(['crm', 'mail'], ['crm', 'mail', 'zoom'])).toBeCloseTo(2 / 3);
    expect(jaccard(['erp', 'mail', 'payroll'], ['github', 'jira', 'mail'])).toBeCloseTo(1 / 5);
    expect(jaccard([], [])).toBe(0);
  });
});
