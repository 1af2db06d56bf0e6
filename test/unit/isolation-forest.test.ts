import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FORMAT_VERSION,
  fitIsolationForest,
  forestFromBinary,
  forestFromJson,
  forestToBinary,
  forestToJson,
  type IsolationForest,
  type trainInWorker,
} from '../../src/models/isolation-forest/index.js';
import { SeededRandom } from '../../src/models/random.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** rows x cols standard normal values, row-major. */
function gaussianRows(rows: number, cols: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random.nextNormal();
  return data;
}

function uniformRows(rows: number, cols: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random.nextFloat();
  return data;
}

/** Copies `vector` over row `row` of a row-major matrix. */
function plantRow(data: Float64Array, cols: number, row: number, vector: number[]): void {
  data.set(vector, row * cols);
}

function row(data: Float64Array, cols: number, index: number): Float64Array {
  return data.subarray(index * cols, (index + 1) * cols);
}

function scoresOf(forest: IsolationForest, data: Float64Array, rows: number): Float64Array {
  return forest.scoreBatch(data, rows, new Float64Array(rows));
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)];
}

describe('isolation forest scoring', () => {
  const cols = 4;
  const rows = 2000;
  const data = gaussianRows(rows, cols, 1);
  plantRow(data, cols, 0, [8, -8, 8, -8]);
  const forest = fitIsolationForest(data, rows, cols, { seed: 7 });

  it('scores a single far outlier above 0.7 and the normal points near 0.5 or below', () => {
    const scores = scoresOf(forest, data, rows);
    expect(scores[0]).toBeGreaterThan(0.7);
    const normal = scores.subarray(1);
    expect(median(normal)).toBeLessThan(0.5);
    expect(Math.max(...normal)).toBeLessThan(scores[0]);
  });

  it('scores uniform data near 0.5 on average', () => {
    const uniform = uniformRows(5000, cols, 2);
    const scores = scoresOf(fitIsolationForest(uniform, 5000, cols, { seed: 3 }), uniform, 5000);
    const mean = scores.reduce((sum, s) => sum + s, 0) / scores.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.55);
  });

  it('keeps every score inside (0, 1)', () => {
    for (const score of scoresOf(forest, data, rows)) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
    }
  });

  it('scores a batch exactly as it scores each row alone, across partial blocks and Float32 input', () => {
    const batchRows = 1000; // 3 full blocks of 256 and a partial one
    const batch = scoresOf(forest, data, batchRows);
    for (let r = 0; r < batchRows; r++) expect(batch[r]).toBe(forest.score(row(data, cols, r)));
    const asFloat32 = Float32Array.from(data.subarray(0, batchRows * cols));
    const fromFloat32 = forest.scoreBatch(asFloat32, batchRows, new Float64Array(batchRows));
    for (let r = 0; r < batchRows; r++)
      expect(fromFloat32[r]).toBe(forest.score(asFloat32.subarray(r * cols, (r + 1) * cols)));
  });

  it('grows trees of height ceil(log2 ψ) from ψ = 256 rows each by default', () => {
    expect(forest.params).toMatchObject({ trees: 100, sampleSize: 256, maxDepth: 8 });
    const { treeRoots, nodeSize } = forest.nodes;
    for (const root of treeRoots) expect(nodeSize[root]).toBe(256);
  });

  it('rejects a vector shorter than the model and non-finite training data', () => {
    expect(() => forest.score([1, 2])).toThrow(/expects 4/);
    const broken = gaussianRows(10, 2, 1);
    broken[5] = Number.NaN;
    expect(() => fitIsolationForest(broken, 10, 2)).toThrow(/finite/);
  });
});

