/**
 * The LSTM over simulator traffic, the documented procedure (docs/lstm.md,
 * "Detection on simulator traffic") at test size: simulate 20,000 attacked
 * events (seed 7), train the LSTM with `vigil train --model lstm` on a
 * separate clean simulation (`--no-attacks`, seed 8; few epochs to keep the
 * test short), then replay the attacked set with pipelines/lstm.yaml and
 * pipelines/full.yaml (detectors + iforest + lstm). The summary reports the
 * lstm component's ROC AUC overall and per scenario; the LSTM alone ranks
 * attacks well above chance, and adding it does not make the fused risk rank
 * them worse than the same pipeline without it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatReplaySummary, type ReplayResult, replay } from '../../src/cli/replay.js';
import { trainLstmCommand } from '../../src/cli/train-lstm.js';
import { writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-lstm-replay-'));
const attacked = join(dir, 'attacked.ndjson');
const clean = join(dir, 'clean.ndjson');
const modelDir = join(dir, 'lstm');
/** Risk AUC the LSTM may cost the fused risk (it gains about 0.05 on this set). */
const TOLERANCE = 0.01;

/** A pipeline file with its model directories moved under the test's temp dir, and the LSTM on or off. */
function pipeline(file: string, name: string, lstm: boolean): string {
  const document = parse(readFileSync(file, 'utf8'));
  document.models.lstm.directory = modelDir;
  document.models.lstm.enabled = lstm;
  if (document.models.iforest) document.models.iforest.directory = join(dir, `iforest-${name}`);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(document));
  return path;
}

const run = (name: string, file: string, lstm: boolean) =>
  replay({
    input: attacked,
    format: 'canonical',
    out: join(dir, name),
    pipeline: pipeline(file, name, lstm),
    now: NOW,
  });

const results: Record<string, ReplayResult> = {};

beforeAll(async () => {
  await writeSimulation({ out: attacked, events: 20_000, seed: 7, format: 'canonical' });
  await writeSimulation({ out: clean, events: 20_000, seed: 8, format: 'canonical', attacks: false });
  await trainLstmCommand({
    input: clean,
    format: 'canonical',
    out: modelDir,
    progress: false,
    now: NOW,
    training: { epochs: 3, seed: 1 },
  });
  results.detectors = await run('detectors', 'pipelines/lstm.yaml', false);
  results.lstm = await run('lstm', 'pipelines/lstm.yaml', true);
  results.iforest = await run('iforest', 'pipelines/full.yaml', false);
  results.full = await run('full', 'pipelines/full.yaml', true);
});

describe('replay of simulator traffic with the LSTM', () => {
  it('reports the lstm component AUC overall and per scenario, well above chance', () => {
    const detection = results.lstm.detection!;
    const auc = detection.componentAuc!.lstm;
    expect(auc).toBeGreaterThan(0.7);
    const summary = formatReplaySummary(results.lstm);
    expect(summary).toMatch(/^lstm ROC AUC: 0\.\d{3}$/m);
    expect(summary).toMatch(/brute_force +\d+\/\d+ \(\d+%\).*\[AUC risk \d\.\d{3} lstm \d\.\d{3}\]/);
    // Account events are not part of the LSTM's language: that scenario has no lstm AUC.
    expect(Number.isNaN(detection.scenarios.account_change_burst.componentAuc!.lstm)).toBe(true);
    const scored = Object.values(detection.scenarios).filter((row) => !Number.isNaN(row.componentAuc!.lstm));
    expect(scored.length).toBeGreaterThanOrEqual(12);
    for (const row of Object.values(detection.scenarios)) expect(row.componentAuc).toHaveProperty('lstm');
  });

  it('does not make the fused risk rank attacks worse, alone with the detectors or with the forest', () => {
    const line = (name: string) => {
      const d = results[name].detection!;
      const parts = Object.entries(d.componentAuc ?? {}).map(([k, v]) => `${k} ${v.toFixed(4)}`);
      return `${name}: risk ${d.riskAuc.toFixed(4)}${parts.length ? `, ${parts.join(', ')}` : ''}, ${d.detectedIncidents}/${d.incidents} incidents, ${d.falseAlerts} false alerts`;
    };
    process.stdout.write(`${['detectors', 'lstm', 'iforest', 'full'].map(line).join('\n')}\n`);
    expect(results.lstm.detection!.riskAuc).toBeGreaterThanOrEqual(
      results.detectors.detection!.riskAuc - TOLERANCE,
    );
    expect(results.full.detection!.riskAuc).toBeGreaterThanOrEqual(
      results.iforest.detection!.riskAuc - TOLERANCE,
    );
    expect(results.full.detection!.componentAuc!.iforest).toBeGreaterThan(0.8);
    // The LSTM adds findings; it never loses an incident the detectors caught.
    expect(results.lstm.detection!.detectedIncidents).toBeGreaterThanOrEqual(
      results.detectors.detection!.detectedIncidents,
    );
    expect(results.lstm.stats.alertsByKind.lstm_sequence_anomaly ?? 0).toBeGreaterThan(0);
  });
});
