import { describe, expect, it } from 'vitest';
import { decodeOne, fixtures, rejectionOf } from '../support/fixtures.js';

const okta = fixtures('okta');

describe('Okta System Log input', () => {
  it('maps a failed user.session.start field by field', () => {
    expect(decodeOne('okta', okta.sessionStartFailure)).toEqual({
      kind: 'auth',
      id: '2b9c8d0e-7f1a-11f0-9c1a-1f6e2c3d4b5a',
      time: Date.UTC(2026, 0, 5, 9, 0, 0, 123),
      identity: 'alice@example.com',
      identity_type: 'user',
      action: 'sign_in',
      outcome: 'failure',
      reason: 'INVALID_CREDENTIALS',
      src_ip: '198.51.100.7',
      geo: { country: 'Germany', city: 'Berlin', lat: 52.52, lon: 13.405 },
      asn: 3320,
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      session_id: '102abcSessionX',
    });
  });

  it('maps an MFA push success, normalising an IPv4-mapped IPv6 address, without inventing geo', () => {
    const event = decodeOne('okta', okta.mfaPush);
    expect(event).toMatchObject({
      action: 'mfa',
      outcome: 'success',
      mfa_factor: 'push',
      mfa_result: 'success',
      src_ip: '10.0.0.5',
      session_id: '102abcSessionX',
    });
    expect(event).not.toHaveProperty('geo');
  });

  it('maps a denied Okta Verify push as a denied MFA event', () => {
    expect(decodeOne('okta', okta.denyPush)).toMatchObject({
      action: 'mfa',
      outcome: 'failure',
      mfa_result: 'denied',
      src_ip: '203.0.113.50',
    });
  });

  it('maps a push being sent as an MFA event without a result', () => {
    const event = decodeOne('okta', okta.sendPush);
    expect(event).toMatchObject({ action: 'mfa', outcome: 'success', reason: 'push_sent' });
    expect(event).not.toHaveProperty('mfa_result');
  });

  it('maps user.session.end to a logoff and token grants to token events', () => {
    expect(decodeOne('okta', okta.sessionEnd)).toMatchObject({
      action: 'logoff',
      session_id: '102abcSessionX',
    });
    expect(decodeOne('okta', okta.refreshToken)).toMatchObject({
      action: 'token_refresh',
      token_id: 'rt.abc123',
      application: 'CRM',
    });
  });

  it('treats a client-credentials grant by an app as a service account', () => {
    expect(decodeOne('okta', okta.clientCredentials)).toMatchObject({
      identity: 'billing-sync',
      identity_type: 'service_account',
      action: 'token_issue',
      token_id: 'AT.xyz789',
    });
  });

  it('maps a privilege grant to an account event naming actor, target and role', () => {
    expect(decodeOne('okta', okta.privilegeGrant)).toEqual({
      kind: 'account',
      id: '92635475-7f1a-11f0-9c1a-1f6e2c3d4b5a',
      time: Date.UTC(2026, 0, 5, 11),
      identity: 'bob@example.com',
      identity_type: 'user',
      change: 'role_added',
      actor: 'admin@example.com',
      actor_type: 'user',
      outcome: 'success',
      role: 'Super administrator, Read-only administrator',
      src_ip: '198.51.100.20',
    });
  });

  it('maps group membership and factor resets to account events', () => {
    expect(decodeOne('okta', okta.groupAdd)).toMatchObject({
      kind: 'account',
      change: 'group_added',
      identity: 'bob@example.com',
      group: 'Finance',
    });
    expect(decodeOne('okta', okta.factorReset)).toMatchObject({
      kind: 'account',
      change: 'mfa_reset',
      identity: 'alice@example.com',
      actor: 'admin@example.com',
    });
  });

  it('dead-letters an eventType it does not map as unsupported_event_type', () => {
    expect(rejectionOf('okta', okta.unknownType)).toMatchObject({
      code: 'unsupported_event_type',
      field: '/eventType',
    });
  });

  it('falls back to a content hash when the uuid is missing, stable across runs', () => {
    const { uuid: _uuid, ...rest } = okta.sessionEnd;
    const first = decodeOne('okta', rest);
    expect(first.id).toMatch(/^okta:[0-9a-f]{32}$/);
    expect(decodeOne('okta', rest).id).toBe(first.id);
  });
});
