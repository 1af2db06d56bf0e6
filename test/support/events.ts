/**
 * Small builders for canonical events in tests: sensible defaults for a
 * person signing in from home and a workload calling a known service, with
 * any field overridable.
 */
import type { AccountEvent, AuthEvent, ServiceEvent } from '../../src/events/schema.js';

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(++counter).toString(16).padStart(6, '0')}`;

/** Monday 2026-01-05 00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const BERLIN = { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405, accuracy_km: 25 };
export const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093, accuracy_km: 25 };
export const MUNICH = { country: 'DE', city: 'Munich', lat: 48.137, lon: 11.575, accuracy_km: 25 };

export function authEvent(overrides: Partial<AuthEvent> = {}): AuthEvent {
  return {
    kind: 'auth',
    id: nextId('a'),
    time: T0 + 9 * HOUR,
    identity: 'alice@example.com',
    identity_type: 'user',
    action: 'sign_in',
    outcome: 'success',
    auth_method: 'password',
    src_ip: '198.51.100.10',
    geo: BERLIN,
    asn: 3320,
    device: { id: 'dev-alice-laptop', managed: true, compliant: true, os: 'macOS' },
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
    application: 'mail',
    session_id: nextId('s'),
    ...overrides,
  };
}

export function serviceEvent(overrides: Partial<ServiceEvent> = {}): ServiceEvent {
  return {
    kind: 'service',
    id: nextId('w'),
    time: T0 + 9 * HOUR,
    identity: 'spiffe://example.com/ns/shop/sa/checkout',
    identity_type: 'workload',
    destination: 'payments.shop.svc',
    method: 'POST',
    route: '/v1/payments',
    status: 200,
    bytes_in: 800,
    bytes_out: 1200,
    latency_ms: 35,
    mtls_verified: true,
    ...overrides,
  };
}

/**
 * A mature, ordinary history: `days` weekdays-and-weekends of sign-ins at
 * office hours (09:00–17:00 UTC), from the same device, address and network.
 */
export function officeHistory(days = 14, perDay = 4, overrides: Partial<AuthEvent> = {}): AuthEvent[] {
  const events: AuthEvent[] = [];
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < perDay; i++) {
      const time = T0 + day * DAY + 9 * HOUR + Math.floor((i * 8 * HOUR) / perDay);
      events.push(authEvent({ time, application: i % 2 === 0 ? 'mail' : 'crm', ...overrides }));
    }
  }
  return events;
}

/** A mature workload history: regular calls on the usual edges for `days` days. */
export function workloadHistory(
  days = 7,
  perHour = 2,
  overrides: Partial<ServiceEvent> = {},
): ServiceEvent[] {
  const events: ServiceEvent[] = [];
  const edges = [
    { destination: 'payments.shop.svc', method: 'POST', route: '/v1/payments', bytes_out: 1200 },
    { destination: 'inventory.shop.svc', method: 'GET', route: '/v1/items/{id}', bytes_out: 4000 },
    { destination: 'users.shop.svc', method: 'GET', route: '/v1/users/{id}', bytes_out: 900 },
  ];
  for (let hour = 0; hour < days * 24; hour++) {
    for (let i = 0; i < perHour; i++) {
      const edge = edges[(hour + i) % edges.length];
      const jitter = 1 + 0.2 * Math.sin(hour * 7 + i);
      events.push(
        serviceEvent({
          time: T0 + hour * HOUR + Math.floor((i * HOUR) / perHour),
          ...edge,
          bytes_out: Math.round(edge.bytes_out * jitter),
          ...overrides,
        }),
      );
    }
  }
  return events;
}

export const NEW_YORK = { country: 'US', city: 'New York', lat: 40.7128, lon: -74.006, accuracy_km: 25 };
export const FRANKFURT = { country: 'DE', city: 'Frankfurt', lat: 50.1109, lon: 8.6821, accuracy_km: 25 };

/** Epoch ms of `day` days after T0 (a Monday) at `hours` (fractional) UTC. */
export const at = (day: number, hours: number): number => T0 + day * DAY + Math.round(hours * HOUR);

/** A sign-in that failed, e.g. a typo or one guess of a spray. */
export function failedSignIn(overrides: Partial<AuthEvent> = {}): AuthEvent {
  return authEvent({ outcome: 'failure', reason: 'invalid_password', session_id: undefined, ...overrides });
}

/** The answer to one MFA push: success, denied, timeout or failure. */
export function mfaEvent(
  result: NonNullable<AuthEvent['mfa_result']>,
  overrides: Partial<AuthEvent> = {},
): AuthEvent {
  return authEvent({
    action: 'mfa',
    mfa_factor: 'push',
    mfa_result: result,
    outcome: result === 'success' ? 'success' : 'failure',
    session_id: undefined,
    ...overrides,
  });
}

/** An account change: by default an admin adding alice to an ordinary group. */
export function accountEvent(overrides: Partial<AccountEvent> = {}): AccountEvent {
  return {
    kind: 'account',
    id: nextId('c'),
    time: T0 + 15 * DAY + 10 * HOUR,
    identity: 'alice@example.com',
    identity_type: 'user',
    change: 'group_added',
    actor: 'admin@example.com',
    actor_type: 'user',
    outcome: 'success',
    group: 'Finance',
    src_ip: '198.51.100.20',
    ...overrides,
  };
}
