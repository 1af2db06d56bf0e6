/**
 * The device detectors on simulator traffic: each catches every labelled
 * incident of its scenario in a small replay, and stays quiet for the same
 * victims' ordinary events and for the devices those victims normally use.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { createDetectors } from '../../src/detectors/index.js';
import type { Finding } from '../../src/detectors/types.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { type ScenarioName, simulate } from '../../src/simulator/index.js';

const DEVICE_DETECTORS = ['unmanaged_device', 'device_posture_degraded', 'shared_device'];

interface Outcome {
  incidents: Map<string, { identity: string; detected: boolean }>;
  /** Findings of the detector under test on the victims' unlabelled events. */
  quietBroken: Finding[];
  victimOrdinaryEvents: number;
  /** Findings of any device detector on events of identities never attacked. */
  normalFindings: Finding[];
}

function replayScenario(scenario: ScenarioName, detector: string): Outcome {
  const options = { seed: 11, events: 30_000, scenarios: [scenario] };
  const set = createDetectors(DEVICE_DETECTORS);
  const store = new StateStore(DEFAULT_BASELINE);
  const analyzer = new Analyzer(store, {
    authDetectors: set.auth,
    serviceDetectors: set.service,
    accountDetectors: set.account,
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment: { devices: store.devices },
  });
  const items = [...simulate(options)];
  const victims = new Set(items.filter((item) => item.label).map((item) => item.event.identity));
  const outcome: Outcome = {
    incidents: new Map(),
    quietBroken: [],
    victimOrdinaryEvents: 0,
    normalFindings: [],
  };
  for (const item of items) {
    const findings = analyzer.analyze(item.event).findings;
    const own = findings.filter((finding) => finding.detector === detector);
    if (item.label) {
      const incident = outcome.incidents.get(item.label.incident) ?? {
        identity: item.event.identity,
        detected: false,
      };
      incident.detected ||= own.length > 0;
      outcome.incidents.set(item.label.incident, incident);
    } else if (victims.has(item.event.identity)) {
      outcome.victimOrdinaryEvents++;
      outcome.quietBroken.push(...own);
    } else {
      outcome.normalFindings.push(...findings);
    }
  }
  return outcome;
}

function expectCaughtAndQuiet(outcome: Outcome): void {
  expect(outcome.incidents.size).toBeGreaterThan(0);
  for (const [incident, row] of outcome.incidents)
    expect({ incident, ...row }).toMatchObject({ detected: true });
  expect(outcome.victimOrdinaryEvents).toBeGreaterThan(50);
  expect(outcome.quietBroken.map((finding) => finding.summary)).toEqual([]);
  expect(outcome.normalFindings.map((finding) => finding.summary)).toEqual([]);
}

describe('device detectors on their simulator scenarios', () => {
  it('unmanaged_device catches every unmanaged_device_sign_in incident and stays quiet otherwise', () => {
    expectCaughtAndQuiet(replayScenario('unmanaged_device_sign_in', 'unmanaged_device'));
  });

  it('device_posture_degraded catches every device_posture_drop incident and stays quiet otherwise', () => {
    expectCaughtAndQuiet(replayScenario('device_posture_drop', 'device_posture_degraded'));
  });

  it('shared_device catches every shared_device incident and stays quiet otherwise', () => {
    expectCaughtAndQuiet(replayScenario('shared_device', 'shared_device'));
  });
});
