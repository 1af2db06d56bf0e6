/**
 * Production effectiveness: the engine's recent window fed batch by batch
 * through EngineMetrics, read by `GET /api/effectiveness` and exported as
 * Prometheus gauges. Two hand-built batches thirty hours apart; the first
 * falls out of the 24-hour window. Expected values are worked out in the
 * comments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackService } from '../../src/api/feedback.js';
import { EngineMetrics } from '../../src/api/metrics.js';
import { buildServer } from '../../src/api/server.js';
import type { AlertRecord, BatchOutput, ScoreRecord } from '../../src/engine/types.js';
import { EffectivenessWindow, pushDelivery } from '../../src/evaluation/effectiveness-window.js';
import type { DecisionRecord } from '../../src/risk/decisions.js';
import { EnforcementTable } from '../../src/signals/enforcement.js';
import type { SigningKey } from '../../src/signals/keys.js';
import type { QueryStore } from '../../src/store/queries.js';
import { renderEffectiveness } from '../../web/effectiveness.js';
import { bearer, tokenRoles } from '../support/api-server.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const at = (hours: number) => T0 + hours * HOUR;

const score = (
  id: string,
  hours: number,
  identity: string,
  kind: ScoreRecord['kind'] = 'auth',
): ScoreRecord => ({
  event_id: id,
  time: at(hours),
  kind,
  identity,
  risk: 10,
  components: { detectors: 0.1 },
});

const alert = (id: string, hours: number, identity: string, eventId: string): AlertRecord => ({
  id,
  time: at(hours),
  identity,
  identity_type: 'user',
  kind: 'new_country',
  severity: 0.7,
  risk: 70,
  summary: `alert ${id}`,
  evidence: {},
  event_ids: [eventId],
});

const decision = (
  hours: number,
  identity: string,
  action: DecisionRecord['action'],
  mode: DecisionRecord['mode'],
): DecisionRecord => ({
  id: `d-${identity}-${hours}`,
  time: at(hours),
  identity,
  identity_type: 'user',
  rule: 'test',
  action,
  mode,
  level: 'high',
  previous_level: 'medium',
  score: 70,
  event_id: `e-${identity}-${hours}`,
  event_risk: 70,
  detectors: [],
  reason: 'test',
  hold_ms: 0,
  signals: [],
  components: {},
  alert_ids: [],
  policy_version: 'test',
  actor: 'engine',
});

// Batch 1 (hours 0–2): falls out of the window once batch 2 arrives (latest event at 30 h → window from 6 h).
const OLD: BatchOutput = {
  scores: [score('s1', 0, 'alice'), score('s2', 1, 'bob'), score('s3', 2, 'svc-a', 'service')],
  alerts: [alert('A1', 0, 'alice', 's1')],
  deadLetters: [],
  decisions: [decision(0, 'alice', 'step_up', 'enforce')],
};

// Batch 2 (hours 26–30).
const RECENT: BatchOutput = {
  scores: [
    score('s4', 26, 'alice'),
    score('s5', 27, 'bob'),
    score('s6', 28, 'carol'),
    score('s7', 30, 'carol'),
  ],
  alerts: [alert('A2', 27, 'bob', 's5'), alert('A3', 28, 'carol', 's6'), alert('A4', 28, 'carol', 's6')],
  deadLetters: [],
  decisions: [
    decision(27.5, 'bob', 'revoke_sessions', 'enforce'), // A2 → 0.5 h = 1,800 s
    decision(28, 'carol', 'step_up', 'dry_run'), // not enforced
    decision(30, 'carol', 'step_up', 'enforce'), // A3, A4 → 2 h = 7,200 s each
  ],
};

describe('the production effectiveness window', () => {
  it('reports volume, time to enforce and friction over the last 24 hours of event time', () => {
    const window = new EffectivenessWindow({ refreshMs: 0, operatingThreshold: 0.6 });
    window.observe(OLD);
    window.observe(RECENT);
    const report = window.report();
    // Window 6 h → 30 h: alerts A2, A3, A4; identities alice, bob, carol (svc-a last seen at 2 h).
    expect(report.alerts).toBe(3);
    expect(report.identities).toBe(3);
    expect(report.span_ms).toBe(24 * HOUR);
    expect(report.alerts_per_day).toBe(3);
    expect(report.alerts_per_1000_identities).toBe(1000);
    // 1,800, 7,200, 7,200 s: mean 5,400 s; nearest-rank median (rank 2) and p95 (rank 3) 7,200 s.
    expect(report.time_to_enforce).toEqual({
      count: 3,
      mean_seconds: 5400,
      median_seconds: 7200,
      p95_seconds: 7200,
    });
    // Enforced step-ups in the window: carol at 30 h only. Auth events in it: s4–s7 = 4. 1/4 × 1000.
    expect(report.benign_step_ups).toBe(1);
    expect(report.benign_sign_ins).toBe(4);
    expect(report.stepup_friction_per_1000).toBe(250);
    // Nothing attached: no verdicts and no delivery state, so null rather than 0.
    expect(report.precision).toBeNull();
    expect(report.signals_acknowledged_ratio).toBeNull();
    expect(report.recall).toBeNull();
  });

  it('recomputes at most every refreshMs of wall clock', () => {
    let now = 0;
    const window = new EffectivenessWindow({ refreshMs: 10_000, now: () => now });
    window.observe(OLD);
    expect(window.report().alerts).toBe(1);
    window.observe(RECENT);
    now = 9_999;
    expect(window.report().alerts).toBe(1);
    now = 10_000;
    expect(window.report().alerts).toBe(3);
  });
});

describe('GET /api/effectiveness and the Prometheus gauges', () => {
  let app: FastifyInstance;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vigil-effectiveness-'));
    const window = new EffectivenessWindow({ refreshMs: 0, operatingThreshold: 0.6 });
    window.attach({ delivery: () => ({ sent: 10, acknowledged: 9 }) });
    const metrics = new EngineMetrics('test');
    metrics.trackEffectiveness(window);
    const feedback = new FeedbackService({ path: join(directory, 'feedback.ndjson'), suppressMs: 60_000 });
    for (const output of [OLD, RECENT]) {
      metrics.observeBatch(output, 5);
      await feedback.sink.write(output);
    }
    const unusedKey: SigningKey = { kid: 'test', publicJwk: {}, sign: async () => 'unsigned' };
    app = await buildServer({
      issuer: 'https://vigil.test',
      key: unusedKey,
      enforcement: new EnforcementTable(),
      push: false,
      feedback: { service: feedback, tokens: tokenRoles },
      // The effectiveness route and /metrics never read the store.
      analyst: { tokens: tokenRoles, queries: {} as QueryStore, metrics, effectiveness: window },
    });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const verdict = (id: string, value: string) =>
    app.inject({
      method: 'POST',
      url: `/api/alerts/${id}/feedback`,
      headers: bearer('analyst'),
      payload: { verdict: value },
    });

  it('answers 401 without a token and gives viewers the report', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/effectiveness' })).statusCode).toBe(401);
    const response = await app.inject({
      method: 'GET',
      url: '/api/effectiveness',
      headers: bearer('viewer'),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.source).toBe('production');
    expect(body.alerts).toBe(3);
    expect(body.precision).toBeNull();
    expect(body.signals_acknowledged_ratio).toBe(0.9);
  });

  it('takes precision from analyst verdicts: confirmed / (confirmed + false positives)', async () => {
    for (const [id, value] of [
      ['A1', 'true_positive'],
      ['A2', 'true_positive'],
      ['A3', 'true_positive'],
      ['A4', 'false_positive'],
    ]) {
      expect((await verdict(id, value)).statusCode).toBeLessThan(300);
    }
    const body = (
      await app.inject({ method: 'GET', url: '/api/effectiveness', headers: bearer('viewer') })
    ).json();
    expect(body).toMatchObject({ true_alerts: 3, false_alerts: 1, precision: 0.75 });
  });

  it('exports the gauges on /metrics', async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const sample = (name: string) => {
      const match = new RegExp(`^${name}\\{pipeline="test"\\} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    expect(sample('vigil_effectiveness_precision')).toBe(0.75);
    expect(sample('vigil_alerts_per_day')).toBe(3);
    expect(sample('vigil_time_to_enforce_seconds')).toBe(5400);
    expect(sample('vigil_stepup_friction_per_1000')).toBe(250);
    expect(sample('vigil_signals_acknowledged_ratio')).toBe(0.9);
  });

  it('describes the route in the OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const schema =
      document.paths['/api/effectiveness'].get.responses['200'].content['application/json'].schema;
    expect(schema.properties.stepup_friction_per_1000).toBeDefined();
    expect(schema.properties.time_to_detect.properties.p95_seconds).toBeDefined();
  });
});

describe('the dashboard panel', () => {
  it('shows measured values, and a dash with the reason where a metric is null', () => {
    const window = new EffectivenessWindow({ refreshMs: 0 });
    window.observe(OLD);
    window.observe(RECENT);
    window.attach({ verdicts: () => ({ true_positive: 3, false_positive: 1 }) });
    const html = renderEffectiveness(window.report());
    expect(html).toContain('75.0%');
    expect(html).toContain('250.00');
    expect(html).toContain('90.0 min'); // mean time to enforce 5,400 s
    expect(html).toContain('no push delivery state known');
    expect(renderEffectiveness(undefined)).toContain('Effectiveness unavailable');
  });
});

describe('push delivery state', () => {
  it('counts delivered SETs as acknowledged, and rejected and pending ones as sent', () => {
    const receivers = [
      { stats: { delivered: 7, rejected: 1 }, outbox: { size: 2 } },
      { stats: { delivered: 3, rejected: 0 }, outbox: { size: 0 } },
    ];
    // acknowledged 7 + 3 = 10; sent 7 + 1 + 2 + 3 = 13.
    expect(pushDelivery(receivers)).toEqual({ sent: 13, acknowledged: 10 });
    expect(pushDelivery([])).toBeUndefined();
  });
});
