/**
 * OCSF (Open Cybersecurity Schema Framework) input: Authentication
 * (class_uid 3002) and HTTP Activity (class_uid 4002) mapped onto canonical
 * auth and service events. Field names follow the OCSF 1.x schema
 * (schema.ocsf.io); the mapping is documented in docs/formats.md.
 */
import { ACCOUNT_CHANGES, type AccountChange, type AuthAction, type MfaResult } from '../schema.js';
import { reject } from '../validate.js';
import type { InputFormat } from './types.js';
import { asObject, compact, type Json } from './vendor-fields.js';

// OCSF is typed JSON: unlike the vendor readers, a value of the wrong JSON type is absent, not coerced.
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const asBoolean = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

const TOKEN_ACTIVITIES: Record<string, AuthAction> = {
  token_issue: 'token_issue',
  token_refresh: 'token_refresh',
  token_use: 'token_use',
  mfa: 'mfa',
};

function authAction(activityId: unknown, activityName: string | undefined, hasFactors: boolean): AuthAction {
  switch (activityId) {
    case 1:
      return 'sign_in';
    case 2:
      return 'logoff';
    case 3:
    case 4:
    case 5:
      return 'ticket';
  }
  const named = activityName ? TOKEN_ACTIVITIES[activityName.toLowerCase()] : undefined;
  if (named) return named;
  if (activityName && /mfa|factor|verify/i.test(activityName)) return 'mfa';
  return hasFactors ? 'mfa' : 'sign_in';
}

const FACTOR_NAMES: Array<[RegExp, string]> = [
  [/push/i, 'push'],
  [/sms/i, 'sms'],
  [/totp|one.?time|otp/i, 'totp'],
  [/webauthn|fido|security key|u2f/i, 'webauthn'],
  [/voice|call/i, 'voice'],
  [/email/i, 'email'],
];

function factorName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  for (const [pattern, name] of FACTOR_NAMES) if (pattern.test(raw)) return name;
  return raw.toLowerCase().slice(0, 64);
}

function mfaResult(success: boolean, detail: string | undefined): MfaResult {
  if (success) return 'success';
  if (detail && /deni|reject/i.test(detail)) return 'denied';
  if (detail && /timeout|timed out|expired/i.test(detail)) return 'timeout';
  return 'failure';
}

/** OCSF `device.agent_list`: an agent of type_id 1 (Endpoint Detection and Response) listed means EDR is active. */
function edrStatus(agents: unknown): string | undefined {
  if (!Array.isArray(agents)) return undefined;
  return agents.some((agent) => asObject(agent)?.type_id === 1) ? 'active' : 'missing';
}

function commonFields(record: Json) {
  const metadata = asObject(record.metadata);
  return { id: asString(metadata?.uid), time: record.time };
}

function mapAuthentication(record: Json) {
  const user = asObject(record.user);
  const src = asObject(record.src_endpoint);
  const location = asObject(src?.location);
  const coordinates = Array.isArray(location?.coordinates) ? (location.coordinates as unknown[]) : undefined;
  const device = asObject(record.device);
  const factors = Array.isArray(record.auth_factors) ? (record.auth_factors as unknown[]) : undefined;
  const firstFactor = asObject(factors?.[0]);
  const statusId = record.status_id;
  if (statusId !== 1 && statusId !== 2) {
    return reject('schema', '/status_id', 'status_id must be 1 (success) or 2 (failure)');
  }
  const success = statusId === 1;
  const detail = asString(record.status_detail);
  const action = authAction(record.activity_id, asString(record.activity_name), firstFactor !== undefined);
  const isMfa = action === 'mfa';
  const geo =
    location &&
    compact({
      country: asString(location.country),
      city: asString(location.city),
      lon: asNumber(coordinates?.[0]),
      lat: asNumber(coordinates?.[1]),
    });
  const posture =
    device &&
    compact({
      id: asString(device.uid),
      managed: asBoolean(device.is_managed),
      compliant: asBoolean(device.is_compliant),
      os: asString(asObject(device.os)?.name),
      os_version: asString(asObject(device.os)?.version),
      edr: edrStatus(device.agent_list),
    });
  const session = asObject(record.session);
  const userTypeId = user?.type_id;
  return {
    ok: true as const,
    value: compact({
      kind: 'auth',
      ...commonFields(record),
      identity: asString(user?.name) ?? asString(user?.uid),
      identity_type: userTypeId === 3 ? 'service_account' : 'user',
      action,
      outcome: success ? 'success' : 'failure',
      reason: detail,
      auth_method: asString(record.auth_protocol),
      mfa_factor: factorName(asString(firstFactor?.factor_type)),
      mfa_result: isMfa ? mfaResult(success, detail) : undefined,
      src_ip: asString(src?.ip),
      geo: geo && Object.keys(geo).length > 0 ? geo : undefined,
      asn: asNumber(asObject(src?.autonomous_system)?.number),
      device: posture && Object.keys(posture).length > 0 ? posture : undefined,
      user_agent: asString(asObject(record.http_request)?.user_agent),
      application:
        asString(asObject(record.service)?.name) ?? asString(asObject(record.dst_endpoint)?.svc_name),
      session_id: asString(session?.uid),
      token_id: asString(session?.credential_uid),
      // Volume of an app event, when the source reports it (per-user data movement, docs/peers.md).
      bytes_in: asNumber(asObject(record.traffic)?.bytes_in),
      bytes_out: asNumber(asObject(record.traffic)?.bytes_out),
    }),
  };
}

