/**
 * Windows Security event log input (`--format windows`): logon, Kerberos and
 * NTLM events (4624, 4625, 4634, 4648, 4672, 4768, 4769, 4771, 4776) become
 * auth events; account management events (4720, 4722-4726, 4728/4729,
 * 4732/4733, 4738, 4756/4757) become account events. Three renderings are
 * read: Winlogbeat / Elastic Agent (`winlog.event_id`, `winlog.event_data`),
 * NXLog flattened (`EventID`, `TargetUserName` at top level) and EVTX-to-JSON
 * (`Event.System` + `Event.EventData`, or System fields beside `EventData`).
 *
 * Machine accounts (`NAME$`) and the built-in service logons become
 * `service_account` identities, never people; records whose user is empty or
 * `-` are dead-lettered (`no_identity`). Field mapping and code tables:
 * docs/formats-vendors.md. Never throws.
 */
import type { AccountChange, AuthAction } from '../schema.js';
import { reject } from '../validate.js';
import type { InputFormat } from './types.js';
import {
  asArray,
  asNumber,
  asObject,
  asText,
  at,
  compact,
  contentId,
  type Json,
  normaliseIp,
  parseTime,
} from './vendor-fields.js';

/** One event whatever the rendering: its id, record number, host, time and EventData fields. */
interface WindowsRecord {
  eventId: number | undefined;
  recordId: string | undefined;
  computer: string | undefined;
  time: number | undefined;
  data: Json;
}

const AUTH_EVENT_IDS = new Set([4624, 4625, 4634, 4648, 4672, 4768, 4769, 4771, 4776]);
const ACCOUNT_EVENTS: Record<number, AccountChange> = {
  4720: 'created',
  4722: 'enabled',
  4723: 'password_changed',
  4724: 'password_reset',
  4725: 'disabled',
  4726: 'deleted',
  4728: 'group_added',
  4729: 'group_removed',
  4732: 'group_added',
  4733: 'group_removed',
  4738: 'password_changed',
  4756: 'group_added',
  4757: 'group_removed',
};

const LOGON_TYPES: Record<number, string> = {
  2: 'interactive',
  3: 'network',
  4: 'batch',
  5: 'service',
  7: 'unlock',
  8: 'network_cleartext',
  9: 'new_credentials',
  10: 'remote_interactive',
  11: 'cached_interactive',
};

/** NTSTATUS codes of 4625 / 4776 (Status, SubStatus). */
const NT_STATUS: Record<string, string> = {
  '0xc000006a': 'bad_password',
  '0xc0000064': 'no_such_user',
  '0xc000006d': 'bad_credentials',
  '0xc000006e': 'account_restriction',
  '0xc000006f': 'outside_logon_hours',
  '0xc0000070': 'workstation_restriction',
  '0xc0000071': 'password_expired',
  '0xc0000072': 'account_disabled',
  '0xc0000133': 'clock_skew',
  '0xc000015b': 'logon_type_not_granted',
  '0xc0000193': 'account_expired',
  '0xc0000224': 'password_must_change',
  '0xc0000234': 'account_locked',
  '0xc000005e': 'no_logon_servers',
  '0xc0000413': 'authentication_firewall',
};

/** Kerberos result codes of 4768 / 4769 / 4771 (RFC 4120 §7.5.9). */
const KERBEROS_STATUS: Record<string, string> = {
  '0x6': 'no_such_user',
  '0x7': 'unknown_service',
  '0xc': 'policy_restriction',
  '0x12': 'account_disabled_or_locked',
  '0x17': 'password_expired',
  '0x18': 'bad_password',
  '0x1f': 'integrity_check_failed',
  '0x20': 'ticket_expired',
  '0x25': 'clock_skew',
  '0xe': 'unsupported_encryption',
};

const WELL_KNOWN_SERVICE = /^(?:SYSTEM|LOCAL SERVICE|NETWORK SERVICE|ANONYMOUS LOGON|DWM-\d+|UMFD-\d+)$/i;

/** Whether a user name is a machine or built-in service account rather than a person. */
export const isMachineAccount = (name: string): boolean =>
  name.endsWith('$') || WELL_KNOWN_SERVICE.test(name);

/** Batch (4) and service (5) logons are jobs and services, not people. */
const isServiceLogon = (data: Json): boolean => {
  const logonType = asNumber(data.LogonType);
  return logonType === 4 || logonType === 5;
};

/** `0xC000006A` → `0xc000006a`; numbers are rendered in hex. */
function statusCode(value: unknown): string | undefined {
  if (typeof value === 'number') return `0x${value.toString(16)}`;
  const text = asText(value)?.toLowerCase();
  if (!text) return undefined;
  if (/^0x[0-9a-f]+$/.test(text)) return `0x${text.slice(2).replace(/^0+(?=.)/, '')}`;
  return /^\d+$/.test(text) ? `0x${Number(text).toString(16)}` : text;
}

