import { describe, expect, it } from 'vitest';
import { decodeAll, decodeOne, fixtures, rejectionOf } from '../support/fixtures.js';

const entra = fixtures('entra');

describe('Entra ID sign-in logs (Graph signIn)', () => {
  it('maps a failed password sign-in field by field, with the provider risk', () => {
    expect(decodeOne('entra', entra.graphSignInFailure)).toEqual({
      kind: 'auth',
      id: '66ea54eb-6301-4ee5-be62-ff5a759b8100',
      time: Date.UTC(2026, 0, 5, 9),
      identity: 'alice@example.com',
      identity_type: 'user',
      action: 'sign_in',
      outcome: 'failure',
      reason: '50126: Invalid username or password or Invalid on-premise username or password.',
      auth_method: 'password',
      src_ip: '2001:db8::7',
      geo: { country: 'US', city: 'Redmond', lat: 47.68, lon: -122.12 },
      device: { managed: false, compliant: false, os: 'Windows 10' },
      application: 'Office 365 Exchange Online',
      provider_risk: 'high',
    });
  });

  it('maps a declined push (500121) to a denied MFA event; a +01:00 time becomes UTC; empty geo is left out', () => {
    const event = decodeOne('entra', entra.graphMfaDenied);
    expect(event).toMatchObject({
      action: 'mfa',
      outcome: 'failure',
      mfa_factor: 'push',
      mfa_result: 'denied',
      src_ip: '10.0.0.5',
      time: Date.UTC(2026, 0, 5, 8, 2),
      device: {
        id: 'c5d2e1f0-1111-2222-3333-444455556666',
        managed: true,
        compliant: true,
        trust_type: 'Azure AD joined',
        os: 'Windows 10',
      },
    });
    expect(event).not.toHaveProperty('geo');
  });

  it('maps a service principal sign-in to a service account identity', () => {
    expect(decodeOne('entra', entra.graphServicePrincipal)).toMatchObject({
      identity: 'billing-sync',
      identity_type: 'service_account',
      action: 'sign_in',
      outcome: 'success',
    });
  });
});

describe('Entra ID audit logs (Graph directoryAudit)', () => {
  it('maps "Add member to role" to role_added with the role from modifiedProperties', () => {
    expect(decodeOne('entra', entra.graphAuditRole)).toEqual({
      kind: 'account',
      id: 'Directory_2a1b3c4d_ABCDE_12345',
      time: Date.UTC(2026, 0, 5, 11),
      identity: 'bob@example.com',
      identity_type: 'user',
      change: 'role_added',
      actor: 'admin@example.com',
      actor_type: 'user',
      outcome: 'success',
      role: 'Global Administrator',
      src_ip: '198.51.100.20',
    });
  });

  it('dead-letters an activity it does not map', () => {
    expect(rejectionOf('entra', entra.graphAuditUnknown)).toMatchObject({ code: 'unsupported_event_type' });
  });
});

describe('Azure Monitor diagnostic export ({"records":[...]})', () => {
  it('yields one result per record: a sign-in, a credential added, and a dead letter for another category', () => {
    const results = decodeAll('entra', entra.monitorExport);
    expect(results).toHaveLength(3);
    const [signIn, credential, provisioning] = results;
    expect(signIn.ok && signIn.value).toMatchObject({
      kind: 'auth',
      id: '99aa11bb-0000-4000-8000-000000000001',
      identity: 'alice@example.com',
      action: 'sign_in',
      outcome: 'success',
      mfa_factor: 'push',
      mfa_result: 'success',
      application: 'Microsoft Teams',
      geo: { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405 },
    });
    expect(credential.ok && credential.value).toMatchObject({
      kind: 'account',
      change: 'credential_added',
      identity: 'billing-sync',
      identity_type: 'service_account',
      actor: 'admin@example.com',
    });
    expect(provisioning.ok).toBe(false);
    if (!provisioning.ok) {
      expect(provisioning.code).toBe('unsupported_event_type');
      expect(provisioning.field).toBe('/records/2/category');
    }
  });

  it('dead-letters an empty container rather than dropping it silently', () => {
    expect(decodeAll('entra', { records: [] })).toEqual([
      expect.objectContaining({ ok: false, code: 'schema' }),
    ]);
  });
});
