import { describe, expect, it } from 'vitest';
import { IdentityState } from '../../src/baseline/identity-state.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import type { Finding } from '../../src/detectors/types.js';
import type { BatchOutput } from '../../src/engine/types.js';
import type { VigilEvent } from '../../src/events/schema.js';
import { DEFAULT_ACCUMULATOR } from '../../src/risk/accumulator.js';
import { ResponseStage } from '../../src/risk/decisions.js';
import { Policy } from '../../src/risk/policy.js';
import { DEFAULT_POLICY_RULES } from '../../src/risk/policy-config.js';
import { SetBuilder } from '../../src/signals/set.js';

const T0 = Date.UTC(2026, 2, 2, 10);
const MINUTE = 60_000;

function signIn(identity: string, at: number, extra: Partial<VigilEvent> = {}): VigilEvent {
  return {
    kind: 'auth',
    id: `e-${identity}-${at}`,
    time: at,
    identity,
    identity_type: 'user',
    action: 'sign_in',
    outcome: 'success',
    application: 'outlook',
    session_id: 's-1',
    ...extra,
  } as VigilEvent;
}

const finding = (detector: string, severity = 0.95): Finding => ({
  detector,
  severity,
  summary: detector,
  evidence: {},
});

function stage(policy: Record<string, unknown> = {}) {
  const config = parsePipeline({ source: { type: 'simulator' }, policy });
  return new ResponseStage({
    accumulator: DEFAULT_ACCUMULATOR,
    policy: new Policy(config.policy),
    riskLevelChanges: { enabled: true, minLevel: 'HIGH' },
    signals: new SetBuilder(),
  });
}

function run(
  response: ResponseStage,
  state: IdentityState,
  event: VigilEvent,
  risk: number,
  findings: Finding[],
) {
  const output: BatchOutput = { scores: [], alerts: [], deadLetters: [] };
  response.respond(event, { risk, findings }, state, output);
  return output;
}

describe('response policy', () => {
  it('ships the documented default rules', () => {
    const config = parsePipeline({ source: { type: 'simulator' } });
    expect(config.policy.rules.map((r) => r.name)).toEqual(DEFAULT_POLICY_RULES.map((r) => r.name));
  });

  it('revokes sessions on a critical impossible-travel sign-in, with the rule that fired', () => {
    const response = stage();
    const state = new IdentityState('ann@example.com', 'user');
    const out = run(response, state, signIn('ann@example.com', T0), 95, [finding('impossible_travel')]);
    expect(out.decisions).toHaveLength(1);
    expect(out.decisions![0]).toMatchObject({
      rule: 'revoke_compromised_session',
      action: 'revoke_sessions',
      mode: 'enforce',
      level: 'critical',
    });
    expect(out.signals!.map((s) => Object.keys(s.set.events as object)[0])).toContain(
      'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
    );
  });

  it('does not decide the same action again within the cool-down, and decides again after it', () => {
    const response = stage();
    const state = new IdentityState('ann@example.com', 'user');
    run(response, state, signIn('ann@example.com', T0), 95, [finding('impossible_travel')]);
    const again = run(response, state, signIn('ann@example.com', T0 + 10 * MINUTE), 95, [
      finding('impossible_travel'),
    ]);
    expect(again.decisions ?? []).toEqual([]);
    const later = run(response, state, signIn('ann@example.com', T0 + 61 * MINUTE), 95, [
      finding('impossible_travel'),
    ]);
    expect(later.decisions).toHaveLength(1);
  });

  it('records a dry-run decision but sends no signal', () => {
    const rules = DEFAULT_POLICY_RULES.map((rule) => ({ ...rule, dry_run: true }));
    const response = stage({ rules });
    const state = new IdentityState('ann@example.com', 'user');
    const out = run(response, state, signIn('ann@example.com', T0), 95, [finding('impossible_travel')]);
    expect(out.decisions![0]).toMatchObject({ mode: 'dry_run', signals: [] });
    const setEvents = (out.signals ?? []).map((s) => Object.keys(s.set.events as object)[0]);
    expect(setEvents.every((type) => type.endsWith('risk-level-change'))).toBe(true);
  });

  it('never acts on allowlisted identities (exact or glob), but records what it would have done', () => {
    const response = stage({ allowlist: ['breakglass-*@example.com'] });
    const state = new IdentityState('breakglass-1@example.com', 'user');
    const out = run(response, state, signIn('breakglass-1@example.com', T0), 95, [
      finding('impossible_travel'),
    ]);
    expect(out.decisions![0]).toMatchObject({ mode: 'allowlisted', signals: [] });
  });

  it('asks for a step-up on MFA fatigue even at a low accumulated level', () => {
    const response = stage();
    const state = new IdentityState('bo@example.com', 'user');
    const event = signIn('bo@example.com', T0, { action: 'mfa', outcome: 'failure' } as Partial<VigilEvent>);
    const out = run(response, state, event, 50, [finding('mfa_fatigue', 0.5)]);
    expect(out.decisions![0]).toMatchObject({ rule: 'step_up_mfa_fatigue', action: 'step_up' });
  });

  it('revokes a high-risk identity that reaches for a sensitive application', () => {
    const response = stage();
    const state = new IdentityState('cy@example.com', 'user');
    run(response, state, signIn('cy@example.com', T0), 70, [finding('new_device_location', 0.7)]);
    const out = run(
      response,
      state,
      signIn('cy@example.com', T0 + 2 * MINUTE, {
        action: 'token_use',
        application: 'payroll',
      } as Partial<VigilEvent>),
      0,
      [],
    );
    expect(out.decisions![0]).toMatchObject({
      rule: 'revoke_risky_sensitive_access',
      action: 'revoke_sessions',
    });
  });

  it('stays quiet for ordinary events', () => {
    const response = stage();
    const state = new IdentityState('dee@example.com', 'user');
    const out = run(response, state, signIn('dee@example.com', T0), 42, [finding('rare_hour', 0.42)]);
    expect(out.decisions ?? []).toEqual([]);
    expect(out.signals ?? []).toEqual([]);
  });

  it('gives the same decision id and jti when the same events are processed again', () => {
    const first = run(
      stage(),
      new IdentityState('ann@example.com', 'user'),
      signIn('ann@example.com', T0),
      95,
      [finding('impossible_travel')],
    );
    const second = run(
      stage(),
      new IdentityState('ann@example.com', 'user'),
      signIn('ann@example.com', T0),
      95,
      [finding('impossible_travel')],
    );
    expect(second.decisions![0].id).toBe(first.decisions![0].id);
    expect(second.signals!.map((s) => s.jti)).toEqual(first.signals!.map((s) => s.jti));
  });

  it('rejects an unknown action in the YAML, naming the key', () => {
    expect(() =>
      parsePipeline({
        source: { type: 'simulator' },
        policy: { rules: [{ name: 'x', when: {}, action: 'nuke' }] },
      }),
    ).toThrow(/policy\.rules\.0\.action/);
  });
});
