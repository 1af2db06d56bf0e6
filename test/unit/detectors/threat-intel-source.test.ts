import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../../src/baseline/config.js';
import { StateStore } from '../../../src/baseline/state-store.js';
import type { DetectorEnvironment } from '../../../src/context/environment.js';
import { createDetectors } from '../../../src/detectors/index.js';
import { Analyzer } from '../../../src/engine/analyzer.js';
import { IntelLists } from '../../../src/intel/intel-lists.js';
import { DEFAULT_WEIGHTS } from '../../../src/risk/fusion.js';
import { feed, findingsOf } from '../../support/analyzer.js';
import { authEvent, MINUTE, officeHistory, SYDNEY } from '../../support/events.js';

const TOR_EXIT = '185.220.101.34';
const HOSTING_ADDRESS = '203.0.113.80';
const CORPORATE_VPN = '192.0.2.10';
/** Alice's home connection: in no list. */
const HOME = '100.64.10.20';

const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-detector-'));
writeFileSync(join(dir, 'tor-exits.txt'), `# Tor exits\n${TOR_EXIT}\n185.220.101.35\n`);
writeFileSync(join(dir, 'hosting.netset'), '203.0.113.0/24\n');
writeFileSync(
  join(dir, 'feed.csv'),
  'network,category\n198.18.0.0/15,known_bad\n192.0.2.0/24,corporate_egress\n',
);
const lists = new IntelLists({
  reload: false,
  reload_debounce_ms: 0,
  lists: [
    {
      path: join(dir, 'tor-exits.txt'),
      name: 'tor-exits',
      category: 'anonymiser',
      format: 'auto',
      network_column: 'network',
      category_column: 'category',
    },
    {
      path: join(dir, 'hosting.netset'),
      name: 'hosting',
      category: 'hosting',
      format: 'auto',
      network_column: 'network',
      category_column: 'category',
    },
    {
      path: join(dir, 'feed.csv'),
      name: 'feed',
      format: 'auto',
      network_column: 'network',
      category_column: 'category',
    },
  ],
});
afterAll(() => lists.close());

function analyzerWithIntel(
  detectors: readonly string[],
  environment: DetectorEnvironment | undefined = { intel: lists },
  params: Record<string, Record<string, unknown>> = {},
): Analyzer {
  const set = createDetectors(detectors, params);
  return new Analyzer(new StateStore(DEFAULT_BASELINE), {
    authDetectors: set.auth,
    serviceDetectors: set.service,
    accountDetectors: set.account,
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment,
  });
}

/** Fourteen days of Alice signing in from home, then the returned analyzer and her last event time. */
function aliceAtHome(detectors: readonly string[], environment?: DetectorEnvironment) {
  const analyzer = analyzerWithIntel(detectors, environment);
  const history = officeHistory(14, 4, { src_ip: HOME });
  const analyses = feed(analyzer, history);
  return { analyzer, analyses, lastTime: history[history.length - 1].time };
}