function mapHttpActivity(record: Json) {
  const request = asObject(record.http_request);
  const traffic = asObject(record.traffic);
  const src = asObject(record.src_endpoint);
  const actorUser = asObject(asObject(record.actor)?.user);
  const unmapped = asObject(record.unmapped);
  return {
    ok: true as const,
    value: compact({
      kind: 'service',
      ...commonFields(record),
      identity: asString(src?.svc_name),
      identity_type: 'workload',
      destination: asString(asObject(record.dst_endpoint)?.svc_name),
      method: asString(request?.http_method),
      route: asString(asObject(request?.url)?.path),
      status: asNumber(asObject(record.http_response)?.code),
      bytes_in: asNumber(traffic?.bytes_in) ?? 0,
      bytes_out: asNumber(traffic?.bytes_out) ?? 0,
      latency_ms: asNumber(record.duration) ?? 0,
      mtls_verified: asBoolean(unmapped?.mtls_verified),
      end_user: asString(actorUser?.name),
      src_ip: asString(src?.ip),
    }),
  };
}

/** OCSF Account Change (3001) activity_id → change; Group Management (3006) 3/4 add/remove user. */
const ACCOUNT_ACTIVITIES: Record<number, AccountChange> = {
  1: 'created',
  2: 'enabled',
  3: 'password_changed',
  4: 'password_reset',
  5: 'disabled',
  6: 'deleted',
  7: 'role_added',
  8: 'role_removed',
  10: 'mfa_enrolled',
  11: 'mfa_removed',
};

function accountChange(record: Json): AccountChange | undefined {
  if (record.class_uid === 3006) {
    return record.activity_id === 3 ? 'group_added' : record.activity_id === 4 ? 'group_removed' : undefined;
  }
  const known = typeof record.activity_id === 'number' ? ACCOUNT_ACTIVITIES[record.activity_id] : undefined;
  if (known) return known;
  const named = asString(record.activity_name)?.toLowerCase();
  return named && (ACCOUNT_CHANGES as string[]).includes(named) ? (named as AccountChange) : undefined;
}

function mapAccountChange(record: Json) {
  const change = accountChange(record);
  if (!change) {
    return reject(
      'unsupported_event_type',
      '/activity_id',
      `OCSF activity ${JSON.stringify(record.activity_id)} of class ${record.class_uid} is not mapped`,
    );
  }
  const user = asObject(record.user);
  const actorUser = asObject(asObject(record.actor)?.user);
  const statusId = record.status_id;
  const unmapped = asObject(record.unmapped);
  return {
    ok: true as const,
    value: compact({
      kind: 'account',
      ...commonFields(record),
      identity: asString(user?.name) ?? asString(user?.uid),
      identity_type: user?.type_id === 3 ? 'service_account' : 'user',
      change,
      actor: asString(actorUser?.name) ?? asString(actorUser?.uid),
      actor_type: actorUser ? (actorUser.type_id === 3 ? 'service_account' : 'user') : undefined,
      outcome: statusId === 2 ? 'failure' : 'success',
      reason: asString(record.status_detail),
      group: asString(asObject(record.group)?.name) ?? asString(unmapped?.group),
      role: asString(asObject(record.policy)?.name) ?? asString(unmapped?.role),
      mfa_factor: factorName(asString(unmapped?.mfa_factor)),
      src_ip: asString(asObject(record.src_endpoint)?.ip),
      application: asString(unmapped?.application),
    }),
  };
}

export const ocsfFormat: InputFormat = {
  name: 'ocsf',
  map(record) {
    const object = asObject(record);
    if (!object) return reject('schema', '/', 'OCSF event must be a JSON object');
    switch (object.class_uid) {
      case 3002:
        return mapAuthentication(object);
      case 4002:
        return mapHttpActivity(object);
      case 3001:
      case 3006:
        return mapAccountChange(object);
      default:
        return reject(
          'unsupported_class',
          '/class_uid',
          `OCSF class_uid ${JSON.stringify(object.class_uid)} is not supported (expected 3001, 3002, 3006 or 4002)`,
        );
    }
  },
};
