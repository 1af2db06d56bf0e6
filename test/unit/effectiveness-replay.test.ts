/**
 * `vigil replay` writes the effectiveness metrics to metrics.json (or
 * --metrics-out) and prints them in its summary. The figures are checked
 * against the replay's own output files and the simulator's labels, read
 * independently here: alerts.ndjson, decisions.ndjson, the input events and
 * FILE.labels.ndjson.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReplaySummary, type ReplayResult, replay } from '../../src/cli/replay.js';
import { writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-effectiveness-replay-'));
const input = join(dir, 'sim.ndjson');
const metricsOut = join(dir, 'elsewhere', 'effectiveness.json');
const ndjson = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

let result: ReplayResult;
let chosen: ReplayResult;

beforeAll(async () => {
  await writeSimulation({ out: input, events: 6000, seed: 11, format: 'canonical' });
  result = await replay({ input, format: 'canonical', out: join(dir, 'a'), now: NOW });
  chosen = await replay({ input, format: 'canonical', out: join(dir, 'b'), now: NOW, metricsOut });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay effectiveness metrics', () => {
  it('writes metrics.json next to the other outputs, with every metric', () => {
    const written = JSON.parse(readFileSync(join(dir, 'a', 'metrics.json'), 'utf8'));
    expect(written).toEqual(result.effectiveness);
    for (const key of [
      'precision',
      'recall',
      'alerts_per_day',
      'alerts_per_1000_identities',
      'time_to_detect',
      'time_to_enforce',
      'stepup_friction_per_1000',
      'signals_acknowledged_ratio',
    ]) {
      expect(written).toHaveProperty(key);
    }
    expect(written.source).toBe('replay');
    // A replay delivers no signals: acknowledgement is unknown, not zero.
    expect(written.signals_acknowledged_ratio).toBeNull();
  });

  it('writes to --metrics-out when given, with the same figures', () => {
    expect(chosen.metricsPath).toBe(metricsOut);
    expect(JSON.parse(readFileSync(metricsOut, 'utf8'))).toEqual(result.effectiveness);
  });

  it('agrees with the alerts, labels and input of the replay', () => {
    const labels = new Map(
      ndjson<{ event_id: string; incident: string }>(`${input}.labels.ndjson`).map((l) => [
        l.event_id,
        l.incident,
      ]),
    );
    const alerts = ndjson<{ event_ids: string[] }>(join(dir, 'a', 'alerts.ndjson'));
    const events = ndjson<{ id: string; time: number; identity: string; kind: string; action?: string }>(
      input,
    );
    const trueAlerts = alerts.filter((a) => a.event_ids.some((id) => labels.has(id))).length;
    const incidents = new Set(labels.values());
    const detected = new Set(alerts.flatMap((a) => a.event_ids.map((id) => labels.get(id)).filter(Boolean)));
    const times = events.map((e) => e.time);
    const spanDays = (Math.max(...times) - Math.min(...times)) / 86_400_000;
    const identities = new Set(events.map((e) => e.identity)).size;
    const benignSignIns = events.filter(
      (e) => e.kind === 'auth' && e.action === 'sign_in' && !labels.has(e.id),
    );

    const m = result.effectiveness;
    expect(alerts.length).toBeGreaterThan(0);
    expect(incidents.size).toBeGreaterThan(0);
    expect(m.alerts).toBe(alerts.length);
    expect(m.precision).toBeCloseTo(trueAlerts / alerts.length, 12);
    expect(m.recall).toBeCloseTo(detected.size / incidents.size, 12);
    expect(m.identities).toBe(identities);
    expect(m.alerts_per_day).toBeCloseTo(alerts.length / spanDays, 9);
    expect(m.alerts_per_1000_identities).toBeCloseTo((alerts.length * 1000) / identities, 9);
    expect(m.benign_sign_ins).toBe(benignSignIns.length);
  });

  it('counts step-up friction from the enforced step-ups in decisions.ndjson', () => {
    const labels = new Set(ndjson<{ event_id: string }>(`${input}.labels.ndjson`).map((l) => l.event_id));
    const decisions = ndjson<{ action: string; mode: string; event_id: string }>(
      join(dir, 'a', 'decisions.ndjson'),
    );
    const benignStepUps = decisions.filter(
      (d) => d.action === 'step_up' && d.mode === 'enforce' && !labels.has(d.event_id),
    ).length;
    const m = result.effectiveness;
    expect(m.benign_step_ups).toBe(benignStepUps);
    expect(m.stepup_friction_per_1000).toBeCloseTo((benignStepUps * 1000) / m.benign_sign_ins, 9);
  });

  it('has sane timings: never negative, one time to detect per detected incident', () => {
    const m = result.effectiveness;
    for (const summary of [m.time_to_detect, m.time_to_enforce]) {
      if (summary.count === 0) continue;
      expect(summary.mean_seconds!).toBeGreaterThanOrEqual(0);
      expect(summary.p95_seconds!).toBeGreaterThanOrEqual(0);
    }
    expect(m.time_to_detect.count).toBe(m.detected_incidents);
    expect(m.time_to_enforce.count).toBeLessThanOrEqual(m.alerts);
  });

  it('prints the metrics in the summary, after the existing lines', () => {
    const summary = formatReplaySummary(result);
    expect(summary).toMatch(/^records \d+ {2}scored \d+/);
    expect(summary).toContain('false alerts:');
    expect(summary).toContain(`precision ${result.effectiveness.precision!.toFixed(3)}`);
    expect(summary).toContain('step-up friction:');
    expect(summary).toContain(`metrics: ${join(dir, 'a', 'metrics.json')}`);
  });
});
