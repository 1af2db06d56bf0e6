/**
 * Device posture end to end through the replay path (the engine as a
 * pipeline builds it, with the default policy): each device scenario's
 * incidents are alerted by their detector, identities never attacked get no
 * device alert and no decision, and a failing device implicated while its
 * user is at high risk is quarantined with a CAEP device-compliance-change
 * SET that validates.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';
import type { AlertRecord } from '../../src/engine/types.js';
import type { AuthEvent } from '../../src/events/schema.js';
import type { DecisionRecord, SignalRecord } from '../../src/risk/decisions.js';
import { EVENT_TYPES } from '../../src/signals/set.js';
import { setProblems } from '../../src/signals/validate.js';
import { writeSimulation } from '../../src/simulator/index.js';

const SCENARIO_DETECTOR = {
  unmanaged_device_sign_in: 'unmanaged_device',
  device_posture_drop: 'device_posture_degraded',
  shared_device: 'shared_device',
} as const;
const DEVICE_DETECTORS: string[] = Object.values(SCENARIO_DETECTOR);

const dir = mkdtempSync(join(tmpdir(), 'vigil-devices-'));
const input = join(dir, 'sim.ndjson');
const readNdjson = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

let alerts: AlertRecord[];
let decisions: DecisionRecord[];
let signals: SignalRecord[];
let events: Map<string, AuthEvent>;
/** event id → its label */
let labels: Map<string, { scenario: keyof typeof SCENARIO_DETECTOR; incident: string }>;
const attacked = new Set<string>();

beforeAll(async () => {
  await writeSimulation({
    out: input,
    events: 30_000,
    seed: 11,
    format: 'canonical',
    scenarios: Object.keys(SCENARIO_DETECTOR) as (keyof typeof SCENARIO_DETECTOR)[],
  });
  // The default policy (no `policy:` key), with the embedded pipeline's baseline settings.
  const pipeline = join(dir, 'pipeline.yaml');
  writeFileSync(
    pipeline,
    JSON.stringify({
      name: 'devices',
      source: { type: 'simulator' },
      baseline: { mature_events: 20, mature_days: 3, learn_below_risk: 50 },
    }),
  );
  await replay({
    input,
    format: 'canonical',
    out: join(dir, 'out'),
    pipeline,
    now: () => Date.UTC(2026, 5, 1),
  });
  alerts = readNdjson(join(dir, 'out', 'alerts.ndjson'));
  decisions = readNdjson(join(dir, 'out', 'decisions.ndjson'));
  signals = readNdjson(join(dir, 'out', 'signals.ndjson'));
  events = new Map(readNdjson<AuthEvent>(input).map((event) => [event.id, event]));
  labels = new Map(
    readNdjson<{ event_id: string; scenario: keyof typeof SCENARIO_DETECTOR; incident: string }>(
      `${input}.labels.ndjson`,
    ).map((label) => [label.event_id, label]),
  );
  for (const id of labels.keys()) attacked.add(events.get(id)!.identity);
}, 120_000);

describe('device posture in a replay of simulated traffic', () => {
  it('alerts every incident of each device scenario with its detector', () => {
    const incidents = new Map<string, { scenario: string; alerted: boolean }>();
    for (const label of labels.values())
      incidents.set(label.incident, { scenario: label.scenario, alerted: false });
    for (const alert of alerts) {
      for (const id of alert.event_ids) {
        const label = labels.get(id);
        if (label && SCENARIO_DETECTOR[label.scenario] === alert.kind)
          incidents.get(label.incident)!.alerted = true;
      }
    }
    expect(new Set([...incidents.values()].map((row) => row.scenario)).size).toBe(3);
    for (const [incident, row] of incidents) expect({ incident, ...row }).toMatchObject({ alerted: true });
  });

  it('raises no device alert and no decision about identities that were never attacked', () => {
    const deviceAlertsOnNormal = alerts.filter(
      (alert) => DEVICE_DETECTORS.includes(alert.kind) && !attacked.has(alert.identity),
    );
    expect(deviceAlertsOnNormal.map((alert) => alert.summary)).toEqual([]);
    expect(decisions.filter((decision) => !attacked.has(decision.identity))).toEqual([]);
  });

  it("quarantines a posture-drop victim's device with a device-compliance-change SET that validates", () => {
    const quarantines = decisions.filter((decision) => decision.action === 'quarantine_device');
    expect(quarantines.length).toBeGreaterThan(0);
    for (const decision of quarantines) {
      expect(decision.device_id).toBe(events.get(decision.event_id)!.device!.id);
      const [signal] = signals.filter((s) => s.decision_id === decision.id);
      expect(signal.event_type).toBe(EVENT_TYPES.deviceComplianceChange);
      expect(signal.set.sub_id).toMatchObject({ format: 'complex', device: { id: decision.device_id } });
    }
    const victims = new Set(
      [...labels]
        .filter(([, l]) => l.scenario === 'device_posture_drop')
        .map(([id]) => events.get(id)!.identity),
    );
    expect(quarantines.some((decision) => victims.has(decision.identity))).toBe(true);
  });

  it('emits only SETs that satisfy the spec-derived validator', () => {
    expect(signals.length).toBeGreaterThan(0);
    for (const signal of signals)
      expect({ jti: signal.jti, problems: setProblems(signal.set) }).toEqual({
        jti: signal.jti,
        problems: [],
      });
  });
});
