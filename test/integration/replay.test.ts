/**
 * Replay over simulator output, end to end through the CLI's replay path:
 * every labelled attack scenario is detected, normal traffic raises few
 * alerts, outputs are complete and byte-identical across runs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, replay } from '../../src/cli/replay.js';
import { DEFAULT_SCENARIOS, writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
const input = join(dir, 'sim.ndjson');
const ocsfInput = join(dir, 'sim-ocsf.ndjson');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

let canonical: ReplayResult;

beforeAll(async () => {
  await writeSimulation({ out: input, events: 20_000, seed: 7, format: 'canonical' });
  await writeSimulation({ out: ocsfInput, events: 20_000, seed: 7, format: 'ocsf' });
  canonical = await replay({
    input,
    format: 'canonical',
    out: join(dir, 'a'),
    pipeline: 'pipelines/embedded.yaml',
    now: NOW,
  });
});

describe('replay over simulator output', () => {
  it('detects every labelled incident of every attack scenario', () => {
    const detection = canonical.detection!;
    expect(Object.keys(detection.scenarios).sort()).toEqual([...DEFAULT_SCENARIOS].sort());
    for (const [scenario, row] of Object.entries(detection.scenarios)) {
      expect({ scenario, missed: row.incidents - row.detected }).toEqual({ scenario, missed: 0 });
    }
  });

  it('keeps false alerts on normal traffic rare, and reports the rate', () => {
    const detection = canonical.detection!;
    expect(detection.normalEvents).toBeGreaterThan(19_000);
    expect(detection.falseAlertsPer1k).toBeLessThan(0.5);
    expect(detection.riskAuc).toBeGreaterThan(0.8);
  });

  it('writes exactly one score line per valid event, with the contract fields', () => {
    const scores = lines(join(dir, 'a', 'scores.ndjson')).map((line) => JSON.parse(line));
    expect(scores).toHaveLength(20_000);
    expect(new Set(scores.map((s) => s.event_id)).size).toBe(20_000);
    for (const score of scores.slice(0, 100)) {
      expect(Object.keys(score)).toEqual(
        expect.arrayContaining(['event_id', 'identity', 'risk', 'components']),
      );
      expect(score.risk).toBeGreaterThanOrEqual(0);
      expect(score.risk).toBeLessThanOrEqual(100);
    }
    const alerts = lines(join(dir, 'a', 'alerts.ndjson')).map((line) => JSON.parse(line));
    expect(alerts.length).toBe(canonical.stats.alerts);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        id: expect.any(String),
        identity: expect.any(String),
        kind: expect.any(String),
      });
      expect(alert.event_ids.length).toBeGreaterThan(0);
      expect(Object.keys(alert.evidence).length).toBeGreaterThan(0);
    }
  });

  it('produces byte-identical outputs when replayed again', async () => {
    await replay({
      input,
      format: 'canonical',
      out: join(dir, 'b'),
      pipeline: 'pipelines/embedded.yaml',
      now: NOW,
    });
    for (const file of ['scores.ndjson', 'alerts.ndjson', 'dead_letter.ndjson']) {
      expect(readFileSync(join(dir, 'b', file)).equals(readFileSync(join(dir, 'a', file)))).toBe(true);
    }
  });

  it('detects the same incidents from the OCSF rendering of the same traffic', async () => {
    const ocsf = await replay({
      input: ocsfInput,
      format: 'ocsf',
      out: join(dir, 'o'),
      pipeline: 'pipelines/embedded.yaml',
      now: NOW,
    });
    expect(ocsf.stats.deadLetters).toBe(0);
    expect(ocsf.stats.scored).toBe(20_000);
    expect(ocsf.detection!.detectedIncidents).toBe(canonical.detection!.detectedIncidents);
  });
});
