/**
 * Canonical event → Okta System Log LogEvent (the inverse of
 * src/events/formats/okta.ts), for `vigil simulate --format okta`. Auth and
 * account events only; returns undefined for what Okta does not log (service
 * calls, Kerberos tickets), which the writer then renders in another format.
 * Fields Okta has no place for (geo accuracy, device compliance, trust type)
 * are dropped, never invented.
 */
import type { AccountEvent, AuthEvent, VigilEvent } from '../events/schema.js';

type Json = Record<string, unknown>;

const FACTOR_NAMES: Record<string, string> = {
  push: 'OKTA_VERIFY_PUSH',
  sms: 'SMS',
  totp: 'TOTP',
  voice: 'CALL',
  email: 'EMAIL',
  webauthn: 'WEBAUTHN',
};

const ACCOUNT_EVENT_TYPES: Record<AccountEvent['change'], string> = {
  created: 'user.lifecycle.create',
  enabled: 'user.lifecycle.activate',
  disabled: 'user.lifecycle.deactivate',
  deleted: 'user.lifecycle.delete.initiated',
  password_changed: 'user.account.update_password',
  password_reset: 'user.account.reset_password',
  mfa_enrolled: 'user.mfa.factor.activate',
  mfa_reset: 'user.mfa.factor.reset_all',
  mfa_removed: 'user.mfa.factor.deactivate',
  group_added: 'group.user_membership.add',
  group_removed: 'group.user_membership.remove',
  role_added: 'user.account.privilege.grant',
  role_removed: 'user.account.privilege.revoke',
  credential_added: 'app.oauth2.client.secret.create',
  consent_granted: 'app.oauth2.as.consent.grant',
};

const factor = (name: string | undefined): string | undefined =>
  name === undefined ? undefined : (FACTOR_NAMES[name] ?? name);

function actorOf(identity: string | undefined, type: string | undefined): Json {
  if (identity === undefined)
    return { id: 'system', type: 'SystemPrincipal', alternateId: 'system@okta.com' };
  return {
    id: identity,
    type: type === undefined || type === 'user' ? 'User' : 'PublicClientApp',
    alternateId: identity,
  };
}

function authEventType(event: AuthEvent): { eventType: string; reason?: string } | undefined {
  switch (event.action) {
    case 'sign_in':
      return { eventType: 'user.session.start' };
    case 'logoff':
      return { eventType: 'user.session.end' };
    case 'token_use':
      return { eventType: 'user.authentication.sso' };
    case 'token_refresh':
      return { eventType: 'app.oauth2.as.token.grant.refresh_token' };
    case 'token_issue':
      return { eventType: 'app.oauth2.as.token.grant.access_token' };
    case 'mfa':
      if (event.mfa_result === 'denied' && event.mfa_factor === 'push')
        return { eventType: 'user.mfa.okta_verify.deny_push', reason: 'User rejected Okta push verify' };
      if (event.mfa_result === 'denied')
        return { eventType: 'user.authentication.auth_via_mfa', reason: 'User rejected' };
      if (event.mfa_result === 'timeout')
        return { eventType: 'user.authentication.auth_via_mfa', reason: 'Verification timed out' };
      return { eventType: 'user.authentication.auth_via_mfa' };
    default:
      return undefined;
  }
}

function authRecord(event: AuthEvent): Json | undefined {
  const type = authEventType(event);
  if (!type) return undefined;
  const client: Json = { ipAddress: event.src_ip ?? null };
  if (event.user_agent !== undefined) client.userAgent = { rawUserAgent: event.user_agent };
  if (event.geo) {
    const geo: Json = { country: event.geo.country ?? null, city: event.geo.city ?? null };
    if (event.geo.lat !== undefined && event.geo.lon !== undefined)
      geo.geolocation = { lat: event.geo.lat, lon: event.geo.lon };
    client.geographicalContext = geo;
  }
  const target: Json[] = [];
  if (event.token_id !== undefined)
    target.push({
      id: event.token_id,
      type: event.action === 'token_refresh' ? 'refresh_token' : 'access_token',
    });
  if (event.application !== undefined)
    target.push({
      id: event.application,
      type: 'AppInstance',
      alternateId: event.application,
      displayName: event.application,
    });
  const record: Json = {
    uuid: event.id,
    published: new Date(event.time).toISOString(),
    eventType: type.eventType,
    version: '0',
    actor: actorOf(event.identity, event.identity_type),
    client,
    outcome: {
      result: event.outcome === 'success' ? 'SUCCESS' : 'FAILURE',
      reason: event.outcome === 'failure' ? (event.reason ?? type.reason ?? null) : null,
    },
    authenticationContext: compactJson({
      externalSessionId: event.session_id,
      authenticationProvider: event.auth_method,
    }),
    securityContext: event.asn === undefined ? {} : { asNumber: event.asn },
    debugContext: { debugData: compactJson({ factor: factor(event.mfa_factor) }) },
    target,
  };
  if (event.device) {
    record.device = compactJson({
      id: event.device.id,
      managed: event.device.managed,
      os_platform: event.device.os,
    });
  }
  return record;
}

function accountRecord(event: AccountEvent): Json {
  const onApp = event.change === 'credential_added' || event.change === 'consent_granted';
  const target: Json[] = [
    onApp
      ? { id: event.identity, type: 'AppInstance', alternateId: event.identity, displayName: event.identity }
      : { id: event.identity, type: 'User', alternateId: event.identity },
  ];
  if (event.group !== undefined)
    target.push({ id: event.group, type: 'UserGroup', displayName: event.group });
  const debugData = compactJson({
    privilegeGranted: event.change === 'role_added' ? event.role : undefined,
    privilegeRevoked: event.change === 'role_removed' ? event.role : undefined,
    factor: factor(event.mfa_factor),
  });
  return {
    uuid: event.id,
    published: new Date(event.time).toISOString(),
    eventType: ACCOUNT_EVENT_TYPES[event.change],
    version: '0',
    actor: actorOf(event.actor, event.actor_type),
    client: { ipAddress: event.src_ip ?? null },
    outcome: { result: event.outcome === 'failure' ? 'FAILURE' : 'SUCCESS', reason: event.reason ?? null },
    debugContext: { debugData },
    target,
  };
}

function compactJson(object: Json): Json {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

export function toOkta(event: VigilEvent): Json | undefined {
  if (event.kind === 'auth') return authRecord(event);
  if (event.kind === 'account') return accountRecord(event);
  return undefined;
}
