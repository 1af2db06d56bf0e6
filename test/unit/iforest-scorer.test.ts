/**
 * The Isolation Forest stage in the engine: trains in the stream once enough
 * mature rows arrived, swaps the model in between batches, scores unusual
 * events higher than usual ones, raises iforest_anomaly alerts with named
 * evidence, and saves / reloads versioned models with a manifest.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEngine, type Engine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import type { BatchOutput } from '../../src/engine/types.js';
import type { AuthEvent } from '../../src/events/schema.js';
import { AUTH_FEATURES } from '../../src/features/index.js';
import type { IforestManifest } from '../../src/models/registry.js';
import { at, authEvent, BERLIN, DAY, HOUR, SYDNEY, T0 } from '../support/events.js';

const NOW = () => T0 + 60 * DAY;
const USERS = 30;

/** 30 people, each on their own device and address, signing in four times a working day for two weeks. */
function population(days = 14): AuthEvent[] {
  const events: AuthEvent[] = [];
  for (let day = 0; day < days; day++) {
    for (let slot = 0; slot < 4; slot++) {
      for (let u = 0; u < USERS; u++) {
        events.push(
          authEvent({
            time: T0 + day * DAY + 9 * HOUR + slot * 2 * HOUR + u * 60_000,
            identity: `user${u}@example.com`,
            device: { id: `dev-${u}`, managed: true, compliant: true },
            src_ip: `198.51.${u}.10`,
            geo: BERLIN,
            application: slot % 2 === 0 ? 'mail' : 'crm',
          }),
        );
      }
    }
  }
  return events;
}

function engineWith(directory: string, iforest: Record<string, unknown> = {}): Engine {
  const config = parsePipeline({
    source: { type: 'file', path: 'unused.ndjson' },
    models: {
      iforest: { enabled: true, train_after: 500, retrain_every: 0, trees: 50, directory, ...iforest },
    },
  });
  return buildEngine(config, NOW);
}

/** Processes events in batches of `size`, awaiting background training before each (deterministic mode). */
async function run(engine: Engine, events: readonly AuthEvent[], size = 256): Promise<BatchOutput[]> {
  const outputs: BatchOutput[] = [];
  for (let start = 0; start < events.length; start += size) {
    await engine.processor.beforeBatch();
    const records = events
      .slice(start, start + size)
      .map((value, i) => ({ value, origin: { source: 't', line: start + i } }));
    outputs.push(engine.processor.process(records));
  }
  await engine.processor.close();
  return outputs;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'vigil-iforest-scorer-'));

