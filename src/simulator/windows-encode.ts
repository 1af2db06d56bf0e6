/**
 * Canonical event → Windows Security event in the Winlogbeat / Elastic Agent
 * rendering (`winlog.event_id`, `winlog.event_data`; the inverse of
 * src/events/formats/windows.ts), for `vigil simulate --format windows`.
 * Sign-ins become 4624/4625, logoffs 4634, tickets 4768, account changes
 * 4720-4726 and 4728/4729. Windows logs no MFA, OAuth tokens, geolocation,
 * ASN or user agent: those events return undefined (the writer renders them
 * in another format) and those fields are dropped.
 */
import type { AccountEvent, AuthEvent, VigilEvent } from '../events/schema.js';

type Json = Record<string, unknown>;

const DEFAULT_COMPUTER = 'dc01.corp.example.com';

const FAILURE_STATUS: Record<string, string> = {
  invalid_password: '0xC000006A',
  bad_password: '0xC000006A',
  unknown_user: '0xC0000064',
  no_such_user: '0xC0000064',
  account_locked: '0xC0000234',
  account_disabled: '0xC0000072',
};

const ACCOUNT_EVENT_IDS: Partial<Record<AccountEvent['change'], number>> = {
  created: 4720,
  enabled: 4722,
  password_changed: 4723,
  password_reset: 4724,
  disabled: 4725,
  deleted: 4726,
  group_added: 4728,
  group_removed: 4729,
};

/** A record number from the event id: Windows numbers records per computer; 52 bits keep it a safe integer. */
const recordNumber = (id: string): number => {
  const hex = id.replace(/[^0-9a-f]/gi, '').slice(0, 13);
  return hex.length > 0 ? Number.parseInt(hex, 16) : 1;
};

function envelope(event: VigilEvent, eventId: number, computer: string, data: Json): Json {
  return {
    '@timestamp': new Date(event.time).toISOString(),
    event: { code: String(eventId), provider: 'Microsoft-Windows-Security-Auditing' },
    host: { name: computer },
    winlog: {
      channel: 'Security',
      computer_name: computer,
      event_id: eventId,
      record_id: recordNumber(event.id),
      provider_name: 'Microsoft-Windows-Security-Auditing',
      event_data: data,
    },
  };
}

function authRecord(event: AuthEvent): Json | undefined {
  const computer = event.application ?? DEFAULT_COMPUTER;
  const data: Json = { TargetUserName: event.identity };
  if (event.src_ip !== undefined) data.IpAddress = event.src_ip;
  if (event.device?.id !== undefined) data.WorkstationName = event.device.id;
  if (event.session_id !== undefined) data.TargetLogonId = event.session_id;
  const failed = event.outcome === 'failure';
  switch (event.action) {
    case 'sign_in': {
      // Service accounts log on as services (5), people over the network (3).
      data.LogonType = event.identity_type === 'user' ? '3' : '5';
      data.AuthenticationPackageName = 'Kerberos';
      if (failed) {
        data.Status = '0xC000006D';
        data.SubStatus = FAILURE_STATUS[event.reason ?? ''] ?? '0xC000006A';
      }
      return envelope(event, failed ? 4625 : 4624, computer, data);
    }
    case 'logoff':
      data.LogonType = event.identity_type === 'user' ? '3' : '5';
      return envelope(event, 4634, computer, data);
    case 'ticket':
      data.ServiceName = 'krbtgt';
      data.Status = failed ? '0x18' : '0x0';
      return envelope(event, 4768, DEFAULT_COMPUTER, data);
    default:
      return undefined;
  }
}

function accountRecord(event: AccountEvent): Json | undefined {
  const eventId = ACCOUNT_EVENT_IDS[event.change];
  if (eventId === undefined) return undefined;
  const group = event.change === 'group_added' || event.change === 'group_removed';
  const data: Json = group
    ? {
        MemberName: `CN=${event.identity.replace(/,/g, '\\,')},OU=Users,DC=corp,DC=example,DC=com`,
        TargetUserName: event.group ?? '-',
      }
    : { TargetUserName: event.identity };
  data.SubjectUserName = event.actor ?? '-';
  return envelope(event, eventId, event.application ?? DEFAULT_COMPUTER, data);
}

export function toWindows(event: VigilEvent): Json | undefined {
  if (event.kind === 'auth') return authRecord(event);
  if (event.kind === 'account') return accountRecord(event);
  return undefined;
}