/** EventData as `{Name: value}`, also from the XML-shaped `{"Data":[{"@Name":..,"#text":..}]}`. */
function eventDataOf(value: unknown): Json {
  const object = asObject(value);
  if (!object) return {};
  const data = asArray(object.Data);
  if (!data) return object;
  const flat: Json = {};
  for (const item of data) {
    const entry = asObject(item);
    const name = asText(entry?.['@Name']) ?? asText(entry?.Name) ?? asText(at(entry, '#attributes.Name'));
    if (name) flat[name] = entry?.['#text'] ?? entry?.value ?? entry?.Value;
  }
  return flat;
}

/** `{"#text": 4624}` or `{"Qualifiers": .., "#text": ..}` (EVTX) or a plain number / string. */
const scalar = (value: unknown): unknown => asObject(value)?.['#text'] ?? asObject(value)?.Value ?? value;

function normalise(record: Json): WindowsRecord | undefined {
  const winlog = asObject(record.winlog);
  if (winlog) {
    return {
      eventId: asNumber(winlog.event_id) ?? asNumber(at(record, 'event.code')),
      recordId: String(winlog.record_id ?? '') || undefined,
      computer: asText(winlog.computer_name) ?? asText(at(record, 'host.name')),
      time: parseTime(record['@timestamp']),
      data: eventDataOf(winlog.event_data),
    };
  }
  const event = asObject(record.Event);
  const system =
    asObject(event?.System) ?? asObject(record.System) ?? (record.EventData ? record : undefined);
  if (system) {
    const created = system.TimeCreated;
    return {
      eventId: asNumber(scalar(system.EventID)),
      recordId: String(scalar(system.EventRecordID) ?? '') || undefined,
      computer: asText(system.Computer),
      time: parseTime(at(created, '#attributes.SystemTime') ?? asObject(created)?.SystemTime ?? created),
      data: eventDataOf(event?.EventData ?? record.EventData),
    };
  }
  if (record.EventID === undefined) return undefined;
  return {
    eventId: asNumber(record.EventID),
    recordId: String(record.RecordNumber ?? record.EventRecordID ?? '') || undefined,
    computer: asText(record.Hostname) ?? asText(record.Computer),
    time: parseTime(record.EventTime ?? record['@timestamp'] ?? record.TimeCreated),
    data: record,
  };
}

/** `user`, `user@domain` kept; `DOMAIN` + `user` → `DOMAIN\user`. */
function qualified(user: string | undefined, domain: string | undefined): string | undefined {
  if (!user) return undefined;
  if (user.includes('@') || user.includes('\\') || !domain || isMachineAccount(user)) return user;
  return `${domain}\\${user}`;
}

function failureReason(event: WindowsRecord): string | undefined {
  const data = event.data;
  const kerberos = event.eventId === 4768 || event.eventId === 4769 || event.eventId === 4771;
  const sub = statusCode(data.SubStatus);
  const code = sub && sub !== '0x0' ? sub : (statusCode(data.Status) ?? statusCode(data.FailureCode));
  if (!code) return undefined;
  const name = (kerberos ? KERBEROS_STATUS : NT_STATUS)[code];
  const logonType = asNumber(data.LogonType);
  const typeName = logonType !== undefined ? LOGON_TYPES[logonType] : undefined;
  return `${name ?? 'status'} (${code}${typeName ? `, logon type ${logonType} ${typeName}` : ''})`;
}

function isFailure(event: WindowsRecord): boolean {
  if (event.eventId === 4625 || event.eventId === 4771) return true;
  if (event.eventId === 4768 || event.eventId === 4769 || event.eventId === 4776) {
    const status = statusCode(event.data.Status);
    return status !== undefined && status !== '0x0';
  }
  return false;
}

function authAction(eventId: number): AuthAction {
  if (eventId === 4634) return 'logoff';
  if (eventId === 4672) return 'token_issue';
  if (eventId === 4768 || eventId === 4769 || eventId === 4771) return 'ticket';
  return 'sign_in';
}

function authMethod(event: WindowsRecord): string {
  const data = event.data;
  if (event.eventId === 4672) return 'special_privileges';
  if (event.eventId === 4648) return 'explicit_credentials';
  if (event.eventId === 4776) return 'ntlm';
  if (event.eventId === 4768 || event.eventId === 4769 || event.eventId === 4771) return 'kerberos';
  const logonType = asNumber(data.LogonType);
  const packageName = (asText(data.AuthenticationPackageName) ?? asText(data.LogonProcessName) ?? 'windows')
    .toLowerCase()
    .slice(0, 30);
  const typeName = logonType !== undefined ? (LOGON_TYPES[logonType] ?? String(logonType)) : undefined;
  return typeName ? `${packageName}:${typeName}` : packageName;
}

