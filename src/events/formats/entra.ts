/**
 * Microsoft Entra ID input (`--format entra`): sign-in logs (Graph `signIn`
 * resource; interactive, non-interactive, service principal and managed
 * identity sign-ins) become auth events, audit logs (Graph `directoryAudit`)
 * become account events. Both are accepted as Graph API objects and as the
 * Azure Monitor diagnostic export, whose one line `{"records":[...]}` carries
 * several records (see `split`), each with the Graph fields under
 * `properties`. Field mapping: docs/formats-vendors.md. Never throws.
 */
import type { AccountChange, AuthAction, MfaResult } from '../schema.js';
import { reject } from '../validate.js';
import type { InputFormat, RecordContainer } from './types.js';
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

const SERVICE_CATEGORIES = new Set(['ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs']);
const SIGN_IN_CATEGORIES = new Set(['SignInLogs', 'NonInteractiveUserSignInLogs', ...SERVICE_CATEGORIES]);
/** Entra error codes of a failed or refused MFA step (500121: strong authentication failed). */
const MFA_ERRORS = new Set([500121]);

/** Exact activity names first, then patterns for the families whose names vary (PIM, self-service). */
const AUDIT_ACTIVITIES: Record<string, AccountChange> = {
  'Add user': 'created',
  'Enable account': 'enabled',
  'Disable account': 'disabled',
  'Delete user': 'deleted',
  'Change user password': 'password_changed',
  'Change password (self-service)': 'password_changed',
  'Reset user password': 'password_reset',
  'Reset password (by admin)': 'password_reset',
  'Reset password (self-service)': 'password_reset',
  'User registered security info': 'mfa_enrolled',
  'User registered all required security info': 'mfa_enrolled',
  'Admin registered security info': 'mfa_enrolled',
  'User deleted security info': 'mfa_removed',
  'Admin deleted security info': 'mfa_removed',
  'Add member to group': 'group_added',
  'Remove member from group': 'group_removed',
  'Add service principal credentials': 'credential_added',
  'Add application credentials': 'credential_added',
  'Update application – Certificates and secrets management': 'credential_added',
  'Consent to application': 'consent_granted',
};
const AUDIT_PATTERNS: Array<[RegExp, AccountChange]> = [
  [/^Add (?:eligible )?member to role/i, 'role_added'],
  [/^Remove (?:eligible )?member from role/i, 'role_removed'],
  [/reset.*(?:strong authentication|mfa|security info)|re-register/i, 'mfa_reset'],
];

function auditChange(activity: string): AccountChange | undefined {
  const exact = AUDIT_ACTIVITIES[activity];
  if (exact) return exact;
  for (const [pattern, change] of AUDIT_PATTERNS) if (pattern.test(activity)) return change;
  return undefined;
}

function factorName(method: string | undefined): string | undefined {
  if (!method) return undefined;
  if (/notification|push|authenticator app/i.test(method)) return 'push';
  if (/text message|sms/i.test(method)) return 'sms';
  if (/phone call|voice/i.test(method)) return 'voice';
  if (/verification code|oath|otp/i.test(method)) return 'totp';
  if (/fido|security key|passkey|hello/i.test(method)) return 'webauthn';
  if (/email/i.test(method)) return 'email';
  return method.toLowerCase().slice(0, 64);
}

const isFirstFactor = (method: string | undefined): boolean =>
  method === undefined || /password|previously satisfied|federat|certificate|none/i.test(method);

function mfaResult(success: boolean, detail: string | undefined): MfaResult {
  if (success) return 'success';
  // Entra words a timeout "MFA denied; user did not respond ...": test for it before denial.
  if (detail && /timeout|timed out|did not respond|not responded|no response/i.test(detail)) return 'timeout';
  if (detail && /declin|deni|reject|fraud/i.test(detail)) return 'denied';
  return 'failure';
}

/** A record of the Azure Monitor export: the Graph object under `properties`, with envelope fields as fallbacks. */
function unwrapDiagnostic(record: Json): { body: Json; category: string | undefined } {
  const properties = asObject(record.properties);
  const category = asText(record.category);
  if (!properties) return { body: record, category };
  const body: Json = { ...properties };
  body.id ??= record.id ?? record.correlationId;
  body.createdDateTime ??= record.time;
  body.activityDateTime ??= record.time;
  body.ipAddress ??= record.callerIpAddress;
  body.activityDisplayName ??= category === 'AuditLogs' ? record.operationName : undefined;
  return { body, category };
}

