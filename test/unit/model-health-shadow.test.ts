/**
 * Shadow promotion of a retrained Isolation Forest: the first model is
 * promoted at once; a retrained one scores the same rows as the model in use
 * for `shadow.events` mature rows without touching risk or alerts, then a
 * promotion report (alert volume of both, Spearman agreement, flagged-row
 * overlap) is emitted and the model promoted, or kept out when its rank
 * agreement is below the minimum.
 */
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/engine/analyzer.js';
import { FEATURE_NAMES, FeatureBatch } from '../../src/features/feature-batch.js';
import type { PromotionReport, ShadowSettings } from '../../src/models/health/index.js';
import { IforestScorer } from '../../src/models/iforest-scorer.js';
import { SeededRandom } from '../../src/models/random.js';
import { authEvent, MINUTE, T0 } from '../support/events.js';

const COLS = FEATURE_NAMES.auth.length;
const BATCH = 250;

class ShadowRun {
  readonly features = new FeatureBatch(BATCH);
  readonly random = new SeededRandom(7);
  readonly reports: PromotionReport[] = [];
  readonly saved: number[] = [];
  /** `iforest` component of every row scored, per batch. */
  readonly components: number[][] = [];
  readonly scorer: IforestScorer;
  private time = T0;

  constructor(shadow: ShadowSettings | undefined, retrainEvery = 1000) {
    this.scorer = new IforestScorer(this.features, {
      trainAfter: 1000,
      retrainEvery,
      reservoir: 5000,
      trees: 50,
      sampleSize: 256,
      seed: 5,
      alertPercentile: 0.99,
      shadow,
      onPromotion: (report) => this.reports.push(report),
      onModel: (model) => this.saved.push(model.version),
    });
  }

  async batch(): Promise<void> {
    await this.scorer.beforeBatch();
    this.features.startBatch(BATCH);
    const events = [];
    const analyses: Analysis[] = [];
    for (let i = 0; i < BATCH; i++) {
      const offset = this.features.auth.appendRow(true);
      for (let c = 0; c < COLS; c++) this.features.auth.data[offset + c] = this.random.nextNormal();
      this.time += MINUTE;
      events.push(authEvent({ time: this.time }));
      analyses.push({ findings: [], risk: 0, components: {}, learned: true });
    }
    this.scorer.score(events, analyses);
    this.components.push(analyses.map((a) => a.components.iforest ?? -1));
  }

  async batches(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.batch();
    await this.scorer.beforeBatch();
  }
}

describe('shadow promotion', () => {
  it('promotes the first model at once, with a report saying there was nothing to compare with', async () => {
    const run = new ShadowRun({ events: 500, minSpearman: 0 });
    await run.batches(4);
    expect(run.scorer.model('auth')?.version).toBe(1);
    expect(run.saved).toEqual([1]);
    expect(run.reports).toHaveLength(1);
    expect(run.reports[0]).toMatchObject({
      model: 'iforest-auth',
      current_version: null,
      candidate_version: 1,
      promoted: true,
      rows: 0,
    });
    expect(run.reports[0].reason).toMatch(/first model/);
  });

  it('runs a retrained model in shadow for the configured rows, then promotes it with a report', async () => {
    const run = new ShadowRun({ events: 500, minSpearman: 0 });
    // rows 1000: v1 trained; rows 2000: v2 trained and put in shadow
    await run.batches(8);
    expect(run.scorer.model('auth')?.version).toBe(1);
    await run.batches(1);
    expect(run.scorer.shadowStatus('auth')).toMatchObject({
      state: 'running',
      candidate_version: 2,
      rows: 250,
      rows_needed: 500,
    });
    expect(run.scorer.model('auth')?.version).toBe(1);
    expect(run.saved).toEqual([1]);

    await run.batches(1);
    expect(run.scorer.model('auth')?.version).toBe(2);
    expect(run.saved).toEqual([1, 2]);
    const report = run.reports[1];
    expect(report).toMatchObject({
      model: 'iforest-auth',
      current_version: 1,
      candidate_version: 2,
      promoted: true,
      rows: 500,
      alert_percentile: 0.99,
    });
    // two forests fitted on the same population rank its rows alike (0.64 measured: 25 independent normal features)
    expect(report.spearman!).toBeGreaterThan(0.5);
    expect(report.current_alerts).toBeGreaterThan(0);
    expect(report.candidate_alerts).toBeGreaterThan(0);
    expect(report.flagged_both).toBeLessThanOrEqual(Math.min(report.current_alerts, report.candidate_alerts));
    const either = report.current_alerts + report.candidate_alerts - report.flagged_both;
    expect(report.flagged_overlap).toBeCloseTo(report.flagged_both / either, 4);
    expect(run.scorer.shadowStatus('auth')).toMatchObject({ state: 'idle', last_report: report });
  });

  it('keeps the shadow model out of the scores until it is promoted', async () => {
    const shadowed = new ShadowRun({ events: 500, minSpearman: 0 });
    const neverRetrained = new ShadowRun(undefined, 0);
    const immediate = new ShadowRun({ events: 0, minSpearman: 0 });
    await shadowed.batches(10);
    await neverRetrained.batches(10);
    await immediate.batches(10);
    // batches 9 and 10 (the shadow period) are scored by v1 alone
    expect(shadowed.components.slice(8, 10)).toEqual(neverRetrained.components.slice(8, 10));
    // with shadow_events 0 the retrained model scores them instead
    expect(immediate.scorer.model('auth')?.version).toBe(2);
    expect(immediate.components[8]).not.toEqual(neverRetrained.components[8]);
    expect(immediate.reports[1].reason).toMatch(/shadow period disabled/);
  });

  it('voids a running trial when a model trained on request (vigil train) replaces the current one', async () => {
    const run = new ShadowRun({ events: 500, minSpearman: 0 });
    await run.batches(9);
    expect(run.scorer.shadowStatus('auth')).toMatchObject({ state: 'running', candidate_version: 2 });
    const offline = await run.scorer.trainNow('auth');
    expect(offline?.version).toBe(3);
    expect(run.reports.at(-1)).toMatchObject({ candidate_version: 3, current_version: 1, promoted: true });
    expect(run.reports.at(-1)!.reason).toMatch(/trained offline/);
    expect(run.scorer.shadowStatus('auth').state).toBe('idle');
    await run.batches(2);
    expect(run.scorer.model('auth')?.version).toBe(3);
    expect(run.saved).toEqual([1, 3]);
  });

  it('keeps the current model and says why when rank agreement is below the minimum', async () => {
    const run = new ShadowRun({ events: 500, minSpearman: 0.9999 });
    await run.batches(10);
    expect(run.scorer.model('auth')?.version).toBe(1);
    expect(run.saved).toEqual([1]);
    const report = run.reports[1];
    expect(report.promoted).toBe(false);
    expect(report.spearman!).toBeLessThan(0.9999);
    expect(report.reason).toMatch(/kept v1: rank agreement below min_spearman 0.9999/);
    expect(run.scorer.shadowStatus('auth')).toMatchObject({
      state: 'idle',
      last_report: { promoted: false },
    });
  });
});
