/**
 * Feature extraction: each event's vector describes it against the
 * identity's baseline as it stood before the event.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import type { VigilEvent } from '../../src/events/schema.js';
import { AUTH_FEATURES, FeatureBatch, SERVICE_FEATURES } from '../../src/features/index.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import {
  at,
  authEvent,
  BERLIN,
  HOUR,
  NEW_YORK,
  officeHistory,
  serviceEvent,
  T0,
  workloadHistory,
} from '../support/events.js';

/** Feeds `history`, then `event`, and returns the event's features by name. */
function featuresOf(history: readonly VigilEvent[], event: VigilEvent): Record<string, number> {
  const features = new FeatureBatch(8);
  const analyzer = new Analyzer(new StateStore(DEFAULT_BASELINE), {
    authDetectors: [],
    serviceDetectors: [],
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    features,
  });
  for (const past of history) {
    features.startBatch(1);
    analyzer.analyze(past);
  }
  features.startBatch(1);
  analyzer.analyze(event);
  const matrix = features.matrix(event.kind === 'auth' ? 'auth' : 'service');
  expect(matrix.rows).toBe(1);
  const names = event.kind === 'auth' ? AUTH_FEATURES : SERVICE_FEATURES;
  return Object.fromEntries(names.map((name, i) => [name, matrix.data[i]]));
}

describe('auth features', () => {
  const history = officeHistory(14, 4);

  it('marks a device the identity never used as novel and fully rare', () => {
    const row = featuresOf(history, authEvent({ time: at(14, 10), device: { id: 'dev-unknown' } }));
    expect(row.device_novel).toBe(1);
    expect(row.device_rarity).toBe(1);
  });

  it('marks the usual device, address and country as known and common', () => {
    const row = featuresOf(history, authEvent({ time: at(14, 10) }));
    expect(row.device_novel).toBe(0);
    expect(row.device_rarity).toBe(0);
    expect(row.ip_novel).toBe(0);
    expect(row.country_novel).toBe(0);
    expect(row.application_novel).toBe(0);
    expect(row.baseline_maturity).toBeGreaterThan(0.5);
  });

  it('says nothing new about an attribute the event lacks', () => {
    const row = featuresOf(history, authEvent({ time: at(14, 10), device: undefined }));
    expect(row.device_novel).toBe(0);
    expect(row.device_rarity).toBe(0);
  });

  it('measures geo velocity from the last trusted location (Berlin → New York in 1 h)', () => {
    const last = history[history.length - 1];
    const row = featuresOf(
      history,
      authEvent({ time: last.time + HOUR, geo: NEW_YORK, src_ip: '203.0.113.9' }),
    );
    // ~6385 km great-circle minus 2 × 25 km accuracy, over one hour.
    expect(Math.expm1(row.geo_velocity_log_kmh)).toBeGreaterThan(6200);
    expect(Math.expm1(row.geo_velocity_log_kmh)).toBeLessThan(6400);
    expect(row.country_novel).toBe(1);
    expect(row.ip_novel).toBe(1);
  });

  it('gives no geo velocity for a sign-in from the same place', () => {
    const last = history[history.length - 1];
    const row = featuresOf(history, authEvent({ time: last.time + HOUR, geo: BERLIN }));
    expect(row.geo_velocity_log_kmh).toBe(0);
  });

  it('scores an hour the identity never works as rare, office hours as common', () => {
    const night = featuresOf(history, authEvent({ time: at(14, 3) }));
    const office = featuresOf(history, authEvent({ time: at(14, 9) }));
    expect(night.hour_of_week_rarity).toBe(1);
    expect(office.hour_of_week_rarity).toBeLessThan(0.2);
  });

  it('counts failures in the last 10 minutes and their surprise against the usual failure rate', () => {
    const base = at(14, 10);
    const failures = [0, 1, 2, 3].map((i) =>
      authEvent({ time: base + i * 60_000, outcome: 'failure', session_id: undefined }),
    );
    const row = featuresOf(
      [...history, ...failures],
      authEvent({ time: base + 5 * 60_000, outcome: 'failure' }),
    );
    expect(row.failed).toBe(1);
    expect(Math.round(Math.expm1(row.failures_10m_log))).toBe(5);
    expect(row.failure_surprise).toBeGreaterThan(0.5);
  });

  it('sees the time since the last successful sign-in', () => {
    const last = history[history.length - 1];
    const row = featuresOf(history, authEvent({ time: last.time + 2 * HOUR }));
    expect(Math.expm1(row.log_seconds_since_last_success)).toBeCloseTo(7200, 3);
  });
});

describe('service features', () => {
  const history = workloadHistory(7, 2);
  const after = T0 + 7 * 24 * HOUR + 10 * HOUR;

  it('marks a destination and route the workload never called as novel', () => {
    const row = featuresOf(
      history,
      serviceEvent({ time: after, destination: 'vault.sec.svc', route: '/v1/secrets/{id}', method: 'GET' }),
    );
    expect(row.destination_novel).toBe(1);
    expect(row.route_novel).toBe(1);
    expect(row.bytes_out_z).toBe(0);
  });

  it('turns an exfiltration-sized response on a known edge into a large bytes-out z-score', () => {
    const usual = featuresOf(history, serviceEvent({ time: after, bytes_out: 1200 }));
    const huge = featuresOf(history, serviceEvent({ time: after, bytes_out: 50_000_000 }));
    expect(usual.destination_novel).toBe(0);
    expect(Math.abs(usual.bytes_out_z)).toBeLessThan(2);
    expect(huge.bytes_out_z).toBeGreaterThan(8);
  });

  it('reports status class, denial and fan-out in the window', () => {
    const row = featuresOf(history, serviceEvent({ time: after, status: 403 }));
    expect(row.status_class).toBe(4);
    expect(row.denied).toBe(1);
    expect(Math.round(Math.expm1(row.denied_10m_log))).toBe(1);
    expect(Math.round(Math.expm1(row.fanout_10m_log))).toBeGreaterThanOrEqual(1);
    expect(row.log_seconds_since_previous_call).toBeGreaterThan(0);
  });
});

describe('feature batch', () => {
  it('grows past its initial capacity without losing rows', () => {
    const features = new FeatureBatch(2);
    const analyzer = new Analyzer(new StateStore(DEFAULT_BASELINE), {
      authDetectors: [],
      serviceDetectors: [],
      learnBelowRisk: 50,
      weights: DEFAULT_WEIGHTS,
      features,
    });
    const events = officeHistory(2, 4);
    features.startBatch(1);
    for (const event of events) analyzer.analyze(event);
    expect(features.auth.rows).toBe(events.length);
    expect(features.auth.row(events.length - 1)[AUTH_FEATURES.indexOf('device_novel')]).toBe(0);
    expect(features.auth.row(0)[AUTH_FEATURES.indexOf('device_novel')]).toBe(1);
  });
});
