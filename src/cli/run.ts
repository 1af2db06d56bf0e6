/** `vigil run --pipeline F`: run a pipeline until its input ends or a signal stops it. */
import { loadPipeline, type PipelineConfig } from '../config/pipeline.js';
import { type RunStats, runPipeline } from '../engine/runner.js';
import type { Logger } from '../logging.js';
import { buildEngine, buildSinks, buildSource } from './components.js';
import { LiveSummary } from './live-summary.js';
import { abortOnSignals } from './signals.js';

/** Runs a validated pipeline with a live summary line and graceful shutdown. */
export async function runLive(config: PipelineConfig, log: Logger, durationS?: number): Promise<RunStats> {
  const engine = buildEngine(config);
  const controller = abortOnSignals((message) => log.info(message));
  if (durationS) setTimeout(() => controller.abort(), durationS * 1000).unref();
  log.info({ pipeline: config.name, source: config.source.type }, 'pipeline started');
  const summary = new LiveSummary(process.stdout);
  const stats = await runPipeline(buildSource(config), engine.processor, buildSinks(config), {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: config.batch.max_wait_ms,
    signal: controller.signal,
    onBatch: (_, s) => summary.update(s),
  });
  summary.update(stats, true);
  summary.end();
  log.info(
    { records: stats.records, alerts: stats.alerts, dead_letters: stats.deadLetters },
    'pipeline stopped',
  );
  return stats;
}

export function runCommand(pipelinePath: string, log: Logger, durationS?: number): Promise<RunStats> {
  return runLive(loadPipeline(pipelinePath), log, durationS);
}
