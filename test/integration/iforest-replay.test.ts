/**
 * Replay with the Isolation Forest trained in the stream, over 20,000
 * simulator events (seed 7): the forest adds an `iforest` component once
 * trained, the fused risk ranks attacks at least as well as the detectors
 * alone, replays stay byte-identical, and `--features-out` writes the rows
 * bench/iforest.ts reads.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type ReplayResult, replay } from '../../src/cli/replay.js';
import { formatTrainSummary, train } from '../../src/cli/train.js';
import { AUTH_FEATURES } from '../../src/features/index.js';
import { writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-iforest-replay-'));
const input = join(dir, 'sim.ndjson');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

/** pipelines/iforest.yaml with its model directory moved to `models` under the test's temp dir. */
function iforestPipeline(models: string): string {
  const document = parse(readFileSync('pipelines/iforest.yaml', 'utf8'));
  document.models.iforest.directory = join(dir, models);
  const path = join(dir, `${models}.yaml`);
  writeFileSync(path, stringify(document));
  return path;
}

let detectorsOnly: ReplayResult;
let withForest: ReplayResult;

beforeAll(async () => {
  await writeSimulation({ out: input, events: 20_000, seed: 7, format: 'canonical' });
  detectorsOnly = await replay({
    input,
    format: 'canonical',
    out: join(dir, 'd'),
    pipeline: 'pipelines/embedded.yaml',
    now: NOW,
  });
  withForest = await replay({
    input,
    format: 'canonical',
    out: join(dir, 'a'),
    pipeline: iforestPipeline('models-a'),
    now: NOW,
    featuresOut: join(dir, 'features.ndjson'),
  });
});

describe('replay with the isolation forest', () => {
  it('trains in the stream and adds the iforest component to later events', () => {
    const scores = lines(join(dir, 'a', 'scores.ndjson')).map((line) => JSON.parse(line));
    expect('iforest' in scores[0].components).toBe(false);
    const withComponent = scores.filter((score) => typeof score.components.iforest === 'number');
    expect(withComponent.length).toBeGreaterThan(2000);
    const manifest = JSON.parse(readFileSync(join(dir, 'models-a', 'iforest-auth-v000001.json'), 'utf8'));
    expect(manifest.sample_size).toBeGreaterThanOrEqual(5000);
  });

  it('ranks attacks by fused risk at least as well as the detectors alone, and reports both AUCs', () => {
    const combined = withForest.detection!;
    const detectors = detectorsOnly.detection!;
    const forestAuc = combined.componentAuc!.iforest;
    process.stdout.write(
      `risk AUC detectors only ${detectors.riskAuc.toFixed(4)}, with iforest ${combined.riskAuc.toFixed(4)}, iforest alone ${forestAuc.toFixed(4)}\n`,
    );
    expect(combined.riskAuc).toBeGreaterThanOrEqual(detectors.riskAuc - 0.01);
    expect(forestAuc).toBeGreaterThan(0.8);
    expect(combined.detectedIncidents).toBe(detectors.detectedIncidents);
    for (const row of Object.values(combined.scenarios)) expect(row.riskAuc).toBeDefined();
  });

  it('produces byte-identical outputs when replayed again', async () => {
    await replay({
      input,
      format: 'canonical',
      out: join(dir, 'b'),
      pipeline: iforestPipeline('models-b'),
      now: NOW,
    });
    for (const file of ['scores.ndjson', 'alerts.ndjson']) {
      expect(readFileSync(join(dir, 'b', file)).equals(readFileSync(join(dir, 'a', file)))).toBe(true);
    }
    const model = (models: string) => readFileSync(join(dir, models, 'iforest-auth-v000001.bin'));
    expect(model('models-b').equals(model('models-a'))).toBe(true);
  });

  it('writes labelled feature rows for the benchmark with --features-out', () => {
    const rows = lines(join(dir, 'features.ndjson')).map((line) => JSON.parse(line));
    expect(rows.length).toBe(withForest.features!.rows);
    expect(rows[0].features).toHaveLength(AUTH_FEATURES.length);
    expect(new Set(rows.map((row) => row.label))).toEqual(new Set([0, 1]));
  });
});

describe('vigil train', () => {
  it('trains both forests from a file, saves them, and a replay starts with them loaded', async () => {
    const out = join(dir, 'trained');
    const result = await train({ input, format: 'canonical', model: 'if', out, progress: false, now: NOW });
    expect(result.kinds.map((k) => [k.kind, k.version])).toEqual([
      ['auth', 1],
      ['service', 1],
    ]);
    expect(formatTrainSummary(result)).toMatch(/auth +v1 on \d+ of \d+ mature rows/);
    const manifest = JSON.parse(readFileSync(join(out, 'iforest-service-v000001.json'), 'utf8'));
    expect(manifest.sample_size).toBe(result.kinds[1].sampleSize);

    const document = parse(readFileSync('pipelines/iforest.yaml', 'utf8'));
    Object.assign(document.models.iforest, { directory: out, load_existing: true, train_after: 0 });
    const pipeline = join(dir, 'loaded.yaml');
    writeFileSync(pipeline, stringify(document));
    const loaded = await replay({ input, format: 'canonical', out: join(dir, 'l'), pipeline, now: NOW });
    expect(loaded.detection!.componentAuc!.iforest).toBeGreaterThan(0.8);
  });
});
