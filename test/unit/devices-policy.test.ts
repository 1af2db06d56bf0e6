/**
 * Device posture in the response path: posture conditions in the policy
 * decide, a device decision goes out as a CAEP device-compliance-change SET
 * that satisfies the spec-derived validator, and the check endpoint answers
 * for a quarantined device whoever uses it.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkRoutes } from '../../src/api/routes/check.js';
import { IdentityState } from '../../src/baseline/identity-state.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import type { EventFacts } from '../../src/context/environment.js';
import type { Finding } from '../../src/detectors/types.js';
import type { BatchOutput } from '../../src/engine/types.js';
import type { AuthEvent } from '../../src/events/schema.js';
import { DEFAULT_ACCUMULATOR } from '../../src/risk/accumulator.js';
import { ResponseStage } from '../../src/risk/decisions.js';
import { Policy } from '../../src/risk/policy.js';
import { EnforcementTable } from '../../src/signals/enforcement.js';
import { EVENT_TYPES, SetBuilder } from '../../src/signals/set.js';
import { setProblems } from '../../src/signals/validate.js';

const T0 = Date.UTC(2026, 2, 2, 10);
const failingLaptop = { id: 'dev-ann-laptop', managed: true, compliant: false, edr: 'disabled' };

function event(application: string, at = T0): AuthEvent {
  return {
    kind: 'auth',
    id: `e-${application}-${at}`,
    time: at,
    identity: 'ann@example.com',
    identity_type: 'user',
    action: 'token_use',
    outcome: 'success',
    application,
    session_id: 's-1',
    device: failingLaptop,
  };
}

const facts = (usuallyCompliant: boolean): EventFacts => ({
  device: {
    id: failingLaptop.id,
    managed: true,
    compliant: false,
    edr: 'disabled',
    known: true,
    usually_compliant: usuallyCompliant,
  },
});

const finding = (detector: string, severity: number): Finding => ({
  detector,
  severity,
  summary: detector,
  evidence: {},
});

function defaultStage() {
  const config = parsePipeline({ source: { type: 'simulator' } });
  return new ResponseStage({
    accumulator: DEFAULT_ACCUMULATOR,
    policy: new Policy(config.policy),
    riskLevelChanges: { enabled: false, minLevel: 'HIGH' },
    signals: new SetBuilder(),
  });
}

function respond(
  stage: ResponseStage,
  state: IdentityState,
  e: AuthEvent,
  risk: number,
  findings: Finding[],
  f?: EventFacts,
) {
  const output: BatchOutput = { scores: [], alerts: [], deadLetters: [] };
  stage.respond(e, { risk, findings, facts: f }, state, output);
  return output;
}

describe('posture conditions in the default policy', () => {
  it('steps up a non-compliant device reaching a sensitive application once a device detector flags it', () => {
    const out = respond(
      defaultStage(),
      new IdentityState('ann@example.com', 'user'),
      event('payroll'),
      30,
      [finding('device_posture_degraded', 0.45)],
      facts(true),
    );
    expect(out.decisions?.map((d) => [d.rule, d.action, d.device_id])).toEqual([
      ['step_up_non_compliant_sensitive', 'step_up', 'dev-ann-laptop'],
    ]);
    expect(out.signals?.map((s) => s.event_type)).toEqual([EVENT_TYPES.assuranceLevelChange]);
  });

  it('leaves alone someone who always works from the same non-compliant device (no device detector fired)', () => {
    const out = respond(
      defaultStage(),
      new IdentityState('ann@example.com', 'user'),
      event('payroll'),
      0,
      [],
      facts(false),
    );
    expect(out.decisions ?? []).toEqual([]);
  });

  it('quarantines the device when a device detector fires while the identity is at high risk or above', () => {
    const stage = defaultStage();
    const state = new IdentityState('ann@example.com', 'user');
    const out = respond(
      stage,
      state,
      event('crm'),
      90,
      [finding('device_posture_degraded', 0.9)],
      facts(true),
    );
    const [decision] = out.decisions!;
    expect(decision).toMatchObject({
      rule: 'quarantine_failing_device',
      action: 'quarantine_device',
      mode: 'enforce',
      device_id: 'dev-ann-laptop',
    });
    expect(out.signals).toHaveLength(1);
    const [signal] = out.signals!;
    expect(signal.event_type).toBe(EVENT_TYPES.deviceComplianceChange);
    expect(signal.set.sub_id).toEqual({
      format: 'complex',
      device: { format: 'opaque', id: 'dev-ann-laptop' },
      user: { format: 'email', email: 'ann@example.com' },
    });
    expect(signal.set.events).toMatchObject({
      [EVENT_TYPES.deviceComplianceChange]: { previous_status: 'compliant', current_status: 'not-compliant' },
    });
    expect(setProblems(signal.set)).toEqual([]);
    expect(decision.signals).toEqual([signal.jti]);
  });

  it('does not quarantine a device on the same high risk without a device detector', () => {
    const out = respond(
      defaultStage(),
      new IdentityState('ann@example.com', 'user'),
      event('crm'),
      90,
      [finding('rare_hour', 0.9)],
      facts(true),
    );
    expect(out.decisions?.map((d) => d.action)).not.toContain('quarantine_device');
  });
});

describe('device-compliance-change validation (CAEP 1.0)', () => {
  const valid = () => {
    const out = respond(
      defaultStage(),
      new IdentityState('ann@example.com', 'user'),
      event('crm'),
      90,
      [finding('shared_device', 0.9)],
      facts(true),
    );
    return structuredClone(out.signals![0].set) as {
      sub_id: unknown;
      events: Record<string, Record<string, unknown>>;
    };
  };

  it('requires previous_status and current_status, each compliant or not-compliant', () => {
    const missing = valid();
    delete missing.events[EVENT_TYPES.deviceComplianceChange].previous_status;
    expect(setProblems(missing)).toEqual([
      `${EVENT_TYPES.deviceComplianceChange} requires "previous_status"`,
    ]);
    const wrong = valid();
    wrong.events[EVENT_TYPES.deviceComplianceChange].current_status = 'noncompliant';
    expect(setProblems(wrong)).toEqual([
      `${EVENT_TYPES.deviceComplianceChange}: "current_status" must be one of compliant, not-compliant`,
    ]);
  });

  it('requires a subject that names the device', () => {
    const userOnly = valid();
    userOnly.sub_id = { format: 'email', email: 'ann@example.com' };
    expect(setProblems(userOnly)).toEqual([
      `${EVENT_TYPES.deviceComplianceChange}: sub_id must name the device (a complex subject with "device")`,
    ]);
  });
});

describe('check endpoint for a device', () => {
  async function server(now = () => T0) {
    const enforcement = new EnforcementTable(now);
    const out = respond(
      defaultStage(),
      new IdentityState('ann@example.com', 'user'),
      event('crm'),
      90,
      [finding('device_posture_degraded', 0.9)],
      facts(true),
    );
    enforcement.apply(out.decisions);
    const app = Fastify();
    await app.register(checkRoutes, { enforcement });
    return app;
  }

  it('denies a quarantined device whoever uses it, and allows other devices', async () => {
    const app = await server();
    const byQuery = await app.inject({ url: '/v1/check?device=dev-ann-laptop' });
    expect(byQuery.statusCode).toBe(403);
    expect(byQuery.json()).toMatchObject({
      verdict: 'deny',
      device: 'dev-ann-laptop',
      action: 'quarantine_device',
    });
    const otherUser = await app.inject({
      url: '/v1/check/orders/7',
      headers: { 'x-vigil-subject': 'bob@example.com', 'x-vigil-device': 'dev-ann-laptop' },
    });
    expect(otherUser.statusCode).toBe(403);
    expect(otherUser.headers['x-vigil-decision']).toBe('quarantine_device');
    const otherDevice = await app.inject({ url: '/v1/check?subject=ann@example.com&device=dev-ann-phone' });
    expect(otherDevice.statusCode).toBe(200);
    expect(otherDevice.json()).toEqual({
      verdict: 'allow',
      subject: 'ann@example.com',
      device: 'dev-ann-phone',
    });
    await app.close();
  });

  it('lifts the quarantine when its hold ends, and asks for a subject or a device', async () => {
    let clock = T0;
    const app = await server(() => clock);
    clock = T0 + 61 * 60_000;
    expect((await app.inject({ url: '/v1/check?device=dev-ann-laptop' })).statusCode).toBe(200);
    const neither = await app.inject({ url: '/v1/check' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error).toBe('SUBJECT_MISSING');
    await app.close();
  });
});
