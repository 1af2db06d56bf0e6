import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/risk/decisions.js';
import { EVENT_TYPES, identitySubject, SetBuilder } from '../../src/signals/set.js';
import { headerProblems, setProblems } from '../../src/signals/validate.js';

const decision = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  id: '0123456789abcdef0123456789abcdef',
  time: Date.UTC(2026, 2, 2, 10),
  identity: 'ann@example.com',
  identity_type: 'user',
  rule: 'revoke_compromised_session',
  action: 'revoke_sessions',
  mode: 'enforce',
  level: 'critical',
  previous_level: 'none',
  score: 95,
  event_id: 'evt-1',
  event_risk: 95,
  detectors: ['impossible_travel'],
  reason: 'revoke_compromised_session → revoke_sessions',
  hold_ms: 3_600_000,
  session_id: 'sess-1',
  device_id: 'dev-1',
  signals: [],
  components: { detectors: 0.9 },
  alert_ids: [],
  policy_version: 'test',
  actor: 'engine',
  ...overrides,
});

const builder = new SetBuilder();
const eventOf = (set: Record<string, unknown>) =>
  Object.entries(set.events as Record<string, Record<string, unknown>>)[0];

describe('Security Event Tokens', () => {
  it('builds a CAEP session-revoked SET with a complex user + session + device subject', () => {
    const [signal] = builder.forDecision(decision(), {} as never);
    expect(setProblems(signal.set)).toEqual([]);
    expect(signal.set).toMatchObject({
      iss: 'https://vigil.example.com/',
      iat: Date.UTC(2026, 2, 2, 10) / 1000,
      txn: 'evt-1',
      sub_id: {
        format: 'complex',
        user: { format: 'email', email: 'ann@example.com' },
        session: { format: 'opaque', id: 'sess-1' },
        device: { format: 'opaque', id: 'dev-1' },
      },
    });
    expect('sub' in signal.set).toBe(false);
    expect('exp' in signal.set).toBe(false);
    const [type, claims] = eventOf(signal.set);
    expect(type).toBe(EVENT_TYPES.sessionRevoked);
    expect(claims).toMatchObject({ initiating_entity: 'policy', event_timestamp: signal.set.iat });
    expect(claims.reason_admin).toEqual({ en: expect.stringContaining('revoke_compromised_session') });
  });

  it('announces a step-up as an assurance-level-change with namespace, levels and direction', () => {
    const [signal] = builder.forDecision(
      decision({ action: 'step_up', rule: 'step_up_mfa_fatigue' }),
      {} as never,
    );
    expect(setProblems(signal.set)).toEqual([]);
    expect(eventOf(signal.set)).toEqual([
      EVENT_TYPES.assuranceLevelChange,
      expect.objectContaining({
        namespace: 'NIST-AAL',
        current_level: 'nist-aal1',
        previous_level: 'nist-aal2',
        change_direction: 'decrease',
      }),
    ]);
  });

  it('disables credentials with a credential-change and a RISC credential-compromise, one event per SET', () => {
    const signals = builder.forDecision(decision({ action: 'disable_credentials' }), {} as never);
    expect(signals.map((s) => s.event_type)).toEqual([
      EVENT_TYPES.credentialChange,
      EVENT_TYPES.credentialCompromise,
    ]);
    for (const signal of signals) expect(setProblems(signal.set)).toEqual([]);
    expect(new Set(signals.map((s) => s.jti)).size).toBe(2);
  });

  it('names workloads by their SPIFFE id (uri subject) when quarantining them', () => {
    const workload = 'spiffe://example.com/ns/shop/sa/cart';
    const signals = builder.forDecision(
      decision({ identity: workload, identity_type: 'workload', action: 'quarantine_workload' }),
      {} as never,
    );
    for (const signal of signals) {
      expect(signal.set.sub_id).toEqual({ format: 'uri', uri: workload });
      expect(setProblems(signal.set)).toEqual([]);
    }
    expect(signals.map((s) => s.event_type)).toEqual([
      EVENT_TYPES.sessionRevoked,
      EVENT_TYPES.accountDisabled,
    ]);
  });

  it('uses iss_sub for identities that are not email addresses', () => {
    expect(identitySubject('CORP\\svc-backup', 'service_account', builder.settings)).toEqual({
      format: 'iss_sub',
      iss: 'https://idp.example.com/',
      sub: 'CORP\\svc-backup',
    });
  });

  it('reports a risk-level change with principal and CAEP levels', () => {
    const signal = builder.forRiskLevelChange(
      {
        identity: 'ann@example.com',
        identity_type: 'user',
        time: Date.UTC(2026, 2, 2),
        current: 'HIGH',
        previous: 'LOW',
        score: 90,
        reason: 'IMPOSSIBLE_TRAVEL',
        event_id: 'evt-9',
      },
      {} as never,
    );
    expect(setProblems(signal.set)).toEqual([]);
    expect(eventOf(signal.set)[1]).toMatchObject({
      principal: 'USER',
      current_level: 'HIGH',
      previous_level: 'LOW',
      risk_reason: 'IMPOSSIBLE_TRAVEL',
    });
  });
});

describe('the SET validator', () => {
  const valid = () => builder.forDecision(decision(), {} as never)[0].set;

  it('flags a sub claim, an exp claim, two events and missing required claims', () => {
    expect(setProblems({ ...valid(), sub: 'x' })).toEqual([expect.stringContaining('sub_id')]);
    expect(setProblems({ ...valid(), exp: 1 })).toEqual([expect.stringContaining('exp')]);
    const twoEvents = {
      ...valid(),
      events: { [EVENT_TYPES.sessionRevoked]: {}, [EVENT_TYPES.accountDisabled]: {} },
    };
    expect(setProblems(twoEvents)).toEqual([expect.stringContaining('exactly one event')]);
    const { jti: _jti, ...noJti } = valid();
    expect(setProblems(noJti)).toEqual(['claim "jti" is required']);
  });

  it('flags missing event-specific claims and bad enumerations', () => {
    const set = { ...valid(), events: { [EVENT_TYPES.riskLevelChange]: { current_level: 'SEVERE' } } };
    expect(setProblems(set)).toEqual([
      `${EVENT_TYPES.riskLevelChange} requires "principal"`,
      `${EVENT_TYPES.riskLevelChange}: "current_level" must be one of LOW, MEDIUM, HIGH`,
    ]);
  });

  it('flags subjects of unknown format or missing members', () => {
    expect(setProblems({ ...valid(), sub_id: { format: 'email' } })).toEqual([
      'sub_id: format "email" requires "email"',
    ]);
    expect(setProblems({ ...valid(), sub_id: { format: 'nickname', name: 'x' } })).toEqual([
      'sub_id: unknown subject format "nickname"',
    ]);
  });

  it('requires the secevent+jwt type, a real algorithm and a key id in the JOSE header', () => {
    expect(headerProblems({ alg: 'ES256', typ: 'secevent+jwt', kid: 'k' })).toEqual([]);
    expect(headerProblems({ alg: 'none', typ: 'JWT' })).toHaveLength(3);
  });
});
