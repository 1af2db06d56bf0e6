/**
 * Device posture from each input format: the canonical fields (OS version,
 * EDR and MDM status alongside managed / compliant / trust type / OS), and
 * what the OCSF and Okta mappers take from their sources.
 */
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../../src/events/schema.js';
import { decodeOne, fixtures, rejectionOf } from '../support/fixtures.js';

const ocsfLogon = {
  class_uid: 3002,
  category_uid: 3,
  activity_id: 1,
  type_uid: 300201,
  time: Date.UTC(2026, 0, 5, 9),
  metadata: { uid: 'evt-1', version: '1.1.0' },
  user: { name: 'alice@example.com', uid: 'u-1', type_id: 1 },
  status_id: 1,
  src_endpoint: { ip: '198.51.100.7' },
  device: {
    uid: 'dev-9',
    is_managed: true,
    is_compliant: true,
    os: { name: 'Windows', version: '10.0.22631' },
    agent_list: [{ name: 'Falcon', type_id: 1 }],
  },
};

const canonical = {
  kind: 'auth',
  id: 'c-1',
  time: Date.UTC(2026, 0, 5, 9),
  identity: 'alice@example.com',
  identity_type: 'user',
  action: 'sign_in',
  outcome: 'success',
  device: {
    id: 'dev-1',
    managed: true,
    compliant: true,
    trust_type: 'AzureAD',
    os: 'macOS',
    os_version: '14.5',
    edr: 'active',
    mdm: 'enrolled',
  },
};

describe('canonical device posture', () => {
  it('accepts OS version, EDR and MDM status', () => {
    expect((decodeOne('canonical', canonical) as AuthEvent).device).toEqual(canonical.device);
  });

  it('rejects an unknown device field, naming it', () => {
    const bad = { ...canonical, device: { ...canonical.device, jailbroken: true } };
    expect(rejectionOf('canonical', bad).field).toContain('/device');
  });
});

describe('OCSF device', () => {
  it('maps os.version and an EDR agent in agent_list', () => {
    expect((decodeOne('ocsf', ocsfLogon) as AuthEvent).device).toEqual({
      id: 'dev-9',
      managed: true,
      compliant: true,
      os: 'Windows',
      os_version: '10.0.22631',
      edr: 'active',
    });
  });

  it('reports EDR missing when the agent list names no EDR agent, and nothing when there is no list', () => {
    const noEdr = {
      ...ocsfLogon,
      device: { ...ocsfLogon.device, agent_list: [{ name: 'VPN', type_id: 6 }] },
    };
    expect((decodeOne('ocsf', noEdr) as AuthEvent).device?.edr).toBe('missing');
    const { agent_list: _, ...withoutList } = ocsfLogon.device;
    expect(
      (decodeOne('ocsf', { ...ocsfLogon, device: withoutList }) as AuthEvent).device?.edr,
    ).toBeUndefined();
  });
});

describe('Okta device context', () => {
  it('maps os_version and Okta Verify registration as the trust type', () => {
    const record = {
      ...fixtures('okta').sessionStartFailure,
      device: { id: 'guo-1', os_platform: 'MACOS', os_version: '14.5.0', managed: true, registered: true },
    };
    expect((decodeOne('okta', record) as AuthEvent).device).toEqual({
      id: 'guo-1',
      managed: true,
      trust_type: 'Registered',
      os: 'MACOS',
      os_version: '14.5.0',
    });
  });
});
