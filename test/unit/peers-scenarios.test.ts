/**
 * The peer detectors on simulator traffic: each catches every labelled
 * incident of its scenario in a small replay, and stays quiet for the same
 * victims' ordinary events (before and after the incident).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { replay } from '../../src/cli/replay.js';
import { createDetectors } from '../../src/detectors/index.js';
import type { Finding } from '../../src/detectors/types.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import { PeersSchema } from '../../src/peers/config.js';
import { parseDirectory } from '../../src/peers/directory.js';
import { PeerGroups } from '../../src/peers/peer-groups.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { formatDirectory, simulatedDirectory, writeDirectory } from '../../src/simulator/directory.js';
import { type ScenarioName, simulate, writeSimulation } from '../../src/simulator/index.js';

interface Outcome {
  incidents: Map<string, { identity: string; detected: boolean }>;
  /** Findings of the detector on the victims' unlabelled events. */
  quietBroken: Finding[];
  victimOrdinaryEvents: number;
}

function replayScenario(scenario: ScenarioName, detector: string, withDirectory: boolean): Outcome {
  const options = { seed: 11, events: 30_000, scenarios: [scenario] };
  const directory = withDirectory
    ? parseDirectory(formatDirectory(simulatedDirectory(options), 'csv'), 'directory.csv')
    : undefined;
  const config = Value.Default(
    PeersSchema,
    directory ? { directory: { path: 'directory.csv' } } : {},
  ) as never;
  const peers = new PeerGroups(config, directory ? { current: directory, version: 0 } : undefined);
  const set = createDetectors([detector], { [detector]: { enabled: true } });
  const analyzer = new Analyzer(new StateStore(DEFAULT_BASELINE), {
    authDetectors: set.auth,
    serviceDetectors: set.service,
    accountDetectors: set.account,
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment: { peers },
  });
  const items = [...simulate(options)];
  const victims = new Set(items.filter((item) => item.label).map((item) => item.event.identity));
  const incidents = new Map<string, { identity: string; detected: boolean }>();
  const quietBroken: Finding[] = [];
  let victimOrdinaryEvents = 0;
  for (const item of items) {
    const findings = analyzer.analyze(item.event).findings.filter((finding) => finding.detector === detector);
    if (item.label) {
      const incident = incidents.get(item.label.incident) ?? {
        identity: item.event.identity,
        detected: false,
      };
      incident.detected ||= findings.length > 0;
      incidents.set(item.label.incident, incident);
    } else if (victims.has(item.event.identity)) {
      victimOrdinaryEvents++;
      quietBroken.push(...findings);
    }
  }
  return { incidents, quietBroken, victimOrdinaryEvents };
}

describe('peer detectors on their simulator scenarios', () => {
  it('peer_first_access catches every peer_anomalous_access incident (directory groups) and stays quiet otherwise', () => {
    const outcome = replayScenario('peer_anomalous_access', 'peer_first_access', true);
    expect(outcome.incidents.size).toBeGreaterThan(0);
    for (const [incident, row] of outcome.incidents)
      expect({ incident, ...row }).toMatchObject({ detected: true });
    expect(outcome.victimOrdinaryEvents).toBeGreaterThan(100);
    expect(outcome.quietBroken.map((f) => f.summary)).toEqual([]);
  });

  it('peer_activity_outlier catches every data_hoarding incident (a day of downloads far above the department) and stays quiet otherwise', () => {
    const outcome = replayScenario('data_hoarding', 'peer_activity_outlier', true);
    expect(outcome.incidents.size).toBeGreaterThan(0);
    for (const [incident, row] of outcome.incidents)
      expect({ incident, ...row }).toMatchObject({ detected: true });
    expect(outcome.quietBroken.map((f) => f.summary)).toEqual([]);
  });

  it("data_movement_spike catches every data_hoarding incident and stays quiet for the victims' ordinary downloads", () => {
    const outcome = replayScenario('data_hoarding', 'data_movement_spike', false);
    expect(outcome.incidents.size).toBeGreaterThan(0);
    for (const [incident, row] of outcome.incidents)
      expect({ incident, ...row }).toMatchObject({ detected: true });
    expect(outcome.victimOrdinaryEvents).toBeGreaterThan(100);
    expect(outcome.quietBroken.map((f) => f.summary)).toEqual([]);
  });
});

describe('peer detectors through the replay command', () => {
  it('detects every incident of both peer scenarios with a pipeline that enables them and names a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-peers-replay-'));
    const input = join(dir, 'sim.ndjson');
    const options = {
      seed: 11,
      events: 30_000,
      scenarios: ['peer_anomalous_access', 'data_hoarding'] as ScenarioName[],
    };
    await writeSimulation({ ...options, out: input, format: 'canonical' });
    writeDirectory(join(dir, 'people.csv'), options);
    const pipeline = join(dir, 'peers.yaml');
    writeFileSync(
      pipeline,
      [
        `source: { type: file, path: ${input} }`,
        'detectors:',
        '  peer_first_access: { enabled: true }',
        '  peer_activity_outlier: { enabled: true }',
        '  data_movement_spike: { enabled: true }',
        'peers:',
        `  directory: { path: ${join(dir, 'people.csv')}, group_by: [department] }`,
      ].join('\n'),
    );
    const result = await replay({
      input,
      format: 'canonical',
      out: join(dir, 'out'),
      pipeline,
      now: () => Date.UTC(2026, 5, 1),
    });
    const scenarios = result.detection!.scenarios;
    expect(Object.keys(scenarios).sort()).toEqual(['data_hoarding', 'peer_anomalous_access']);
    for (const [scenario, row] of Object.entries(scenarios)) {
      expect(row.incidents).toBeGreaterThan(0);
      expect({ scenario, missed: row.incidents - row.detected }).toEqual({ scenario, missed: 0 });
    }
    expect(result.detection!.falseAlertsPer1k).toBeLessThan(0.5);
  });
});