function mapSignIn(body: Json, category: string | undefined) {
  const status = asObject(body.status);
  const errorCode = asNumber(status?.errorCode) ?? 0;
  const success = errorCode === 0;
  const steps = (asArray(body.authenticationDetails) ?? []).map(asObject).filter((s): s is Json => !!s);
  const mfaStep = steps.find((step) => !isFirstFactor(asText(step.authenticationMethod)));
  const onlyMfaSteps =
    steps.length > 0 && steps.every((step) => !isFirstFactor(asText(step.authenticationMethod)));
  const nonInteractive =
    body.isInteractive === false ||
    category === 'NonInteractiveUserSignInLogs' ||
    (asArray(body.signInEventTypes) ?? []).includes('nonInteractiveUser');
  // Non-interactive sign-ins are a client using a refresh token or session it already holds.
  const action: AuthAction =
    MFA_ERRORS.has(errorCode) || onlyMfaSteps ? 'mfa' : nonInteractive ? 'token_use' : 'sign_in';
  const location = asObject(body.location);
  const coordinates = asObject(location?.geoCoordinates);
  const device = asObject(body.deviceDetail);
  const eventTypes = asArray(body.signInEventTypes) ?? [];
  const service =
    (category !== undefined && SERVICE_CATEGORIES.has(category)) ||
    eventTypes.includes('servicePrincipal') ||
    eventTypes.includes('managedIdentity') ||
    (asText(body.userPrincipalName) === undefined && asText(body.servicePrincipalId) !== undefined);
  const failureReason = asText(status?.failureReason);
  const stepDetail = asText(mfaStep?.authenticationStepResultDetail) ?? asText(status?.additionalDetails);
  const mfaSucceeded = mfaStep ? asBoolean(mfaStep.succeeded) === true && success : success;
  const time = parseTime(body.createdDateTime);
  return {
    ok: true as const,
    value: compact({
      kind: 'auth',
      id: asText(body.id) ?? contentId('entra', body),
      time: time ?? body.createdDateTime,
      identity: service
        ? (asText(body.servicePrincipalName) ??
          asText(body.appDisplayName) ??
          asText(body.servicePrincipalId))
        : (asText(body.userPrincipalName) ?? asText(body.userId)),
      identity_type: service ? 'service_account' : 'user',
      action,
      outcome: success ? 'success' : 'failure',
      reason: success ? undefined : `${errorCode}${failureReason ? `: ${failureReason}` : ''}`.slice(0, 1024),
      auth_method: (asText(steps[0]?.authenticationMethod) ?? asText(body.clientAppUsed))?.toLowerCase(),
      mfa_factor: factorName(asText(mfaStep?.authenticationMethod)),
      mfa_result: mfaStep || action === 'mfa' ? mfaResult(mfaSucceeded, stepDetail) : undefined,
      src_ip: normaliseIp(body.ipAddress),
      geo: location
        ? compactOrUndefined({
            country: asText(location.countryOrRegion),
            city: asText(location.city),
            lat: asNumber(coordinates?.latitude),
            lon: asNumber(coordinates?.longitude),
          })
        : undefined,
      asn: asNumber(body.autonomousSystemNumber),
      device: device
        ? compactOrUndefined({
            id: asText(device.deviceId),
            managed: asBoolean(device.isManaged),
            compliant: asBoolean(device.isCompliant),
            trust_type: asText(device.trustType),
            os: asText(device.operatingSystem),
          })
        : undefined,
      user_agent: asText(body.userAgent),
      application: asText(body.appDisplayName) ?? asText(body.resourceDisplayName),
      session_id: asText(body.sessionId),
      token_id: asText(body.uniqueTokenIdentifier),
      provider_risk: riskLevel(body.riskLevelDuringSignIn),
    }),
  };
}

function riskLevel(value: unknown): string | undefined {
  const level = asText(value);
  return level === 'low' || level === 'medium' || level === 'high' ? level : undefined;
}