describe('isolation forest determinism', () => {
  const cols = 5;
  const rows = 3000;
  const data = gaussianRows(rows, cols, 11);

  it('gives byte-identical models for identical seeds', () => {
    const first = forestToBinary(fitIsolationForest(data, rows, cols, { seed: 42 }));
    const second = forestToBinary(fitIsolationForest(data, rows, cols, { seed: 42 }));
    expect(first.equals(second)).toBe(true);
  });

  it('gives different models for different seeds', () => {
    const first = forestToBinary(fitIsolationForest(data, rows, cols, { seed: 42 }));
    const second = forestToBinary(fitIsolationForest(data, rows, cols, { seed: 43 }));
    expect(first.equals(second)).toBe(false);
  });
});

describe('isolation forest serialisation', () => {
  const cols = 3;
  const rows = 1500;
  const data = gaussianRows(rows, cols, 5);
  const featureNames = ['failedLogins', 'newCountry', 'bytesOut'];
  const models = {
    'axis-parallel': fitIsolationForest(data, rows, cols, { seed: 1, featureNames, trees: 40 }),
    extended: fitIsolationForest(data, rows, cols, { seed: 1, featureNames, trees: 40, extended: true }),
  };

  for (const [mode, forest] of Object.entries(models)) {
    it(`round-trips a ${mode} forest through JSON with identical scores`, () => {
      const restored = forestFromJson(JSON.parse(JSON.stringify(forestToJson(forest))));
      expect(restored.params).toEqual(forest.params);
      expect(restored.featureNames).toEqual(featureNames);
      expect(scoresOf(restored, data, rows)).toEqual(scoresOf(forest, data, rows));
      expect(forestToBinary(restored).equals(forestToBinary(forest))).toBe(true);
    });

    it(`round-trips a ${mode} forest through binary with identical scores`, () => {
      const bytes = forestToBinary(forest);
      const restored = forestFromBinary(bytes);
      expect(scoresOf(restored, data, rows)).toEqual(scoresOf(forest, data, rows));
      expect(forestToBinary(restored).equals(bytes)).toBe(true);
    });
  }

  it('rejects a binary model of an unknown format version, naming both versions', () => {
    const bytes = forestToBinary(models['axis-parallel']);
    bytes.writeUInt16LE(FORMAT_VERSION + 98, 4);
    expect(() => forestFromBinary(bytes)).toThrow(
      expect.objectContaining({
        code: 'STATE_VERSION',
        message: expect.stringMatching(/version 99.*reads 1/),
      }),
    );
  });

  it('rejects a JSON model of an unknown format version', () => {
    const json = { ...forestToJson(models['axis-parallel']), formatVersion: 2 };
    expect(() => forestFromJson(json)).toThrow(expect.objectContaining({ code: 'STATE_VERSION' }));
  });

  it('rejects a model whose child points backwards, so scoring cannot loop', () => {
    const json = forestToJson(models['axis-parallel']);
    const internal = json.nodes.feature.findIndex((f) => f >= 0);
    json.nodes.left[internal] = internal;
    expect(() => forestFromJson(json)).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
  });

  it('rejects bytes that are not a Vigil forest', () => {
    expect(() => forestFromBinary(Buffer.from('definitely not a model, just some text'.repeat(2)))).toThrow(
      expect.objectContaining({ code: 'STATE_CORRUPT' }),
    );
  });
});

describe('isolation forest explanations', () => {
  const cols = 6;
  const rows = 3000;
  const featureNames = ['logins', 'countries', 'devices', 'bytesOut', 'mfaFailures', 'hourOfDay'];
  const data = gaussianRows(rows, cols, 21);
  plantRow(data, cols, 0, [0.1, -0.2, 0.3, 0.0, 7.5, -0.1]);

  it('names the feature in which a planted outlier deviates', () => {
    const forest = fitIsolationForest(data, rows, cols, { seed: 4, featureNames });
    const [top, second] = forest.explain(row(data, cols, 0), 3);
    expect(top).toMatchObject({ feature: 4, name: 'mfaFailures' });
    expect(top.share).toBeGreaterThan(0.5);
    expect(top.contribution).toBeGreaterThan(second.contribution);
  });

  it('names it in extended mode too', () => {
    const forest = fitIsolationForest(data, rows, cols, { seed: 4, featureNames, extended: true });
    expect(forest.explain(row(data, cols, 0), 1)[0].name).toBe('mfaFailures');
  });

  it('returns at most topK contributions, strongest first', () => {
    const forest = fitIsolationForest(data, rows, cols, { seed: 4 });
    const contributions = forest.explain(row(data, cols, 7), 4);
    expect(contributions.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < contributions.length; i++)
      expect(contributions[i - 1].contribution).toBeGreaterThanOrEqual(contributions[i].contribution);
  });
});

