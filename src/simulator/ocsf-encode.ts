/**
 * Canonical event → OCSF 1.1.0 (https://schema.ocsf.io/1.1.0): auth events as
 * Authentication (class 3002, Identity & Access Management), service events
 * as HTTP Activity (class 4002, Network Activity). It is the inverse of the
 * OCSF decoder in src/events/formats/ocsf.ts; fields OCSF has no place for
 * (geo accuracy, device trust type and EDR, mfa_result, identity type) go
 * under the record's `unmapped`. Absent canonical fields are left out, never invented.
 */
import type { AccountEvent, AuthEvent, ServiceEvent, VigilEvent } from '../events/schema.js';

const OCSF_VERSION = '1.1.0';
const OTHER_ACTIVITY = 99;

const AUTH_ACTIVITY: Record<AuthEvent['action'], number> = {
  sign_in: 1,
  logoff: 2,
  ticket: 3,
  token_issue: OTHER_ACTIVITY,
  token_refresh: OTHER_ACTIVITY,
  token_use: OTHER_ACTIVITY,
  mfa: OTHER_ACTIVITY,
};

const HTTP_ACTIVITY: Record<string, number> = {
  CONNECT: 1,
  DELETE: 2,
  GET: 3,
  HEAD: 4,
  OPTIONS: 5,
  POST: 6,
  PUT: 7,
};

/** OCSF user type_id: 1 User, 3 System (service accounts and workloads). */
const USER_TYPE_ID = { user: 1, service_account: 3, workload: 3 } as const;
const USER_TYPE_NAME = { user: 'User', service_account: 'System', workload: 'System' } as const;

export function toOcsf(event: VigilEvent): Record<string, unknown> {
  if (event.kind === 'account') return accountChangeRecord(event);
  return event.kind === 'auth' ? authenticationRecord(event) : httpActivityRecord(event);
}

function common(
  event: VigilEvent,
  categoryUid: number,
  classUid: number,
  activityId: number,
): Record<string, unknown> {
  return {
    metadata: {
      uid: event.id,
      version: OCSF_VERSION,
      product: { name: 'Vigil simulator', vendor_name: 'Vigil' },
    },
    time: event.time,
    category_uid: categoryUid,
    class_uid: classUid,
    activity_id: activityId,
    type_uid: classUid * 100 + activityId,
    severity_id: 1,
  };
}

function authenticationRecord(event: AuthEvent): Record<string, unknown> {
  const activityId = AUTH_ACTIVITY[event.action];
  const record = common(event, 3, 3002, activityId);
  if (activityId === OTHER_ACTIVITY) record.activity_name = event.action;
  record.user = {
    name: event.identity,
    type_id: USER_TYPE_ID[event.identity_type],
    type: USER_TYPE_NAME[event.identity_type],
  };
  record.status_id = event.outcome === 'success' ? 1 : 2;
  record.status = event.outcome === 'success' ? 'Success' : 'Failure';
  if (event.reason !== undefined) record.status_detail = event.reason;
  else if (event.mfa_result !== undefined && event.mfa_result !== 'success')
    record.status_detail = event.mfa_result;
  record.is_mfa = event.action === 'mfa' || event.mfa_factor !== undefined;
  if (event.auth_method !== undefined) record.auth_protocol = event.auth_method;
  if (event.mfa_factor !== undefined) record.auth_factors = [{ factor_type: event.mfa_factor }];
  const endpoint = sourceEndpoint(event);
  if (endpoint) record.src_endpoint = endpoint;
  if (event.device) record.device = deviceRecord(event.device);
  if (event.user_agent !== undefined) record.http_request = { user_agent: event.user_agent };
  if (event.application !== undefined) record.service = { name: event.application };
  if (event.session_id !== undefined || event.token_id !== undefined) {
    const session: Record<string, unknown> = {};
    if (event.session_id !== undefined) session.uid = event.session_id;
    if (event.token_id !== undefined) session.credential_uid = event.token_id;
    record.session = session;
  }
  const unmapped: Record<string, unknown> = { identity_type: event.identity_type };
  if (event.mfa_result !== undefined) unmapped.mfa_result = event.mfa_result;
  if (event.geo?.accuracy_km !== undefined) unmapped.geo_accuracy_km = event.geo.accuracy_km;
  if (event.device?.trust_type !== undefined) unmapped.device_trust_type = event.device.trust_type;
  if (event.device?.edr !== undefined) unmapped.device_edr = event.device.edr;
  record.unmapped = unmapped;
  return record;
}