describe('threat intel source', () => {
  it('fires on a successful sign-in from a Tor exit, naming category, prefix and list', () => {
    const { analyzer, lastTime } = aliceAtHome(['threat_intel_source']);
    const signIn = authEvent({ time: lastTime + 40 * MINUTE, src_ip: TOR_EXIT, asn: 60729 });
    const [finding] = findingsOf(feed(analyzer, [signIn]), 'threat_intel_source');
    expect(finding).toBeDefined();
    expect(finding.severity).toBe(0.65);
    expect(finding.evidence).toMatchObject({
      src_ip: TOR_EXIT,
      categories: ['anonymiser'],
      prefix: `${TOR_EXIT}/32`,
      list: 'tor-exits',
      outcome: 'success',
    });
    expect(finding.summary).toContain('anonymiser');
  });

  it('stays quiet for the same identity signing in from home', () => {
    const { analyses } = aliceAtHome(['threat_intel_source']);
    expect(findingsOf(analyses, 'threat_intel_source')).toEqual([]);
  });

  it('weighs a failed attempt half and a known-bad range most', () => {
    const { analyzer, lastTime } = aliceAtHome(['threat_intel_source']);
    const failed = authEvent({
      time: lastTime + MINUTE,
      src_ip: TOR_EXIT,
      outcome: 'failure',
      reason: 'invalid_password',
    });
    const bad = authEvent({ time: lastTime + 2 * MINUTE, src_ip: '198.19.4.4' });
    const [first, second] = findingsOf(feed(analyzer, [failed, bad]), 'threat_intel_source');
    expect(first.severity).toBe(0.325);
    expect(second.severity).toBe(0.8);
    expect(second.evidence).toMatchObject({
      categories: ['known_bad'],
      prefix: '198.18.0.0/15',
      list: 'feed',
    });
  });

  it('weighs a hosting network least, and not at all for a service account', () => {
    const analyzer = analyzerWithIntel(['threat_intel_source']);
    const person = authEvent({ src_ip: HOSTING_ADDRESS });
    const job = authEvent({
      src_ip: HOSTING_ADDRESS,
      identity: 'svc-backup',
      identity_type: 'service_account',
    });
    const analyses = feed(analyzer, [person, job]);
    expect(findingsOf([analyses[0]], 'threat_intel_source').map((f) => f.severity)).toEqual([0.3]);
    expect(findingsOf([analyses[1]], 'threat_intel_source')).toEqual([]);
  });

  it('never fires on corporate egress, and stays quiet when the pipeline has no lists', () => {
    const withLists = analyzerWithIntel(['threat_intel_source']);
    expect(
      findingsOf(feed(withLists, [authEvent({ src_ip: CORPORATE_VPN })]), 'threat_intel_source'),
    ).toEqual([]);
    const without = analyzerWithIntel(['threat_intel_source'], {});
    expect(findingsOf(feed(without, [authEvent({ src_ip: TOR_EXIT })]), 'threat_intel_source')).toEqual([]);
  });

  it('puts the list entry into the event facts for the policy', () => {
    const analyzer = analyzerWithIntel(['threat_intel_source']);
    const [listed, home] = feed(analyzer, [authEvent({ src_ip: TOR_EXIT }), authEvent({ src_ip: HOME })]);
    expect(listed.facts?.intel).toEqual({
      categories: ['anonymiser'],
      prefix: `${TOR_EXIT}/32`,
      list: 'tor-exits',
    });
    expect(home.facts?.intel).toBeUndefined();
  });
});

describe('travel detectors with intel lists', () => {
  /** A sign-in from Sydney on a device never seen before (each call a different one). */
  let devices = 0;
  const sydneyThrough = (src_ip: string, time: number) =>
    authEvent({
      time,
      geo: SYDNEY,
      src_ip,
      asn: 64500 + devices,
      device: { id: `dev-new-${++devices}`, managed: false },
    });

  it('impossible_travel stays quiet when the far sign-in comes through corporate egress', () => {
    const { analyzer, lastTime } = aliceAtHome(['impossible_travel']);
    expect(
      findingsOf(feed(analyzer, [sydneyThrough(CORPORATE_VPN, lastTime + 30 * MINUTE)]), 'impossible_travel'),
    ).toEqual([]);
  });

  it('impossible_travel fires for the same sign-in without the lists', () => {
    const { analyzer, lastTime } = aliceAtHome(['impossible_travel'], {});
    expect(
      findingsOf(feed(analyzer, [sydneyThrough(CORPORATE_VPN, lastTime + 30 * MINUTE)]), 'impossible_travel'),
    ).toHaveLength(1);
  });

  it('impossible_travel names the categories of a listed source in its evidence', () => {
    const { analyzer, lastTime } = aliceAtHome(['impossible_travel']);
    const [finding] = findingsOf(
      feed(analyzer, [sydneyThrough(TOR_EXIT, lastTime + 30 * MINUTE)]),
      'impossible_travel',
    );
    expect(finding.evidence.source_intel).toEqual({
      categories: ['anonymiser'],
      prefix: `${TOR_EXIT}/32`,
      list: 'tor-exits',
    });
  });

  it('new_device_location stays quiet through corporate egress and names the list otherwise', () => {
    const { analyzer, lastTime } = aliceAtHome(['new_device_location']);
    const [egress, tor] = feed(analyzer, [
      sydneyThrough(CORPORATE_VPN, lastTime + 30 * MINUTE),
      sydneyThrough(TOR_EXIT, lastTime + 60 * MINUTE),
    ]);
    expect(findingsOf([egress], 'new_device_location')).toEqual([]);
    const control = aliceAtHome(['new_device_location'], {});
    const unlisted = feed(control.analyzer, [sydneyThrough(CORPORATE_VPN, control.lastTime + 30 * MINUTE)]);
    expect(findingsOf(unlisted, 'new_device_location')).toHaveLength(1);
    const [finding] = findingsOf([tor], 'new_device_location');
    expect(finding.evidence.source_intel).toMatchObject({ categories: ['anonymiser'] });
  });
});
