/**
 * Model health across saving and loading, and what operators see of it: the
 * training window's reference is saved in the manifest and read back; a
 * model saved before references existed still loads (health: "no
 * reference"); a damaged reference is refused; GET /api/models and the
 * Prometheus gauges show drift and shadow status.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { modelRoutes } from '../../src/api/routes/models.js';
import { buildEngine } from '../../src/cli/components.js';
import { buildLiveApi } from '../../src/cli/live-api.js';
import { type IforestConfig, parsePipeline } from '../../src/config/pipeline.js';
import type { Analysis } from '../../src/engine/analyzer.js';
import { FEATURE_NAMES } from '../../src/features/feature-batch.js';
import type { ModelDriftReport } from '../../src/models/health/index.js';
import type { IforestScorer } from '../../src/models/iforest-scorer.js';
import { buildIforestStage, type IforestStage } from '../../src/models/iforest-scorer-factory.js';
import { SeededRandom } from '../../src/models/random.js';
import type { IforestManifest } from '../../src/models/registry.js';
import { authEvent, MINUTE, T0 } from '../support/events.js';

const COLS = FEATURE_NAMES.auth.length;
const BATCH = 250;
const tempDir = () => mkdtempSync(join(tmpdir(), 'vigil-model-health-'));

function settings(directory: string, overrides: Record<string, unknown> = {}): IforestConfig {
  return parsePipeline({
    source: { type: 'file', path: 'unused' },
    models: {
      iforest: {
        enabled: true,
        train_after: 500,
        retrain_every: 0,
        directory,
        health: { window_rows: 1000, min_rows: 200 },
        ...overrides,
      },
    },
  }).models.iforest;
}

/** Scores `batches` batches of normal rows (`shift` added to feature 1) with the stage's scorer. */
async function feed(
  stage: Pick<IforestStage, 'features' | 'scorer'>,
  batches: number,
  shift = 0,
  random = new SeededRandom(11),
): Promise<void> {
  const scorer: IforestScorer = stage.scorer;
  for (let b = 0; b < batches; b++) {
    await scorer.beforeBatch();
    stage.features.startBatch(BATCH);
    const events = [];
    const analyses: Analysis[] = [];
    for (let i = 0; i < BATCH; i++) {
      const offset = stage.features.auth.appendRow(true);
      for (let c = 0; c < COLS; c++) stage.features.auth.data[offset + c] = random.nextNormal();
      stage.features.auth.data[offset + 1] += shift;
      events.push(authEvent({ time: T0 + (b * BATCH + i) * MINUTE }));
      analyses.push({ findings: [], risk: 0, components: {}, learned: true });
    }
    scorer.score(events, analyses);
  }
  await scorer.beforeBatch();
}

