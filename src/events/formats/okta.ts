/**
 * Okta System Log input (`--format okta`): LogEvent objects as the System Log
 * API (/api/v1/logs) and event hooks return them. Sign-in, MFA, session and
 * OAuth 2.0 token events become auth events; user lifecycle, password,
 * factor, group and privilege events become account events. Any other
 * eventType is dead-lettered as `unsupported_event_type`. Field mapping:
 * docs/formats-vendors.md. Never throws.
 */
import type { AccountChange, AuthAction, MfaResult } from '../schema.js';
import { reject } from '../validate.js';
import type { InputFormat } from './types.js';
import {
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asText,
  compact,
  compactOrUndefined,
  contentId,
  type Json,
  normaliseIp,
  parseTime,
} from './vendor-fields.js';

const AUTH_EVENTS: Record<string, AuthAction> = {
  'user.session.start': 'sign_in',
  'user.authentication.sso': 'token_use',
  'user.authentication.auth_via_mfa': 'mfa',
  'user.authentication.verify': 'mfa',
  'user.mfa.okta_verify.deny_push': 'mfa',
  'system.push.send_factor_verify_push': 'mfa',
  'user.session.end': 'logoff',
};

const ACCOUNT_EVENTS: Record<string, AccountChange> = {
  'user.lifecycle.create': 'created',
  'user.lifecycle.activate': 'enabled',
  'user.lifecycle.reactivate': 'enabled',
  'user.lifecycle.unsuspend': 'enabled',
  'user.lifecycle.deactivate': 'disabled',
  'user.lifecycle.suspend': 'disabled',
  'user.lifecycle.delete.initiated': 'deleted',
  'user.lifecycle.delete.completed': 'deleted',
  'user.account.update_password': 'password_changed',
  'user.account.reset_password': 'password_reset',
  'user.lifecycle.password_reset': 'password_reset',
  'user.mfa.factor.activate': 'mfa_enrolled',
  'user.mfa.factor.reset_all': 'mfa_reset',
  'user.mfa.factor.deactivate': 'mfa_removed',
  'group.user_membership.add': 'group_added',
  'group.user_membership.remove': 'group_removed',
  'user.account.privilege.grant': 'role_added',
  'user.account.privilege.revoke': 'role_removed',
  'app.oauth2.as.consent.grant': 'consent_granted',
  'app.oauth2.consent.grant': 'consent_granted',
};

/** Secrets, keys and API tokens created for an app or client: the event-type names vary across Okta releases. */
const CREDENTIAL_EVENT =
  /^(?:app\.oauth2\.[a-z_.]*(?:secret|credential|jwk|key)[a-z_.]*\.(?:create|add|activate)|system\.api_token\.create)$/;
const TOKEN_GRANT = /^app\.oauth2\.(?:as\.)?token\.grant/;

/** Okta factor type / provider names → Vigil's normalised factor names. */
function factorName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (/push/i.test(raw)) return 'push';
  if (/sms/i.test(raw)) return 'sms';
  if (/call|voice/i.test(raw)) return 'voice';
  if (/email/i.test(raw)) return 'email';
  if (/webauthn|fido|u2f|security.?key/i.test(raw)) return 'webauthn';
  if (/totp|token:software|otp|google/i.test(raw)) return 'totp';
  return raw.toLowerCase().slice(0, 64);
}

function mfaResult(eventType: string, success: boolean, reason: string | undefined): MfaResult {
  if (eventType === 'user.mfa.okta_verify.deny_push') return 'denied';
  if (success) return 'success';
  if (reason && /deni|reject/i.test(reason)) return 'denied';
  if (reason && /timeout|timed out|expired/i.test(reason)) return 'timeout';
  return 'failure';
}

/** `SUCCESS` and `ALLOW` are successes; `FAILURE`, `DENY`, `CHALLENGE`, `SKIPPED`, `UNKNOWN` are not. */
const isSuccess = (result: string | undefined): boolean => result === 'SUCCESS' || result === 'ALLOW';

function actorType(actor: Json | undefined): 'user' | 'service_account' {
  const type = asText(actor?.type);
  return type === undefined || type === 'User' ? 'user' : 'service_account';
}

function targets(record: Json): Json[] {
  return (asArray(record.target) ?? []).map(asObject).filter((t): t is Json => t !== undefined);
}

const targetOfType = (record: Json, pattern: RegExp): Json | undefined =>
  targets(record).find((target) => pattern.test(asText(target.type) ?? ''));

function common(record: Json) {
  const time = parseTime(record.published);
  return {
    id: asText(record.uuid) ?? contentId('okta', record),
    time: time ?? record.published,
  };
}

function geoOf(client: Json | undefined) {
  const context = asObject(client?.geographicalContext);
  if (!context) return undefined;
  const point = asObject(context.geolocation);
  return compactOrUndefined({
    country: asText(context.country),
    city: asText(context.city),
    lat: asNumber(point?.lat),
    lon: asNumber(point?.lon),
  });
}

function deviceOf(record: Json) {
  const device = asObject(record.device);
  if (!device) return undefined;
  return compactOrUndefined({
    id: asText(device.id),
    managed: asBoolean(device.managed),
    // Okta Verify device registration; Okta reports no compliance verdict of its own.
    trust_type: registrationOf(asBoolean(device.registered)),
    os: asText(device.os_platform),
    os_version: asText(device.os_version),
  });
}

