import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/risk/decisions.js';
import { EnforcementTable } from '../../src/signals/enforcement.js';
import { loadOrCreateSigningKey } from '../../src/signals/keys.js';
import { Outbox } from '../../src/signals/outbox.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'vigil-outbox-'));

describe('the durable outbox', () => {
  it('survives a restart with exactly the undelivered SETs, in order', () => {
    const dir = freshDir();
    const outbox = new Outbox({ dir, name: 'r' });
    for (const jti of ['a', 'b', 'c']) outbox.enqueue(jti, { jti });
    outbox.ack('a');
    outbox.sync();
    outbox.close();
    const reopened = new Outbox({ dir, name: 'r' });
    expect(reopened.peek(10).map((e) => e.jti)).toEqual(['b', 'c']);
    reopened.close();
  });

  it('drops a SET enqueued again, whether still pending or already delivered', () => {
    const dir = freshDir();
    const outbox = new Outbox({ dir, name: 'r' });
    expect(outbox.enqueue('a', {})).toBe(true);
    expect(outbox.enqueue('a', {})).toBe(false);
    outbox.ack('a');
    outbox.close();
    const reopened = new Outbox({ dir, name: 'r' });
    expect(reopened.enqueue('a', {})).toBe(false);
    expect(reopened.size).toBe(0);
    reopened.close();
  });

  it('compacts its journal and still remembers what it delivered', () => {
    const dir = freshDir();
    const outbox = new Outbox({ dir, name: 'r', compactAfterLines: 10 });
    for (let i = 0; i < 20; i++) {
      outbox.enqueue(`j${i}`, { i });
      if (i % 2 === 0) outbox.ack(`j${i}`);
    }
    outbox.close();
    expect(readFileSync(outbox.path, 'utf8').split('\n').length).toBeLessThan(40);
    const reopened = new Outbox({ dir, name: 'r' });
    expect(reopened.size).toBe(10);
    expect(reopened.enqueue('j0', {})).toBe(false);
    reopened.close();
  });
});

describe('the signing key', () => {
  it('is created once and reused across restarts (same kid)', async () => {
    const dir = freshDir();
    const first = await loadOrCreateSigningKey(dir);
    const second = await loadOrCreateSigningKey(dir);
    expect(second.kid).toBe(first.kid);
    expect(first.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect('d' in first.publicJwk).toBe(false);
  });
});

describe('the enforcement table', () => {
  const decision = (action: DecisionRecord['action'], time: number): DecisionRecord =>
    ({
      id: `d-${action}`,
      time,
      identity: 'ann@example.com',
      action,
      mode: 'enforce',
      rule: `r-${action}`,
      reason: action,
      hold_ms: 60_000,
    }) as DecisionRecord;

  it('answers with the strongest action in force, and forgets it when the hold ends', () => {
    let now = 1_000_000;
    const table = new EnforcementTable(() => now);
    table.apply([decision('step_up', 0), decision('revoke_sessions', 0)]);
    expect(table.check('ann@example.com').verdict).toBe('deny');
    expect(table.check('bob@example.com').verdict).toBe('allow');
    now += 60_001;
    expect(table.check('ann@example.com').verdict).toBe('allow');
  });

  it('lets a session authenticated after a revoke or step-up through, never a quarantine', () => {
    const table = new EnforcementTable(() => 0);
    table.apply([decision('revoke_sessions', 10_000)]);
    expect(table.check('ann@example.com', 5).verdict).toBe('deny');
    expect(table.check('ann@example.com', 11).verdict).toBe('allow');
    table.apply([decision('quarantine_workload', 10_000)]);
    expect(table.check('ann@example.com', 11).verdict).toBe('deny');
  });

  it('ignores dry-run and allowlisted decisions', () => {
    const table = new EnforcementTable(() => 0);
    table.apply([{ ...decision('revoke_sessions', 0), mode: 'dry_run' }]);
    expect(table.check('ann@example.com').verdict).toBe('allow');
  });
});