describe('health reference saved with the model', () => {
  it('is written into the manifest and read back when the model is loaded', async () => {
    const directory = tempDir();
    const first = buildIforestStage(settings(directory));
    await feed(first, 2);
    const manifest = JSON.parse(
      readFileSync(join(directory, 'iforest-auth-v000001.json'), 'utf8'),
    ) as IforestManifest;
    expect(manifest.health_reference?.format_version).toBe(1);
    expect(manifest.health_reference?.features.map((f) => f.name)).toEqual([...FEATURE_NAMES.auth]);
    expect(manifest.health_reference?.rows).toBe(500);

    const second = buildIforestStage(settings(directory, { load_existing: true, train_after: 0 }));
    expect(second.registry.loadReference('auth', 1)).toEqual(manifest.health_reference);
    expect(second.scorer.drift('auth')).toMatchObject({ status: 'warming_up', version: 1 });
    await feed(second, 2);
    expect(second.scorer.drift('auth')!.status).toBe('stable');
  });

  it('still loads a model saved before references existed, and says it has no reference', async () => {
    const directory = tempDir();
    await feed(buildIforestStage(settings(directory)), 2);
    const path = join(directory, 'iforest-auth-v000001.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as IforestManifest;
    delete manifest.health_reference;
    writeFileSync(path, JSON.stringify(manifest, null, 2));

    const stage = buildIforestStage(settings(directory, { load_existing: true, train_after: 0 }));
    expect(stage.scorer.model('auth')?.version).toBe(1);
    await feed(stage, 2, 3);
    const drift = stage.scorer.drift('auth')!;
    expect(drift).toMatchObject({ status: 'no_reference', version: 1, rows: 0, score_psi: null });
    expect(drift.feature_psi).toEqual([]);
  });

  it('refuses a reference that names other features', async () => {
    const directory = tempDir();
    await feed(buildIforestStage(settings(directory)), 2);
    const path = join(directory, 'iforest-auth-v000001.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as IforestManifest;
    manifest.health_reference!.features = manifest.health_reference!.features.slice(1);
    writeFileSync(path, JSON.stringify(manifest));
    expect(() => buildIforestStage(settings(directory, { load_existing: true }))).toThrow(
      /health_reference names other features/,
    );
  });
});

describe('models.iforest.health configuration', () => {
  it('fills defaults: PSI 0.1 warn, 0.25 drift, 1000 rows before judging, 10,000 shadow events', () => {
    const config = parsePipeline({ source: { type: 'file', path: 'x' }, models: { iforest: {} } });
    expect(config.models.iforest.health).toMatchObject({ psi_warn: 0.1, psi_drift: 0.25, min_rows: 1000 });
    expect(config.models.iforest.shadow_events).toBe(10_000);
  });

  it('names the offending key', () => {
    expect(() =>
      parsePipeline({
        source: { type: 'file', path: 'x' },
        models: { iforest: { health: { psi_drift: -1 } } },
      }),
    ).toThrow(/models\.iforest\.health\.psi_drift/);
    expect(() =>
      buildIforestStage(settings(tempDir(), { health: { psi_warn: 0.5, psi_drift: 0.2 } })),
    ).toThrow(/psi_warn/);
  });
});

describe('drift and shadow status for operators', () => {
  it('shows in GET /api/models (top 5 features) and as Prometheus gauges', async () => {
    const directory = tempDir();
    const config = parsePipeline({
      source: { type: 'file', path: 'unused' },
      models: {
        iforest: {
          enabled: true,
          train_after: 500,
          retrain_every: 0,
          directory,
          health: { window_rows: 1000, min_rows: 200 },
        },
      },
      sinks: { sqlite: { type: 'sqlite', path: join(directory, 'vigil.db') } },
    });
    const engine = buildEngine(config, () => T0 + 400 * MINUTE * BATCH);
    const live = buildLiveApi(config, engine);
    try {
      await feed(engine.iforest!, 2);
      await feed(engine.iforest!, 4, 2);
      const app = Fastify();
      await app.register(modelRoutes, {
        tokens: new Map([['t0k', 'viewer' as const]]),
        models: live.analyst!.models,
      });
      const response = await app.inject({ url: '/api/models', headers: { authorization: 'Bearer t0k' } });
      expect(response.statusCode).toBe(200);
      const auth = response.json().models.find((m: { name: string }) => m.name === 'iforest-auth');
      const drift = auth.drift as ModelDriftReport;
      expect(drift.status).toBe('drift');
      expect(drift.feature_psi).toHaveLength(5);
      expect(drift.feature_psi[0].feature).toBe(FEATURE_NAMES.auth[1]);
      expect(drift.last_alert?.id).toMatch(/^[0-9a-f]{32}$/);
      expect(auth.shadow).toMatchObject({
        state: 'idle',
        last_report: { candidate_version: 1, promoted: true },
      });
      await app.close();

      const text = await live.metrics.text();
      expect(text).toContain('vigil_model_drift{model="iforest-auth"} 1');
      expect(text).toMatch(
        new RegExp(
          `vigil_model_drift_psi\\{model="iforest-auth",version="1",feature="${FEATURE_NAMES.auth[1]}"\\} \\d`,
        ),
      );
      expect(text).toMatch(/vigil_model_drift_ks\{model="iforest-auth",version="1"\} 0\.\d+/);
    } finally {
      live.close();
    }
  });
});