function sourceEndpoint(event: AuthEvent): Record<string, unknown> | undefined {
  if (event.src_ip === undefined && event.geo === undefined && event.asn === undefined) return undefined;
  const endpoint: Record<string, unknown> = {};
  if (event.src_ip !== undefined) endpoint.ip = event.src_ip;
  if (event.geo) {
    const location: Record<string, unknown> = {};
    if (event.geo.country !== undefined) location.country = event.geo.country;
    if (event.geo.city !== undefined) location.city = event.geo.city;
    if (event.geo.lat !== undefined && event.geo.lon !== undefined)
      location.coordinates = [event.geo.lon, event.geo.lat];
    endpoint.location = location;
  }
  if (event.asn !== undefined) endpoint.autonomous_system = { number: event.asn };
  return endpoint;
}

function deviceRecord(device: NonNullable<AuthEvent['device']>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (device.id !== undefined) record.uid = device.id;
  if (device.managed !== undefined) record.is_managed = device.managed;
  if (device.compliant !== undefined) record.is_compliant = device.compliant;
  if (device.os !== undefined) record.os = { name: device.os };
  return record;
}

const ACCOUNT_ACTIVITY: Partial<Record<AccountEvent['change'], number>> = {
  created: 1,
  enabled: 2,
  password_changed: 3,
  password_reset: 4,
  disabled: 5,
  deleted: 6,
  role_added: 7,
  role_removed: 8,
  mfa_enrolled: 10,
  mfa_removed: 11,
};

/** Account changes as Account Change (3001), group membership as Group Management (3006). */
function accountChangeRecord(event: AccountEvent): Record<string, unknown> {
  const group = event.change === 'group_added' || event.change === 'group_removed';
  const activityId = group
    ? event.change === 'group_added'
      ? 3
      : 4
    : (ACCOUNT_ACTIVITY[event.change] ?? OTHER_ACTIVITY);
  const record = common(event, 3, group ? 3006 : 3001, activityId);
  if (activityId === OTHER_ACTIVITY) record.activity_name = event.change;
  record.user = {
    name: event.identity,
    type_id: USER_TYPE_ID[event.identity_type],
    type: USER_TYPE_NAME[event.identity_type],
  };
  if (event.actor !== undefined) {
    const type = event.actor_type ?? 'user';
    record.actor = { user: { name: event.actor, type_id: USER_TYPE_ID[type], type: USER_TYPE_NAME[type] } };
  }
  record.status_id = event.outcome === 'failure' ? 2 : 1;
  if (event.reason !== undefined) record.status_detail = event.reason;
  if (group && event.group !== undefined) record.group = { name: event.group };
  if (event.role !== undefined) record.policy = { name: event.role };
  if (event.src_ip !== undefined) record.src_endpoint = { ip: event.src_ip };
  const unmapped: Record<string, unknown> = { identity_type: event.identity_type };
  if (event.mfa_factor !== undefined) unmapped.mfa_factor = event.mfa_factor;
  if (event.application !== undefined) unmapped.application = event.application;
  record.unmapped = unmapped;
  return record;
}

function httpActivityRecord(event: ServiceEvent): Record<string, unknown> {
  const activityId = HTTP_ACTIVITY[event.method.toUpperCase()] ?? OTHER_ACTIVITY;
  const record = common(event, 4, 4002, activityId);
  if (activityId === OTHER_ACTIVITY) record.activity_name = event.method;
  const source: Record<string, unknown> = { svc_name: event.identity };
  if (event.src_ip !== undefined) source.ip = event.src_ip;
  record.src_endpoint = source;
  record.dst_endpoint = { svc_name: event.destination };
  record.http_request = { http_method: event.method, url: { path: event.route } };
  record.http_response = { code: event.status };
  record.traffic = { bytes_in: event.bytes_in, bytes_out: event.bytes_out };
  record.duration = event.latency_ms;
  if (event.end_user !== undefined) record.actor = { user: { name: event.end_user } };
  const unmapped: Record<string, unknown> = { identity_type: event.identity_type };
  if (event.mtls_verified !== undefined) unmapped.mtls_verified = event.mtls_verified;
  record.unmapped = unmapped;
  return record;
}
