import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/events/decode.js';
import { inputFormat } from '../../src/events/formats/index.js';
import { toOcsf } from '../../src/simulator/ocsf-encode.js';
import { accountEvent } from '../support/events.js';
import { NOW } from '../support/fixtures.js';

const decode = (format: string, record: unknown) =>
  decodeRecord(JSON.stringify(record), inputFormat(format), NOW);

describe('account events (canonical)', () => {
  it('accepts an account change and fills the identity type', () => {
    const { identity_type: _type, ...event } = accountEvent({
      id: 'acc-1',
      change: 'role_added',
      role: 'Global Administrator',
    });
    const result = decode('canonical', { ...event, time: '2026-01-20T10:00:00Z' });
    expect(result.ok && result.value).toMatchObject({
      kind: 'account',
      id: 'acc-1',
      identity_type: 'user',
      change: 'role_added',
      time: Date.UTC(2026, 0, 20, 10),
    });
  });

  it('rejects an unknown change and an unknown field, naming the field', () => {
    const unknownChange = decode('canonical', { ...accountEvent(), change: 'promoted' });
    expect(unknownChange.ok || unknownChange.field).toBe('/change');
    const typo = decode('canonical', { ...accountEvent(), grup: 'Finance' });
    expect(typo.ok).toBe(false);
  });
});

describe('account events (OCSF Account Change 3001, Group Management 3006)', () => {
  it('reads back every change the OCSF encoder writes', () => {
    const changes = [
      'created',
      'enabled',
      'disabled',
      'deleted',
      'password_changed',
      'password_reset',
      'mfa_enrolled',
      'mfa_reset',
      'mfa_removed',
      'group_added',
      'group_removed',
      'role_added',
      'role_removed',
      'credential_added',
      'consent_granted',
    ] as const;
    for (const change of changes) {
      const event = accountEvent({
        change,
        group: change.startsWith('group') ? 'Finance' : undefined,
        role: change.startsWith('role') ? 'Global Administrator' : undefined,
      });
      const result = decode('ocsf', toOcsf(event));
      expect(result.ok && result.value).toEqual(event);
    }
  });
});
