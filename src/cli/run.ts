/** `vigil run --pipeline F`: run a pipeline until its input ends or a signal stops it. */
import { type TokenRoles, tokensFromEnv } from '../api/auth.js';
import { startTransmitterFor } from '../api/transmitter.js';
import { applyEnvOverrides } from '../config/env-overrides.js';
import { loadPipeline, type PipelineConfig } from '../config/pipeline.js';
import { type RunOptions, type RunStats, runPipeline } from '../engine/runner.js';
import type { Logger } from '../logging.js';
import { buildEngine, buildSinks, buildSource, loggingEngineHooks } from './components.js';
import { buildLiveApi, mergeTokens } from './live-api.js';
import { LiveSummary } from './live-summary.js';
import { runKafkaPartitioned } from './production-components.js';
import { abortOnSignals } from './signals.js';

/** Runs a validated pipeline with a live summary line and graceful shutdown. */
export async function runLive(
  config: PipelineConfig,
  log: Logger,
  durationS?: number,
  extraTokens?: TokenRoles,
): Promise<RunStats> {
  const engine = buildEngine(config, undefined, loggingEngineHooks(log));
  // Analyst API parts: store read side, Prometheus metrics, readiness (src/cli/live-api.ts).
  const live = config.api.enabled ? buildLiveApi(config, engine) : undefined;
  // Shared Signals: push receivers, poll, JWKS and the check endpoint (when configured).
  const transmitter = await startTransmitterFor(config, log, {
    store: engine.store,
    suppressions: engine.suppressions,
    tokens: mergeTokens(tokensFromEnv(process.env), extraTokens),
    analyst: live?.analyst,
  });
  const sinksWithSignals = () => [...buildSinks(config, log), ...(transmitter ? [transmitter.sink] : [])];
  const controller = abortOnSignals((message) => log.info(message));
  if (durationS) setTimeout(() => controller.abort(), durationS * 1000).unref();
  log.info({ pipeline: config.name, source: config.source.type }, 'pipeline started');
  const summary = new LiveSummary(process.stdout);
  // Kafka pipelines keep one engine per partition, checkpointed with its offset.
  const run =
    config.source.type === 'kafka'
      ? (o: RunOptions) =>
          runKafkaPartitioned(
            config,
            () => buildEngine(config, undefined, loggingEngineHooks(log)),
            sinksWithSignals(),
            log,
            o,
          )
      : (o: RunOptions) => runPipeline(buildSource(config, log), engine.processor, sinksWithSignals(), o);
  const stats = await run({
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: config.batch.max_wait_ms,
    signal: controller.signal,
    onBatch: (output, s, batchMs) => {
      summary.update(s);
      live?.sourceDelivered();
      live?.metrics.observeBatch(output, batchMs);
    },
  });
  await transmitter?.close();
  live?.close();
  summary.update(stats, true);
  summary.end();
  log.info(
    { records: stats.records, alerts: stats.alerts, dead_letters: stats.deadLetters },
    'pipeline stopped',
  );
  return stats;
}

export function runCommand(pipelinePath: string, log: Logger, durationS?: number): Promise<RunStats> {
  return runLive(applyEnvOverrides(loadPipeline(pipelinePath), process.env), log, durationS);
}
