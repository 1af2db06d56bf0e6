/**
 * Builds the response stage (risk accumulation, policy, SET building) from a
 * validated pipeline config. Kept apart from decisions.ts so the stage itself
 * stays free of config shapes.
 */
import type { PipelineConfig } from '../config/pipeline.js';
import { setSettings } from '../signals/config.js';
import { SetBuilder } from '../signals/set.js';
import type { AccumulatorSettings } from './accumulator.js';
import { ResponseStage } from './decisions.js';
import { Policy } from './policy.js';

export function accumulatorSettings(config: PipelineConfig): AccumulatorSettings {
  const risk = config.risk;
  return {
    halfLifeMs: risk.half_life_minutes * 60_000,
    thresholds: { ...risk.levels },
    hysteresis: risk.hysteresis,
  };
}

export function buildResponseStage(config: PipelineConfig): ResponseStage {
  return new ResponseStage({
    accumulator: accumulatorSettings(config),
    policy: new Policy(config.policy, { risk: config.risk }),
    riskLevelChanges: {
      enabled: config.policy.risk_level_changes.enabled,
      minLevel: config.policy.risk_level_changes.min_level,
    },
    signals: new SetBuilder(setSettings(config.signals)),
  });
}
