/**
 * The simulated identity directory: every user has a department, a title
 * and a manager, and the file `vigil simulate --directory-out` writes reads
 * back as a peers directory without problems. The peer scenarios are known
 * but not injected by default.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/peers/directory.js';
import { simulatedDirectory, writeDirectory } from '../../src/simulator/directory.js';
import { CONTEXT_SCENARIOS, DEFAULT_SCENARIOS, simulate } from '../../src/simulator/index.js';
import { DEPARTMENTS } from '../../src/simulator/population.js';

const OPTIONS = { seed: 3, events: 3_000, users: 40 };

describe('simulated directory', () => {
  it('gives every user a department, title and a manager who heads that department', () => {
    const rows = simulatedDirectory(OPTIONS);
    expect(rows).toHaveLength(40);
    const byIdentity = new Map(rows.map((row) => [row.identity, row]));
    const departments = new Set(rows.map((row) => row.department));
    expect([...departments].sort()).toEqual(DEPARTMENTS.map((d) => d.name).sort());
    for (const row of rows.slice(DEPARTMENTS.length)) {
      const manager = byIdentity.get(row.manager!)!;
      expect(manager.department).toBe(row.department);
      expect(manager.title).toBe(`Head of ${row.department}`);
    }
    expect(rows[0].manager).toBeUndefined();
  });

  it('names the users the simulated events come from', () => {
    const rows = new Set(simulatedDirectory(OPTIONS).map((row) => row.identity));
    const users = new Set<string>();
    for (const { event } of simulate({ ...OPTIONS, attacks: false })) {
      if (event.identity_type === 'user' && event.kind === 'auth') users.add(event.identity);
    }
    expect(users.size).toBeGreaterThan(20);
    for (const user of users) expect(rows.has(user)).toBe(true);
  });

  it.each(['people.csv', 'people.json', 'people.ndjson'])(
    'writes %s that reads back without problems',
    (name) => {
      const path = join(mkdtempSync(join(tmpdir(), 'vigil-simdir-')), name);
      expect(writeDirectory(path, OPTIONS)).toBe(40);
      const directory = loadDirectory(path);
      expect(directory.problems).toEqual([]);
      expect(directory.entries.size).toBe(40);
      const first = simulatedDirectory(OPTIONS)[7];
      expect(directory.entries.get(first.identity)?.attributes).toEqual({
        department: first.department,
        title: first.title,
        manager: first.manager,
      });
    },
  );

  it('knows the peer scenarios without injecting them by default', () => {
    expect(CONTEXT_SCENARIOS).toEqual(expect.arrayContaining(['peer_anomalous_access', 'data_hoarding']));
    expect(DEFAULT_SCENARIOS).not.toContain('peer_anomalous_access');
    expect(DEFAULT_SCENARIOS).not.toContain('data_hoarding');
  });
});
