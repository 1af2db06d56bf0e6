/**
 * Canonical event → Microsoft Entra ID log objects as the Graph API returns
 * them (the inverse of src/events/formats/entra.ts), for `vigil simulate
 * --format entra`: sign-ins (`signIn`) for auth events, directory audits
 * (`directoryAudit`) for account changes. Returns undefined for what Entra
 * does not log (service calls, logoffs, Kerberos tickets). Token use and
 * refresh are non-interactive sign-ins.
 */
import type { AccountEvent, AuthEvent, VigilEvent } from '../events/schema.js';

type Json = Record<string, unknown>;

const METHOD_NAMES: Record<string, string> = {
  push: 'Mobile app notification',
  sms: 'Text message',
  totp: 'OATH verification code',
  voice: 'Phone call approval',
  webauthn: 'FIDO2 security key',
  email: 'Email OTP',
};

const AUDIT_ACTIVITIES: Record<AccountEvent['change'], string> = {
  created: 'Add user',
  enabled: 'Enable account',
  disabled: 'Disable account',
  deleted: 'Delete user',
  password_changed: 'Change user password',
  password_reset: 'Reset user password',
  mfa_enrolled: 'User registered security info',
  mfa_reset: 'Reset strong authentication methods',
  mfa_removed: 'Admin deleted security info',
  group_added: 'Add member to group',
  group_removed: 'Remove member from group',
  role_added: 'Add member to role',
  role_removed: 'Remove member from role',
  credential_added: 'Add service principal credentials',
  consent_granted: 'Consent to application',
};

const MFA_DETAIL = {
  success: 'MFA successfully completed',
  denied: 'MFA denied; user declined the authentication',
  timeout: 'MFA denied; user did not respond to mobile app notification',
  failure: 'MFA failed',
} as const;

function authenticationDetails(event: AuthEvent): Json[] {
  if (event.action === 'mfa') {
    const result = event.mfa_result ?? (event.outcome === 'success' ? 'success' : 'failure');
    return [
      {
        authenticationMethod: METHOD_NAMES[event.mfa_factor ?? 'push'] ?? event.mfa_factor,
        succeeded: event.outcome === 'success',
        authenticationStepResultDetail: MFA_DETAIL[result],
        authenticationStepRequirement: 'Multifactor authentication',
      },
    ];
  }
  return [
    {
      authenticationMethod:
        event.auth_method === undefined || event.auth_method === 'password'
          ? 'Password'
          : 'Previously satisfied',
      succeeded: event.outcome === 'success',
      authenticationStepRequirement: 'Primary authentication',
    },
  ];
}

function signIn(event: AuthEvent): Json | undefined {
  if (event.action === 'logoff' || event.action === 'ticket') return undefined;
  const service = event.identity_type !== 'user';
  const interactive = event.action === 'sign_in' || event.action === 'mfa';
  const errorCode = event.outcome === 'success' ? 0 : event.action === 'mfa' ? 500121 : 50126;
  const record: Json = {
    id: event.id,
    createdDateTime: new Date(event.time).toISOString(),
    appDisplayName: event.application ?? null,
    ipAddress: event.src_ip ?? null,
    clientAppUsed: 'Browser',
    isInteractive: interactive,
    signInEventTypes: [service ? 'servicePrincipal' : interactive ? 'interactiveUser' : 'nonInteractiveUser'],
    status: { errorCode, failureReason: event.outcome === 'success' ? null : (event.reason ?? null) },
    authenticationDetails: authenticationDetails(event),
  };
  if (service) {
    record.servicePrincipalName = event.identity;
    record.servicePrincipalId = event.identity;
  } else {
    record.userPrincipalName = event.identity;
  }
  if (event.geo) {
    record.location = {
      city: event.geo.city ?? '',
      countryOrRegion: event.geo.country ?? '',
      geoCoordinates: { latitude: event.geo.lat ?? null, longitude: event.geo.lon ?? null },
    };
  }
  if (event.asn !== undefined) record.autonomousSystemNumber = event.asn;
  if (event.device) {
    record.deviceDetail = {
      deviceId: event.device.id ?? '',
      operatingSystem: event.device.os ?? '',
      isCompliant: event.device.compliant ?? null,
      isManaged: event.device.managed ?? null,
      trustType: event.device.trust_type ?? '',
    };
  }
  if (event.user_agent !== undefined) record.userAgent = event.user_agent;
  if (event.session_id !== undefined) record.sessionId = event.session_id;
  if (event.token_id !== undefined) record.uniqueTokenIdentifier = event.token_id;
  if (event.provider_risk !== undefined) record.riskLevelDuringSignIn = event.provider_risk;
  return record;
}

function directoryAudit(event: AccountEvent): Json {
  const onApp = event.change === 'credential_added' || event.change === 'consent_granted';
  const modifiedProperties: Json[] = [];
  if (event.group !== undefined)
    modifiedProperties.push({
      displayName: 'Group.DisplayName',
      oldValue: null,
      newValue: JSON.stringify(event.group),
    });
  if (event.role !== undefined)
    modifiedProperties.push({
      displayName: 'Role.DisplayName',
      oldValue: null,
      newValue: JSON.stringify(event.role),
    });
  const target: Json = onApp
    ? { id: event.identity, type: 'ServicePrincipal', displayName: event.identity, modifiedProperties }
    : { id: event.identity, type: 'User', userPrincipalName: event.identity, modifiedProperties };
  const initiatedBy: Json =
    event.actor === undefined
      ? {}
      : event.actor_type === undefined || event.actor_type === 'user'
        ? { user: { userPrincipalName: event.actor, ipAddress: event.src_ip ?? null } }
        : { app: { displayName: event.actor, servicePrincipalName: event.actor } };
  return {
    id: event.id,
    activityDateTime: new Date(event.time).toISOString(),
    activityDisplayName: AUDIT_ACTIVITIES[event.change],
    category: onApp ? 'ApplicationManagement' : 'UserManagement',
    result: event.outcome === 'failure' ? 'failure' : 'success',
    resultReason: event.reason ?? '',
    initiatedBy,
    targetResources: [target],
  };
}

export function toEntra(event: VigilEvent): Json | undefined {
  if (event.kind === 'auth') return signIn(event);
  if (event.kind === 'account') return directoryAudit(event);
  return undefined;
}
