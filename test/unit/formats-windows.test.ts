import { describe, expect, it } from 'vitest';
import { decodeOne, fixtures, rejectionOf } from '../support/fixtures.js';

const windows = fixtures('windows');

describe('Windows Security events, Winlogbeat rendering', () => {
  it('maps a failed network logon (4625) field by field, with the NTSTATUS reason', () => {
    expect(decodeOne('windows', windows.winlogbeat4625)).toEqual({
      kind: 'auth',
      id: 'win:srv01.corp.example.com:918273',
      time: Date.UTC(2026, 0, 5, 9, 0, 0, 123),
      identity: 'CORP\\alice',
      identity_type: 'user',
      action: 'sign_in',
      outcome: 'failure',
      reason: 'bad_password (0xc000006a, logon type 3 network)',
      auth_method: 'ntlm:network',
      src_ip: '10.0.0.5',
      device: { id: 'WKS-042' },
      application: 'srv01.corp.example.com',
    });
  });

  it('maps a machine account logon to a service account, never a person', () => {
    expect(decodeOne('windows', windows.winlogbeat4624Machine)).toMatchObject({
      identity: 'WKS-042$',
      identity_type: 'service_account',
      action: 'sign_in',
      outcome: 'success',
      auth_method: 'kerberos:network',
      session_id: '0x3e7a1',
    });
  });

  it('dead-letters a logon whose user is "-" as no_identity', () => {
    expect(rejectionOf('windows', windows.winlogbeat4624NoUser)).toMatchObject({ code: 'no_identity' });
  });

  it('dead-letters an event id it does not map', () => {
    expect(rejectionOf('windows', windows.unsupported)).toMatchObject({
      code: 'unsupported_event_type',
      field: '/EventID',
    });
  });
});

describe('Windows Security events, NXLog rendering', () => {
  it('maps a failed TGT request (4768) with its Kerberos result code; a zone-less time is read as UTC', () => {
    expect(decodeOne('windows', windows.nxlog4768)).toEqual({
      kind: 'auth',
      id: 'win:dc01.corp.example.com:55501',
      time: Date.UTC(2026, 0, 5, 10),
      identity: 'CORP.EXAMPLE.COM\\bob',
      identity_type: 'user',
      action: 'ticket',
      outcome: 'failure',
      reason: 'bad_password (0x18)',
      auth_method: 'kerberos',
      src_ip: '10.0.0.77',
      application: 'krbtgt',
    });
  });

  it('maps a member added to Domain Admins (4728); a +02:00 time becomes UTC', () => {
    expect(decodeOne('windows', windows.nxlog4728)).toEqual({
      kind: 'account',
      id: 'win:dc01.corp.example.com:55502',
      time: Date.UTC(2026, 0, 5, 9),
      identity: 'Bob Builder',
      identity_type: 'user',
      change: 'group_added',
      actor: 'CORP\\admin',
      actor_type: 'user',
      group: 'Domain Admins',
      application: 'dc01.corp.example.com',
    });
  });
});

describe('Windows Security events, EVTX-to-JSON rendering', () => {
  it('maps an account created (4720) from Event.System / Event.EventData, cutting 100 ns ticks', () => {
    expect(decodeOne('windows', windows.evtx4720)).toMatchObject({
      kind: 'account',
      id: 'win:dc01.corp.example.com:7001',
      time: Date.UTC(2026, 0, 5, 12, 0, 0, 123),
      identity: 'CORP\\carol',
      change: 'created',
      actor: 'CORP\\admin',
    });
  });

  it('maps NTLM validation (4776) from System fields beside an XML-shaped EventData', () => {
    expect(decodeOne('windows', windows.evtxFlattened4776)).toMatchObject({
      id: 'win:dc01.corp.example.com:7002',
      identity: 'dave',
      action: 'sign_in',
      outcome: 'failure',
      reason: 'no_such_user (0xc0000064)',
      auth_method: 'ntlm',
      device: { id: 'WKS-007' },
    });
  });
});