function registrationOf(registered: boolean | undefined): string | undefined {
  return registered === undefined ? undefined : registered ? 'Registered' : 'Unregistered';
}

function mapAuth(record: Json, eventType: string, action: AuthAction) {
  const actor = asObject(record.actor);
  const client = asObject(record.client);
  const outcome = asObject(record.outcome);
  const result = asText(outcome?.result);
  const reason = asText(outcome?.reason);
  const debugData = asObject(asObject(record.debugContext)?.debugData);
  const security = asObject(record.securityContext);
  const success = eventType === 'user.mfa.okta_verify.deny_push' ? false : isSuccess(result);
  const isMfa = action === 'mfa';
  const sent = eventType === 'system.push.send_factor_verify_push';
  const app = targetOfType(record, /^AppInstance$/);
  const token = targetOfType(record, /token$/i);
  return {
    ok: true as const,
    value: compact({
      kind: 'auth',
      ...common(record),
      identity: asText(actor?.alternateId) ?? asText(actor?.id),
      identity_type: actorType(actor),
      action,
      outcome: success ? 'success' : 'failure',
      reason: reason ?? (sent ? 'push_sent' : success ? undefined : result?.toLowerCase()),
      auth_method: asText(asObject(record.authenticationContext)?.authenticationProvider)?.toLowerCase(),
      mfa_factor: isMfa
        ? factorName(
            asText(debugData?.factor) ?? asText(asObject(record.authenticationContext)?.credentialType),
          )
        : undefined,
      mfa_result: isMfa && !sent ? mfaResult(eventType, success, reason) : undefined,
      src_ip: normaliseIp(client?.ipAddress),
      geo: geoOf(client),
      asn: asNumber(security?.asNumber),
      device: deviceOf(record),
      user_agent: asText(asObject(client?.userAgent)?.rawUserAgent),
      application: asText(app?.displayName) ?? asText(app?.alternateId),
      session_id: asText(asObject(record.authenticationContext)?.externalSessionId),
      token_id: asText(token?.id),
    }),
  };
}

function mapTokenGrant(record: Json, eventType: string) {
  const grantType = asText(asObject(asObject(record.debugContext)?.debugData)?.grantType);
  const refresh = eventType.endsWith('refresh_token') || grantType === 'refresh_token';
  return mapAuth(record, eventType, refresh ? 'token_refresh' : 'token_issue');
}

function mapAccount(record: Json, change: AccountChange) {
  const actor = asObject(record.actor);
  const client = asObject(record.client);
  const debugData = asObject(asObject(record.debugContext)?.debugData);
  const user = targetOfType(record, /^User$/);
  const app = targetOfType(record, /^(?:AppInstance|PublicClientApp|Application|Client)$/i);
  const group = targetOfType(record, /Group$/);
  const onApp = change === 'credential_added' || change === 'consent_granted';
  const target = onApp ? (app ?? user) : (user ?? actor);
  const success = isSuccess(asText(asObject(record.outcome)?.result));
  return {
    ok: true as const,
    value: compact({
      kind: 'account',
      ...common(record),
      identity: asText(target?.alternateId) ?? asText(target?.displayName) ?? asText(target?.id),
      identity_type: change === 'credential_added' && target === app ? 'service_account' : 'user',
      change,
      actor: asText(actor?.alternateId) ?? asText(actor?.id),
      actor_type: actor ? actorType(actor) : undefined,
      outcome: success ? 'success' : 'failure',
      reason: success ? undefined : asText(asObject(record.outcome)?.reason),
      group: change.startsWith('group_')
        ? (asText(group?.displayName) ?? asText(group?.alternateId))
        : undefined,
      role: change.startsWith('role_')
        ? (asText(debugData?.privilegeGranted) ??
          asText(debugData?.privilegeRevoked) ??
          asText(targetOfType(record, /role/i)?.displayName))
        : undefined,
      mfa_factor: change.startsWith('mfa_') ? factorName(asText(debugData?.factor)) : undefined,
      src_ip: normaliseIp(client?.ipAddress),
      application: onApp ? undefined : asText(app?.displayName),
    }),
  };
}

/** True when a parsed record looks like an Okta System Log event (used by `auto`). */
export function isOktaRecord(record: Json): boolean {
  return typeof record.eventType === 'string' && asObject(record.actor) !== undefined;
}

export const oktaFormat: InputFormat = {
  name: 'okta',
  map(record) {
    const object = asObject(record);
    if (!object) return reject('schema', '/', 'Okta System Log event must be a JSON object');
    const eventType = asText(object.eventType);
    if (!eventType) return reject('schema', '/eventType', 'Okta event has no eventType');
    const action = AUTH_EVENTS[eventType];
    if (action) return mapAuth(object, eventType, action);
    if (TOKEN_GRANT.test(eventType)) return mapTokenGrant(object, eventType);
    const change =
      ACCOUNT_EVENTS[eventType] ?? (CREDENTIAL_EVENT.test(eventType) ? 'credential_added' : undefined);
    if (change) return mapAccount(object, change);
    return reject(
      'unsupported_event_type',
      '/eventType',
      `Okta eventType ${JSON.stringify(eventType).slice(0, 120)} is not one Vigil maps`,
    );
  },
};
