/**
 * Drift of the Isolation Forest in use, through the real scorer path: the
 * scorer trains on feature rows drawn from one distribution, then sees
 * either more rows from the same distribution (a stable replay: no drift)
 * or rows where one feature shifted (drift flagged, one model_drift alert
 * per episode, the shifted feature named first).
 */
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/engine/analyzer.js';
import type { AlertRecord } from '../../src/engine/types.js';
import { FEATURE_NAMES, FeatureBatch } from '../../src/features/feature-batch.js';
import { type HealthSettings, MODEL_DRIFT } from '../../src/models/health/index.js';
import { IforestScorer } from '../../src/models/iforest-scorer.js';
import { SeededRandom } from '../../src/models/random.js';
import { authEvent, MINUTE, T0 } from '../support/events.js';

const COLS = FEATURE_NAMES.auth.length;
const SHIFTED = 4; // a normally distributed column (4 % 3 === 1)
const BATCH = 250;

const HEALTH: HealthSettings = {
  enabled: true,
  windowRows: 2000,
  minRows: 500,
  sampleEvery: 1,
  psiWarn: 0.1,
  psiDrift: 0.25,
  ksDrift: 0.2,
  bins: 10,
  excludeFeatures: [],
};

/** One auth feature row: a 10% flag, a standard normal, or a uniform 0..2 per column; `shift` moves column SHIFTED. */
function drawRow(random: SeededRandom, out: Float64Array, offset: number, shift: number): void {
  for (let c = 0; c < COLS; c++) {
    const family = c % 3;
    out[offset + c] =
      family === 0
        ? random.nextFloat() < 0.1
          ? 1
          : 0
        : family === 1
          ? random.nextNormal()
          : 2 * random.nextFloat();
  }
  out[offset + SHIFTED] += shift;
}

class RowFeeder {
  readonly features = new FeatureBatch(BATCH);
  readonly random = new SeededRandom(42);
  readonly alerts: AlertRecord[] = [];
  readonly scorer: IforestScorer;
  private time = T0;

  constructor(health: HealthSettings = HEALTH) {
    this.scorer = new IforestScorer(this.features, {
      trainAfter: 1000,
      retrainEvery: 0,
      reservoir: 5000,
      trees: 50,
      sampleSize: 256,
      seed: 3,
      alertPercentile: 0.999,
      health,
      onDriftAlert: (alert) => this.alerts.push(alert),
    });
  }

  /** Scores `rows` rows of mature identities in batches, awaiting training between batches. */
  async feed(rows: number, shift = 0): Promise<void> {
    for (let done = 0; done < rows; done += BATCH) {
      await this.scorer.beforeBatch();
      const n = Math.min(BATCH, rows - done);
      this.features.startBatch(n);
      const events = [];
      const analyses: Analysis[] = [];
      for (let i = 0; i < n; i++) {
        drawRow(this.random, this.features.auth.data, this.features.auth.appendRow(true), shift);
        this.time += MINUTE;
        events.push(authEvent({ time: this.time }));
        analyses.push({ findings: [], risk: 0, components: {}, learned: true });
      }
      this.scorer.score(events, analyses);
    }
    await this.scorer.beforeBatch();
  }
}