describe('extended isolation forest', () => {
  it('separates a single outlier from the normal points', () => {
    const cols = 4;
    const rows = 2000;
    const data = gaussianRows(rows, cols, 31);
    plantRow(data, cols, 0, [8, 8, -8, 8]);
    const forest = fitIsolationForest(data, rows, cols, { seed: 9, extended: true });
    const scores = scoresOf(forest, data, rows);
    expect(scores[0]).toBeGreaterThan(0.7);
    expect(Math.max(...scores.subarray(1))).toBeLessThan(scores[0]);
    expect(median(scores.subarray(1))).toBeLessThan(0.5);
    expect(forest.nodes.normals.length).toBeGreaterThan(0);
  });

  it('with extension level 0 splits on one coordinate per hyperplane', () => {
    const data = gaussianRows(500, 3, 2);
    const forest = fitIsolationForest(data, 500, 3, {
      seed: 1,
      extended: true,
      extensionLevel: 0,
      trees: 10,
    });
    const { normals } = forest.nodes;
    for (let i = 0; i < normals.length; i += 3)
      expect([normals[i], normals[i + 1], normals[i + 2]].filter((v) => v !== 0)).toHaveLength(1);
  });
});

describe('training in a worker thread', () => {
  // A worker thread cannot load TypeScript under vitest, so this compiles the
  // module as the build does (into a temporary directory) and runs the real
  // compiled worker.ts / train-worker.js pair.
  const outDir = mkdtempSync(join(tmpdir(), 'vigil-iforest-worker-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  let compiledTrainInWorker: Promise<typeof trainInWorker> | undefined;
  const loadCompiledTrainInWorker = (): Promise<typeof trainInWorker> => {
    compiledTrainInWorker ??= compileTrainInWorker();
    return compiledTrainInWorker;
  };

  async function compileTrainInWorker(): Promise<typeof trainInWorker> {
    const sources = ['src/models/isolation-forest/worker.ts', 'src/models/isolation-forest/train-worker.ts'];
    const args = [
      '--ignoreConfig',
      '--outDir',
      outDir,
      '--rootDir',
      repoRoot,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--skipLibCheck',
      ...sources,
    ];
    const compiled = spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), args, {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const entry = join(outDir, 'src/models/isolation-forest/worker.js');
    if (!existsSync(entry))
      throw new Error(`compiling the worker failed: ${compiled.stdout}${compiled.stderr}`);
    writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
    const module = (await import(pathToFileURL(entry).href)) as { trainInWorker: typeof trainInWorker };
    return module.trainInWorker;
  }

  it('yields the same model as an in-process fit with the same seed', async () => {
    const train = await loadCompiledTrainInWorker();
    const cols = 4;
    const rows = 5000;
    const data = gaussianRows(rows, cols, 77);
    const options = { seed: 5, trees: 50, featureNames: ['a', 'b', 'c', 'd'] };
    const inProcess = forestToBinary(fitIsolationForest(data, rows, cols, options));
    const fromWorker = await train(data, rows, cols, options);
    expect(data.length).toBe(0); // the matrix was transferred, not copied
    expect(forestToBinary(fromWorker).equals(inProcess)).toBe(true);
  });

  it('reports a training error from the worker as a Vigil error', async () => {
    const train = await loadCompiledTrainInWorker();
    await expect(train(new Float64Array(4), 2, 2, { trees: 0 }, { transfer: false })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});
