/** `vigil run --pipeline F`: run a pipeline until its input ends or a signal stops it. */
import { type TokenRoles, tokensFromEnv } from '../api/auth.js';
import { startTransmitterFor } from '../api/transmitter.js';
import { recordModelPromotion } from '../audit/actions.js';
import type { AuditLog } from '../audit/log.js';
import { openPipelineAudit, withAuditApi, withAuditSink } from '../audit/setup.js';
import { applyEnvOverrides } from '../config/env-overrides.js';
import { loadPipeline, type PipelineConfig } from '../config/pipeline.js';
import { type RunOptions, type RunStats, runPipeline } from '../engine/runner.js';
import { pushDelivery } from '../evaluation/effectiveness-window.js';
import type { Logger } from '../logging.js';
import { auditErasureRecorder } from '../privacy/erasure-record.js';
import { ClickHouseSink } from '../sinks/clickhouse.js';
import { SqliteSink } from '../sinks/sqlite.js';
import { SqliteQueryStore } from '../store/sqlite-queries.js';
import { buildEngine, buildSinks, buildSource, type EngineHooks, loggingEngineHooks } from './components.js';
import { buildLiveApi, mergeTokens } from './live-api.js';
import { LiveSummary } from './live-summary.js';
import { runKafkaPartitioned } from './production-components.js';
import { abortOnSignals } from './signals.js';

/** Engine hooks that log, and record each model promotion in the audit trail (when one is open). */
function auditedEngineHooks(log: Logger, audit: () => AuditLog | undefined): EngineHooks {
  const hooks = loggingEngineHooks(log);
  const logged = hooks.iforest?.onPromotion;
  return {
    ...hooks,
    iforest: {
      ...hooks.iforest,
      onPromotion: (report) => {
        logged?.(report);
        const log_ = audit();
        if (!log_ || !report.promoted) return;
        recordModelPromotion(log_, {
          model: report.model,
          fromVersion: report.current_version === null ? null : String(report.current_version),
          toVersion: String(report.candidate_version),
          actor: 'engine',
          reason: report.reason,
          metrics: { rows: report.rows, spearman: report.spearman, flagged_overlap: report.flagged_overlap },
        }).catch((error: Error) => log.error({ err: error.message }, 'model promotion not audited'));
      },
    },
  };
}

/** Runs a validated pipeline with a live summary line and graceful shutdown. */
export async function runLive(
  config: PipelineConfig,
  log: Logger,
  durationS?: number,
  extraTokens?: TokenRoles,
): Promise<RunStats> {
  // Model promotions go to the audit trail once it is open (it opens just below).
  let auditLog: AuditLog | undefined;
  const hooks = auditedEngineHooks(log, () => auditLog);
  const engine = buildEngine(config, undefined, hooks);
  // Analyst API parts: store read side, Prometheus metrics, readiness (src/cli/live-api.ts).
  const live = config.api.enabled ? buildLiveApi(config, engine) : undefined;
  // Audit trail (src/audit/): decisions and signals via its sink, analyst actions via hooks.
  const audit = await openPipelineAudit(config, log);
  if (audit) engine.suppressions.audit = audit.log;
  auditLog = audit?.log;
  // Erasures through the API are recorded in the same chain (without the erased identity).
  if (audit && live?.privacy) live.privacy.recorder = auditErasureRecorder(audit.log);
  // Shared Signals: push receivers, poll, JWKS and the check endpoint (when configured).
  const transmitter = await startTransmitterFor(config, log, {
    store: engine.store,
    suppressions: engine.suppressions,
    tokens: mergeTokens(tokensFromEnv(process.env), extraTokens),
    analyst: withAuditApi(live?.analyst, audit),
    feedbackStore: live?.feedbackStore,
    audit: audit?.log,
  });
  // Effectiveness: the share of SETs push receivers acknowledged.
  if (transmitter) live?.effectiveness.attach({ delivery: () => pushDelivery(transmitter.deliverers) });
  const sinksWithSignals = () => {
    const sinks = [...buildSinks(config, log), ...(transmitter ? [transmitter.sink] : [])];
    for (const sink of sinks) {
      if (sink instanceof ClickHouseSink) sink.onRetry = () => live?.metrics.storeWriteError('clickhouse');
      // Verdicts written through the API's own connection wait for the sink's batch transaction.
      if (sink instanceof SqliteSink && live?.feedbackStore instanceof SqliteQueryStore)
        live.feedbackStore.writers.yieldTo(sink.db);
    }
    return withAuditSink(sinks, audit);
  };
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
            () => buildEngine(config, undefined, hooks),
            sinksWithSignals(),
            log,
            o,
            live?.metrics,
          )
      : (o: RunOptions) => runPipeline(buildSource(config, log), engine.processor, sinksWithSignals(), o);
  const stats = await run({
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: config.batch.max_wait_ms,
    signal: controller.signal,
    inbox: live?.inbox,
    onBatch: (output, s, batchMs) => {
      summary.update(s);
      live?.sourceDelivered();
      live?.metrics.observeBatch(output, batchMs);
    },
  });
  await transmitter?.close();
  await audit?.close();
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