function stableId(event: WindowsRecord, record: Json): string {
  return event.computer && event.recordId
    ? `win:${event.computer}:${event.recordId}`
    : contentId('win', record);
}

function mapAuth(event: WindowsRecord, record: Json) {
  const data = event.data;
  const eventId = event.eventId!;
  const subjectOnly = eventId === 4672;
  const user = subjectOnly
    ? asText(data.SubjectUserName)
    : (asText(data.TargetUserName) ?? asText(data.TargetUser));
  const domain = subjectOnly ? asText(data.SubjectDomainName) : asText(data.TargetDomainName);
  if (!user) return reject('no_identity', '/TargetUserName', `event ${eventId} names no user (empty or "-")`);
  const failed = isFailure(event);
  const workstation = asText(data.WorkstationName) ?? asText(data.Workstation);
  return {
    ok: true as const,
    value: compact({
      kind: 'auth',
      id: stableId(event, record),
      time: event.time,
      identity: qualified(user, domain),
      identity_type: isMachineAccount(user) || isServiceLogon(data) ? 'service_account' : 'user',
      action: authAction(eventId),
      outcome: failed ? 'failure' : 'success',
      reason: failed ? failureReason(event) : undefined,
      auth_method: authMethod(event),
      src_ip: normaliseIp(data.IpAddress) ?? normaliseIp(data.SourceNetworkAddress),
      device: workstation ? { id: workstation.replace(/^\\\\/, '') } : undefined,
      application: asText(data.ServiceName) ?? asText(data.TargetServerName) ?? event.computer,
      session_id: subjectOnly ? asText(data.SubjectLogonId) : asText(data.TargetLogonId),
    }),
  };
}

/** `CN=Alice Smith,OU=Users,DC=corp,DC=local` → `Alice Smith`. */
function commonName(distinguished: string | undefined): string | undefined {
  if (!distinguished) return undefined;
  const match = /^CN=((?:\\,|[^,])+)/i.exec(distinguished);
  return match ? match[1].replace(/\\,/g, ',') : distinguished;
}

function mapAccount(event: WindowsRecord, record: Json, change: AccountChange) {
  const data = event.data;
  const eventId = event.eventId!;
  if (eventId === 4738 && !asText(data.PasswordLastSet)) {
    return reject(
      'unsupported_event_type',
      '/EventID',
      '4738 without a PasswordLastSet change repeats what 4720/4722/4725 report; not mapped',
    );
  }
  const isGroup = change === 'group_added' || change === 'group_removed';
  const target = isGroup
    ? (commonName(asText(data.MemberName)) ?? asText(data.MemberSid))
    : qualified(asText(data.TargetUserName), asText(data.TargetDomainName));
  if (!target)
    return reject(
      'no_identity',
      isGroup ? '/MemberName' : '/TargetUserName',
      `event ${eventId} names no account`,
    );
  const actor = qualified(asText(data.SubjectUserName), asText(data.SubjectDomainName));
  return {
    ok: true as const,
    value: compact({
      kind: 'account',
      id: stableId(event, record),
      time: event.time,
      identity: target,
      identity_type: isMachineAccount(target) ? 'service_account' : 'user',
      change,
      actor,
      actor_type: actor ? (isMachineAccount(actor) ? 'service_account' : 'user') : undefined,
      group: isGroup ? asText(data.TargetUserName) : undefined,
      application: event.computer,
    }),
  };
}

/** True when a parsed record looks like a Windows Security event in a rendering this mapper reads (`auto`). */
export function isWindowsRecord(record: Json): boolean {
  if (asObject(record.winlog)) return true;
  if (asObject(asObject(record.Event)?.System)) return true;
  if (asObject(record.System) && record.EventData !== undefined) return true;
  return (
    record.EventID !== undefined &&
    (record.EventData !== undefined ||
      'TargetUserName' in record ||
      'SubjectUserName' in record ||
      'Hostname' in record)
  );
}

export const windowsFormat: InputFormat = {
  name: 'windows',
  map(record) {
    const object = asObject(record);
    if (!object) return reject('schema', '/', 'Windows event must be a JSON object');
    const event = normalise(object);
    if (!event || event.eventId === undefined) {
      return reject(
        'schema',
        '/EventID',
        'no Windows event id (winlog.event_id, EventID or Event.System.EventID)',
      );
    }
    if (event.time === undefined) return reject('schema', '/time', 'no readable event time');
    if (AUTH_EVENT_IDS.has(event.eventId)) return mapAuth(event, object);
    const change = ACCOUNT_EVENTS[event.eventId];
    if (change) return mapAccount(event, object, change);
    return reject(
      'unsupported_event_type',
      '/EventID',
      `Windows event ${event.eventId} is not one Vigil maps`,
    );
  },
};
