import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/events/decode.js';
import { inputFormat } from '../../src/events/formats/index.js';
import { authEvent, serviceEvent } from '../support/events.js';

const NOW = Date.UTC(2026, 5, 1);
const ocsf = inputFormat('ocsf');
const canonical = inputFormat('canonical');
const decodeOcsf = (record: object) => decodeRecord(JSON.stringify(record), ocsf, NOW);

const ocsfLogon = {
  class_uid: 3002,
  category_uid: 3,
  activity_id: 1,
  type_uid: 300201,
  time: Date.UTC(2026, 0, 5, 9),
  metadata: { uid: 'evt-1', version: '1.1.0' },
  user: { name: 'alice@example.com', uid: 'u-1', type_id: 1 },
  status_id: 2,
  status_detail: 'invalid_password',
  is_mfa: false,
  auth_protocol: 'SAML',
  src_endpoint: {
    ip: '198.51.100.7',
    location: { country: 'DE', city: 'Berlin', coordinates: [13.405, 52.52] },
    autonomous_system: { number: 3320, name: 'DTAG' },
  },
  device: { uid: 'dev-9', is_managed: true, is_compliant: false, os: { name: 'Windows' } },
  http_request: { user_agent: 'Mozilla/5.0' },
  service: { name: 'mail' },
  session: { uid: 'sess-1' },
};

