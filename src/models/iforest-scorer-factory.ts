/**
 * Builds the Isolation Forest stage from its validated pipeline settings
 * (`models.iforest`): the feature batch the Analyzer fills, the scorer, and
 * the model registry it loads from and saves to. The risk weight of its
 * component defaults to DEFAULT_IFOREST_WEIGHT unless `risk.weights.iforest`
 * says otherwise.
 */
import type { IforestConfig } from '../config/pipeline.js';
import { FEATURE_KINDS, FEATURE_NAMES, FeatureBatch, type FeatureKind } from '../features/feature-batch.js';
import type { Logger } from '../logging.js';
import { healthSettings } from './health/index.js';
import type { IforestModel } from './iforest-model.js';
import { IforestScorer, type IforestScorerOptions } from './iforest-scorer.js';
import { ModelRegistry } from './registry.js';

/**
 * Weight of the `iforest` component in the noisy-OR fusion: a percentile of
 * 1 alone gives risk 60 (above the default learning threshold of 50, below
 * what a confident detector finding reaches), so the forest orders events and
 * raises the risk of unusual ones without outvoting the detectors.
 */
export const DEFAULT_IFOREST_WEIGHT = 0.6;

export interface IforestStage {
  features: FeatureBatch;
  scorer: IforestScorer;
  registry: ModelRegistry;
}

export type IforestHooks = Pick<
  IforestScorerOptions,
  'onRows' | 'onError' | 'trainer' | 'onPromotion' | 'onDriftAlert'
> & {
  /** Called after a model trained in the stream was swapped in and saved. */
  onModelSaved?: (model: IforestModel, manifestPath: string) => void;
};

/** Hooks that log training failures and model swaps (for `vigil run`). */
export function loggingHooks(log: Logger): IforestHooks {
  return {
    onError: (error, kind) => log.error({ err: error, kind }, 'isolation forest training failed'),
    onModelSaved: (model, manifest) =>
      log.info(
        { kind: model.kind, version: model.version, sample_size: model.sampleSize, manifest },
        'isolation forest model swapped in',
      ),
    onPromotion: (report) =>
      log.info(
        { ...report },
        report.promoted ? 'isolation forest model promoted' : 'isolation forest candidate kept out',
      ),
    onDriftAlert: (alert) =>
      log.warn(
        { alert_id: alert.id, kind: alert.kind, identity: alert.identity, evidence: alert.evidence },
        alert.summary,
      ),
  };
}

export function buildIforestStage(settings: IforestConfig, hooks: IforestHooks = {}): IforestStage {
  const registry = new ModelRegistry(settings.directory);
  const initial: Partial<Record<FeatureKind, IforestModel>> = {};
  const initialReferences: IforestScorerOptions['initialReferences'] = {};
  if (settings.load_existing) {
    for (const kind of FEATURE_KINDS) {
      const model = registry.loadLatest(kind);
      if (model) initial[kind] = model;
      if (model) initialReferences[kind] = registry.loadReference(kind, model.version);
    }
  }
  const features = new FeatureBatch();
  const onError = hooks.onError;
  const scorer = new IforestScorer(features, {
    trainAfter: settings.train_after,
    retrainEvery: settings.retrain_every,
    reservoir: settings.reservoir,
    trees: settings.trees,
    sampleSize: settings.sample_size,
    seed: settings.seed,
    alertPercentile: settings.alert_percentile,
    initial,
    initialReferences,
    health: healthSettings(settings.health, [...FEATURE_NAMES.auth, ...FEATURE_NAMES.service]),
    shadow: { events: settings.shadow_events, minSpearman: settings.shadow_min_spearman },
    onPromotion: hooks.onPromotion,
    onDriftAlert: hooks.onDriftAlert,
    trainer: hooks.trainer,
    onRows: hooks.onRows,
    onError,
    onModel: (model, reference) => {
      try {
        const manifest = registry.save(model, reference);
        hooks.onModelSaved?.(model, manifest);
      } catch (error) {
        onError?.(error as Error, model.kind);
      }
    },
  });
  return { features, scorer, registry };
}
