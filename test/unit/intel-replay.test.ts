/**
 * A small replay through the CLI's replay path: simulated traffic with the
 * anonymiser_sign_in scenario only, and the intel lists the simulated world
 * implies. The threat-intel detector must catch every incident and stay quiet
 * on everyone's ordinary events, the victims' included.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { type ReplayResult, replay } from '../../src/cli/replay.js';
import { createDetectors, DETECTOR_NAMES } from '../../src/detectors/index.js';
import { Analyzer } from '../../src/engine/analyzer.js';
import type { VigilEvent } from '../../src/events/schema.js';
import { ANONYMISER, CORPORATE_EGRESS, HOSTING } from '../../src/intel/categories.js';
import { IntelLists } from '../../src/intel/intel-lists.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { CORPORATE_VPN, HOSTING_NETWORKS } from '../../src/simulator/geography.js';
import { writeSimulation } from '../../src/simulator/index.js';
import { torExitAddresses, writeIntelLists } from '../../src/simulator/intel-lists.js';
import { hostingPlace } from '../../src/simulator/network.js';
import { Random } from '../../src/simulator/random.js';
import { feed } from '../support/analyzer.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-replay-'));
const input = join(dir, 'sim.ndjson');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));

let result: ReplayResult;
let labelled: Map<string, string>;
let listConfig: () => ConstructorParameters<typeof IntelLists>[0]['lists'];

beforeAll(async () => {
  await writeSimulation({
    out: input,
    events: 20_000,
    seed: 11,
    format: 'canonical',
    scenarios: ['anonymiser_sign_in'],
  });
  const lists = writeIntelLists(join(dir, 'intel'));
  listConfig = () =>
    lists.config.lists.map((list) => ({
      ...list,
      format: list.format,
      network_column: 'network',
      category_column: 'category',
    }));
  const pipeline = join(dir, 'pipeline.yaml');
  writeFileSync(
    pipeline,
    stringify({
      name: 'intel-replay',
      source: { type: 'simulator' },
      intel: { reload: false, ...lists.config },
    }),
  );
  result = await replay({ input, format: 'canonical', out: join(dir, 'out'), pipeline, now: NOW });
  labelled = new Map(lines(`${input}.labels.ndjson`).map((row) => [row.event_id, row.incident]));
});

describe('anonymiser sign-in replay with the simulated intel lists', () => {
  it('lists every hosting network attackers use, the Tor exits inside them, and the VPN egress', () => {
    const intel = new IntelLists({ reload: false, reload_debounce_ms: 0, lists: listConfig() });
    const rng = new Random(3);
    for (const network of HOSTING_NETWORKS)
      for (let i = 0; i < 20; i++)
        expect(intel.categoriesOf(hostingPlace(rng, network).ip) & HOSTING).toBe(HOSTING);
    for (const exit of torExitAddresses()) expect(intel.categoriesOf(exit)).toBe(ANONYMISER | HOSTING);
    for (const ip of CORPORATE_VPN.ips) expect(intel.categoriesOf(ip)).toBe(CORPORATE_EGRESS);
  });

  it('injects incidents whose attack events come from the listed Tor exits', () => {
    const exits = new Set(torExitAddresses());
    const events = lines(input);
    const attacks = events.filter((event) => labelled.has(event.id));
    expect(attacks.length).toBeGreaterThan(0);
    for (const event of attacks) expect(exits.has(event.src_ip)).toBe(true);
    expect(events.filter((event) => !labelled.has(event.id) && exits.has(event.src_ip))).toEqual([]);
  });

  it('catches every incident with threat_intel_source', () => {
    const row = result.detection!.scenarios.anonymiser_sign_in;
    expect(row.incidents).toBeGreaterThan(0);
    expect(row.detected).toBe(row.incidents);
    const alerts = lines(join(dir, 'out', 'alerts.ndjson')).filter(
      (alert) => alert.kind === 'threat_intel_source',
    );
    const incidents = new Set(
      alerts.flatMap((alert) => alert.event_ids.map((id: string) => labelled.get(id))),
    );
    expect(incidents.size).toBe(row.incidents);
    expect(alerts[0].evidence).toMatchObject({
      categories: expect.arrayContaining(['anonymiser']),
      list: 'tor-exits',
    });
  });

  it('finds nothing on ordinary events, the victims included, and something on every incident', () => {
    const alerts = lines(join(dir, 'out', 'alerts.ndjson')).filter(
      (alert) => alert.kind === 'threat_intel_source',
    );
    for (const alert of alerts) for (const id of alert.event_ids) expect(labelled.has(id), id).toBe(true);
    // Per-event findings (alerts are deduplicated): the same events through an analyzer with the same lists.
    const intel = new IntelLists({ reload: false, reload_debounce_ms: 0, lists: listConfig() });
    const detectors = createDetectors(DETECTOR_NAMES);
    const analyzer = new Analyzer(new StateStore(DEFAULT_BASELINE), {
      authDetectors: detectors.auth,
      serviceDetectors: detectors.service,
      accountDetectors: detectors.account,
      learnBelowRisk: 50,
      weights: DEFAULT_WEIGHTS,
      environment: { intel },
    });
    const events = lines(input) as VigilEvent[];
    const analyses = feed(analyzer, events);
    const victims = new Set(events.filter((event) => labelled.has(event.id)).map((event) => event.identity));
    let victimOrdinary = 0;
    const caught = new Set<string>();
    events.forEach((event, i) => {
      const fired = analyses[i].findings.some((finding) => finding.detector === 'threat_intel_source');
      if (labelled.has(event.id)) {
        if (fired) caught.add(labelled.get(event.id)!);
        return;
      }
      if (victims.has(event.identity)) victimOrdinary++;
      expect(fired, event.id).toBe(false);
    });
    expect(victimOrdinary).toBeGreaterThan(20);
    expect(caught.size).toBe(new Set(labelled.values()).size);
  });
});