describe('OCSF Authentication (3002)', () => {
  it('maps a failed logon field by field', () => {
    const result = decodeOcsf(ocsfLogon);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({
      kind: 'auth',
      id: 'evt-1',
      time: Date.UTC(2026, 0, 5, 9),
      identity: 'alice@example.com',
      identity_type: 'user',
      action: 'sign_in',
      outcome: 'failure',
      reason: 'invalid_password',
      auth_method: 'SAML',
      src_ip: '198.51.100.7',
      geo: { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405 },
      asn: 3320,
      device: { id: 'dev-9', managed: true, compliant: false, os: 'Windows' },
      user_agent: 'Mozilla/5.0',
      application: 'mail',
      session_id: 'sess-1',
    });
  });

  it('falls back to user.uid and dst_endpoint.svc_name', () => {
    const { service: _s, ...rest } = ocsfLogon;
    const result = decodeOcsf({ ...rest, user: { uid: 'u-77' }, dst_endpoint: { svc_name: 'vpn' } });
    expect(result.ok && result.value.identity).toBe('u-77');
    expect(result.ok && result.value.kind === 'auth' && result.value.application).toBe('vpn');
  });

  it('maps logoff and ticket activities', () => {
    const logoff = decodeOcsf({ ...ocsfLogon, activity_id: 2, status_id: 1 });
    const ticket = decodeOcsf({ ...ocsfLogon, activity_id: 3, status_id: 1 });
    expect(logoff.ok && logoff.value.kind === 'auth' && logoff.value.action).toBe('logoff');
    expect(ticket.ok && ticket.value.kind === 'auth' && ticket.value.action).toBe('ticket');
  });

  it('reads an MFA push denial from auth_factors and status', () => {
    const result = decodeOcsf({
      ...ocsfLogon,
      activity_id: 99,
      activity_name: 'mfa',
      is_mfa: true,
      status_id: 2,
      status_detail: 'denied by user',
      auth_factors: [{ factor_type: 'Push Notification' }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'auth') return;
    expect(result.value.action).toBe('mfa');
    expect(result.value.mfa_factor).toBe('push');
    expect(result.value.mfa_result).toBe('denied');
    expect(result.value.outcome).toBe('failure');
  });

  it('rejects an unknown status with the field named', () => {
    const result = decodeOcsf({ ...ocsfLogon, status_id: 0 });
    expect(result).toMatchObject({ ok: false, field: '/status_id' });
  });

  it('rejects a missing identity', () => {
    const result = decodeOcsf({ ...ocsfLogon, user: {} });
    expect(result).toMatchObject({ ok: false, field: '/identity' });
  });
});

describe('OCSF HTTP Activity (4002)', () => {
  const request = {
    class_uid: 4002,
    activity_id: 3,
    time: Date.UTC(2026, 0, 5, 10),
    metadata: { uid: 'http-1' },
    src_endpoint: { svc_name: 'spiffe://example.com/ns/shop/sa/checkout', ip: '10.1.2.3' },
    dst_endpoint: { svc_name: 'payments.shop.svc' },
    http_request: { http_method: 'GET', url: { path: '/v1/payments/{id}' } },
    http_response: { code: 403 },
    traffic: { bytes_in: 120, bytes_out: 5400 },
    duration: 12,
    actor: { user: { name: 'bob@example.com' } },
  };

  it('maps a request field by field', () => {
    const result = decodeOcsf(request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({
      kind: 'service',
      id: 'http-1',
      time: Date.UTC(2026, 0, 5, 10),
      identity: 'spiffe://example.com/ns/shop/sa/checkout',
      identity_type: 'workload',
      destination: 'payments.shop.svc',
      method: 'GET',
      route: '/v1/payments/{id}',
      status: 403,
      bytes_in: 120,
      bytes_out: 5400,
      latency_ms: 12,
      end_user: 'bob@example.com',
      src_ip: '10.1.2.3',
    });
  });

  it('rejects an unsupported class with a reason', () => {
    const result = decodeOcsf({ ...request, class_uid: 1001 });
    expect(result).toMatchObject({ ok: false, code: 'unsupported_class', field: '/class_uid' });
  });
});

describe('canonical JSON', () => {
  it('accepts a canonical auth event unchanged', () => {
    const event = authEvent();
    const result = decodeRecord(JSON.stringify(event), canonical, NOW);
    expect(result).toEqual({ ok: true, value: event });
  });

  it('accepts an ISO time and defaults the identity type', () => {
    const { identity_type: _t, ...event } = serviceEvent();
    const result = decodeRecord(JSON.stringify({ ...event, time: '2026-01-05T10:00:00Z' }), canonical, NOW);
    expect(result.ok && result.value.time).toBe(Date.UTC(2026, 0, 5, 10));
    expect(result.ok && result.value.identity_type).toBe('workload');
  });

  it.each([
    ['not JSON', '{"kind": "auth",', 'not_json', '/'],
    ['a JSON array', '[1,2]', 'schema', '/'],
    ['an unknown kind', JSON.stringify({ ...authEvent(), kind: 'dns' }), 'schema', '/kind'],
    ['a missing identity', JSON.stringify({ ...authEvent(), identity: undefined }), 'schema', '/identity'],
    ['a wrong type', JSON.stringify({ ...authEvent(), asn: 'AS3320' }), 'schema', '/asn'],
    [
      'an absurd latitude',
      JSON.stringify({ ...authEvent(), geo: { lat: 123, lon: 0 } }),
      'schema',
      '/geo/lat',
    ],
    ['a time in 1970', JSON.stringify({ ...authEvent(), time: 5 }), 'schema', '/time'],
    [
      'a time far in the future',
      JSON.stringify({ ...authEvent(), time: NOW + 3 * 86_400_000 }),
      'time_skew',
      '/time',
    ],
    ['negative bytes', JSON.stringify({ ...serviceEvent(), bytes_out: -1 }), 'schema', '/bytes_out'],
    ['an oversized record', JSON.stringify({ ...authEvent(), reason: 'x'.repeat(70_000) }), 'oversized', '/'],
    ['an unknown field', JSON.stringify({ ...authEvent(), password: 'hunter2' }), 'schema', '/password'],
  ])('rejects %s with a field-level reason', (_name, raw, code, field) => {
    const result = decodeRecord(raw, canonical, NOW);
    expect(result).toMatchObject({ ok: false, code, field });
    expect(result.ok === false && result.message.length).toBeGreaterThan(3);
  });
});