/** `modifiedProperties` values are JSON-encoded strings (`"\"Global Administrator\""`). */
function modifiedValue(target: Json | undefined, name: string): string | undefined {
  for (const property of asArray(target?.modifiedProperties) ?? []) {
    const entry = asObject(property);
    if (asText(entry?.displayName) !== name) continue;
    const raw = asText(entry?.newValue);
    return raw?.replace(/^"+|"+$/g, '') || undefined;
  }
  return undefined;
}

function mapAudit(body: Json) {
  const activity = asText(body.activityDisplayName) ?? '';
  const change = auditChange(activity);
  if (!change) {
    return reject(
      'unsupported_event_type',
      '/activityDisplayName',
      `Entra audit activity ${JSON.stringify(activity).slice(0, 120)} is not one Vigil maps`,
    );
  }
  const resources = (asArray(body.targetResources) ?? []).map(asObject).filter((r): r is Json => !!r);
  const onApp = change === 'credential_added' || change === 'consent_granted';
  const target = onApp
    ? (resources.find((r) => /ServicePrincipal|Application/i.test(asText(r.type) ?? '')) ?? resources[0])
    : (resources.find((r) => asText(r.type) === 'User') ?? resources[0]);
  const groupResource = resources.find((r) => asText(r.type) === 'Group');
  const roleResource = resources.find((r) => asText(r.type) === 'Role');
  const initiator = asObject(body.initiatedBy);
  const user = asObject(initiator?.user);
  const app = asObject(initiator?.app);
  const result = asText(body.result);
  const time = parseTime(body.activityDateTime);
  return {
    ok: true as const,
    value: compact({
      kind: 'account',
      id: asText(body.id) ?? contentId('entra', body),
      time: time ?? body.activityDateTime,
      identity: asText(target?.userPrincipalName) ?? asText(target?.displayName) ?? asText(target?.id),
      identity_type: onApp ? 'service_account' : 'user',
      change,
      actor:
        asText(user?.userPrincipalName) ??
        asText(app?.servicePrincipalName) ??
        asText(app?.displayName) ??
        asText(user?.id),
      actor_type: user ? 'user' : app ? 'service_account' : undefined,
      outcome: result === undefined || result === 'success' ? 'success' : 'failure',
      reason: result === undefined || result === 'success' ? undefined : asText(body.resultReason),
      group: change.startsWith('group_')
        ? (modifiedValue(target, 'Group.DisplayName') ?? asText(groupResource?.displayName))
        : undefined,
      role: change.startsWith('role_')
        ? (modifiedValue(target, 'Role.DisplayName') ?? asText(roleResource?.displayName))
        : undefined,
      src_ip: normaliseIp(user?.ipAddress),
      application: onApp ? undefined : asText(app?.displayName),
    }),
  };
}

const isAudit = (body: Json, category: string | undefined): boolean =>
  category === 'AuditLogs' ||
  (typeof body.activityDisplayName === 'string' && body.activityDateTime !== undefined);

/** True when a parsed record looks like an Entra sign-in, audit or diagnostic export record (used by `auto`). */
export function isEntraRecord(record: Json): boolean {
  if (Array.isArray(record.records)) return true;
  // Any Azure Monitor record (category + properties): categories other than sign-ins and audits are then
  // dead-lettered by the Entra mapper as unsupported, rather than as unrecognised.
  if (asText(record.category) && asObject(record.properties) && typeof record.time === 'string') return true;
  if (
    typeof record.createdDateTime === 'string' &&
    ('userPrincipalName' in record || 'appDisplayName' in record)
  )
    return true;
  return typeof record.activityDisplayName === 'string' && 'activityDateTime' in record;
}

export function splitEntra(record: unknown): RecordContainer | undefined {
  const object = asObject(record);
  const members = object ? asArray(object.records) : undefined;
  return members ? { path: '/records', members } : undefined;
}

export const entraFormat: InputFormat = {
  name: 'entra',
  split: splitEntra,
  map(record) {
    const object = asObject(record);
    if (!object) return reject('schema', '/', 'Entra record must be a JSON object');
    const { body, category } = unwrapDiagnostic(object);
    if (isAudit(body, category)) return mapAudit(body);
    if (category !== undefined && !SIGN_IN_CATEGORIES.has(category)) {
      return reject(
        'unsupported_event_type',
        '/category',
        `Azure Monitor category ${JSON.stringify(category).slice(0, 80)} is not a sign-in or audit log`,
      );
    }
    return mapSignIn(body, category);
  },
};