describe('model drift', () => {
  it('says "no_model" before a model exists and "warming_up" until min_rows live rows were seen', async () => {
    const feeder = new RowFeeder();
    expect(feeder.scorer.drift('auth')?.status).toBe('no_model');
    await feeder.feed(1000);
    expect(feeder.scorer.model('auth')?.version).toBe(1);
    await feeder.feed(250);
    const report = feeder.scorer.drift('auth')!;
    expect(report).toMatchObject({ status: 'warming_up', version: 1, rows: 250, score_psi: null });
  });

  it('is not flagged on a stable replay of the training distribution', async () => {
    const feeder = new RowFeeder();
    await feeder.feed(1000);
    await feeder.feed(4000);
    const report = feeder.scorer.drift('auth')!;
    expect(report.status).toBe('stable');
    expect(report.rows).toBe(2000);
    expect(report.max_feature_psi!).toBeLessThan(HEALTH.psiWarn);
    expect(report.score_psi!).toBeLessThan(HEALTH.psiWarn);
    expect(report.score_ks!).toBeLessThan(HEALTH.ksDrift);
    expect(report.feature_psi).toHaveLength(COLS);
    expect(feeder.alerts).toEqual([]);
  });

  it('is flagged when one input feature shifts, naming that feature, with one alert per episode', async () => {
    const feeder = new RowFeeder();
    await feeder.feed(1000);
    await feeder.feed(3000, 1.5);
    const report = feeder.scorer.drift('auth')!;
    expect(report.status).toBe('drift');
    expect(report.feature_psi[0].feature).toBe(FEATURE_NAMES.auth[SHIFTED]);
    expect(report.feature_psi[0].psi).toBeGreaterThanOrEqual(HEALTH.psiDrift);
    // every other feature kept its distribution
    expect(report.feature_psi[1].psi).toBeLessThan(HEALTH.psiWarn);
    // the drift stayed for many batches, yet one alert was raised
    expect(feeder.alerts).toHaveLength(1);
    const [alert] = feeder.alerts;
    expect(alert).toMatchObject({ kind: MODEL_DRIFT, identity: 'model:iforest:auth', event_ids: [] });
    expect(alert.evidence).toMatchObject({ model: 'iforest-auth', version: 1, episode: 1 });
    const top = alert.evidence.top_features as { feature: string; psi: number }[];
    expect(top[0].feature).toBe(FEATURE_NAMES.auth[SHIFTED]);
    expect(report.last_alert?.id).toBe(alert.id);
    expect(report.episodes).toBe(1);
  });

  it('closes the episode when traffic is stable again and raises a new alert when it drifts again', async () => {
    const feeder = new RowFeeder();
    await feeder.feed(1000);
    await feeder.feed(2000, 1.5);
    await feeder.feed(3000);
    expect(feeder.scorer.drift('auth')!.status).toBe('stable');
    expect(feeder.alerts).toHaveLength(1);
    await feeder.feed(2000, -1.5);
    expect(feeder.scorer.drift('auth')!.status).toBe('drift');
    expect(feeder.alerts).toHaveLength(2);
    expect(feeder.alerts[1].id).not.toBe(feeder.alerts[0].id);
    expect(feeder.alerts[1].evidence.episode).toBe(2);
  });

  it('gives the same alert id when the same rows are replayed', async () => {
    const first = new RowFeeder();
    const second = new RowFeeder();
    for (const feeder of [first, second]) {
      await feeder.feed(1000);
      await feeder.feed(2000, 1.5);
    }
    expect(second.alerts).toEqual(first.alerts);
  });

  it('reports an excluded feature’s PSI without judging drift on it', async () => {
    const feeder = new RowFeeder({ ...HEALTH, excludeFeatures: [FEATURE_NAMES.auth[SHIFTED]] });
    await feeder.feed(1000);
    await feeder.feed(3000, 1.5);
    const report = feeder.scorer.drift('auth')!;
    expect(report.feature_psi[0].feature).toBe(FEATURE_NAMES.auth[SHIFTED]);
    expect(report.feature_psi[0].psi).toBeGreaterThanOrEqual(HEALTH.psiDrift);
    expect(report.max_feature_psi!).toBeLessThan(HEALTH.psiWarn);
    expect(report.thresholds.exclude_features).toEqual([FEATURE_NAMES.auth[SHIFTED]]);
  });

  it('samples every n-th row into the window when sample_every is n, and still flags the shift', async () => {
    const feeder = new RowFeeder({ ...HEALTH, sampleEvery: 4 });
    await feeder.feed(1000);
    await feeder.feed(3000, 1.5);
    const report = feeder.scorer.drift('auth')!;
    expect(report.rows).toBe(750);
    expect(report.status).toBe('drift');
    expect(report.feature_psi[0].feature).toBe(FEATURE_NAMES.auth[SHIFTED]);
  });

  it('is off when models.iforest.health.enabled is false', async () => {
    const feeder = new RowFeeder({ ...HEALTH, enabled: false });
    await feeder.feed(1000);
    await feeder.feed(2000, 1.5);
    expect(feeder.scorer.drift('auth')).toBeUndefined();
    expect(feeder.alerts).toEqual([]);
  });
});