describe('isolation forest trained in the stream', () => {
  it('has no iforest component until a model exists, then swaps one in after N mature events', async () => {
    const engine = engineWith(tempDir());
    const outputs = await run(engine, population());
    expect(outputs[0].scores.every((score) => !('iforest' in score.components))).toBe(true);
    const model = engine.iforest!.scorer.model('auth');
    expect(model).toBeDefined();
    expect(model!.version).toBe(1);
    expect(model!.sampleSize).toBeGreaterThanOrEqual(500);
    const last = outputs[outputs.length - 1].scores;
    expect(last.every((score) => typeof score.components.iforest === 'number')).toBe(true);
    expect(engine.iforest!.scorer.model('service')).toBeUndefined();
  });

  it('ranks an unusual sign-in above the population’s usual ones', async () => {
    const engine = engineWith(tempDir(), { alert_percentile: 0.99 });
    await run(engine, population());
    const normal = authEvent({
      time: at(14, 9.5),
      identity: 'user3@example.com',
      device: { id: 'dev-3', managed: true, compliant: true },
      src_ip: '198.51.3.10',
      geo: BERLIN,
      application: 'mail',
    });
    const unusual = authEvent({
      time: at(14, 10),
      identity: 'user4@example.com',
      device: { id: 'dev-attacker', managed: false },
      src_ip: '203.0.113.66',
      asn: 64666,
      geo: SYDNEY,
      user_agent: 'python-requests/2.31',
      application: 'admin-console',
    });
    const [output] = await run(engine, [normal, unusual]);
    const [normalScore, unusualScore] = output.scores;
    expect(unusualScore.components.iforest).toBeGreaterThan(0.99);
    expect(unusualScore.components.iforest).toBeGreaterThan(normalScore.components.iforest);
    expect(unusualScore.risk).toBeGreaterThan(normalScore.risk);

    const alert = output.alerts.find((a) => a.kind === 'iforest_anomaly');
    expect(alert).toBeDefined();
    expect(alert!.event_ids).toEqual([unusual.id]);
    const top = alert!.evidence.top_features as { feature: string; value: number; usual: number }[];
    expect(top.length).toBeGreaterThan(0);
    for (const entry of top) expect(AUTH_FEATURES).toContain(entry.feature);
    expect(alert!.evidence.percentile).toBe(unusualScore.components.iforest);
  });

  it('saves a versioned model with a manifest, and a new engine loads it at start', async () => {
    const directory = tempDir();
    const first = engineWith(directory);
    await run(first, population());
    const manifestPath = join(directory, 'iforest-auth-v000001.json');
    expect(existsSync(manifestPath)).toBe(true);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as IforestManifest;
    expect(manifest).toMatchObject({ kind: 'auth', version: 1, model: 'isolation_forest' });
    expect(manifest.feature_names).toEqual([...AUTH_FEATURES]);
    expect(manifest.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.trained_at).toBeGreaterThan(T0);
    expect(manifest.params.trees).toBe(50);
    expect(Object.keys(manifest.score_quantiles)).toEqual(['p50', 'p90', 'p99', 'p999']);
    expect(readdirSync(directory).sort()).toEqual(['iforest-auth-v000001.bin', 'iforest-auth-v000001.json']);

    const second = engineWith(directory, { load_existing: true, train_after: 0 });
    expect(second.iforest!.scorer.model('auth')!.version).toBe(1);
    const [output] = await run(second, population(5).slice(-50));
    expect(output.scores.every((score) => typeof score.components.iforest === 'number')).toBe(true);
  });

  it('retrains on the reservoir and saves the next version', async () => {
    const directory = tempDir();
    // shadow_events 0: promoted at once (shadow promotion: test/unit/model-health-shadow.test.ts)
    const engine = engineWith(directory, { train_after: 300, retrain_every: 600, shadow_events: 0 });
    await run(engine, population());
    expect(engine.iforest!.scorer.model('auth')!.version).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(directory, 'iforest-auth-v000002.json'))).toBe(true);
  });

  it('gives identical scores when the same events are processed twice', async () => {
    const events = population();
    const a = await run(engineWith(tempDir(), { alert_percentile: 0.99 }), events);
    const b = await run(engineWith(tempDir(), { alert_percentile: 0.99 }), events);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('rejects a model directory whose models were trained on other features', async () => {
    const directory = tempDir();
    await run(engineWith(directory), population());
    const manifestPath = join(directory, 'iforest-auth-v000001.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as IforestManifest;
    manifest.feature_names = manifest.feature_names.slice(1);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(() => engineWith(directory, { load_existing: true })).toThrow(/other auth features/);
  });
});

describe('models.iforest configuration', () => {
  it('names the offending key', () => {
    expect(() =>
      parsePipeline({ source: { type: 'file', path: 'x' }, models: { iforest: { train_after: -1 } } }),
    ).toThrow(/models\.iforest\.train_after/);
    expect(() =>
      parsePipeline({ source: { type: 'file', path: 'x' }, models: { iforest: { alert_pct: 0.9 } } }),
    ).toThrow(/models\.iforest/);
  });

  it('fills defaults and weighs the component at 0.6 unless risk.weights says otherwise', async () => {
    const config = parsePipeline({
      source: { type: 'file', path: 'x' },
      models: { iforest: { enabled: true } },
    });
    expect(config.models.iforest).toMatchObject({
      train_after: 5000,
      retrain_every: 500_000,
      alert_percentile: 0.999,
      directory: 'models',
      load_existing: false,
    });
    const { riskWeights } = await import('../../src/cli/components.js');
    expect(riskWeights(config)).toEqual({ detectors: 1, iforest: 0.6 });
  });
});
