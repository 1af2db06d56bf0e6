/**
 * Audit entries for what people and other parts of Vigil change: the
 * pipeline's response policy and thresholds (recorded at start when they
 * differ from the last recorded ones), model promotions (called by the model
 * registry), erasures (called by privacy operations), and the analyst
 * actions the API hooks record (feedback, manual revoke/reset,
 * suppressions). Builds entries only; the AuditLog chains and stores them.
 */
import { createHash } from 'node:crypto';
import type { PipelineConfig } from '../config/pipeline.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditHook, AuditLog } from './log.js';
import type { AuditEntry, AuditRecord } from './record.js';

const sha256 = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** The settings `threshold_change` covers: alerting, learning and risk-level thresholds, and risk weights. */
export function thresholdsOf(config: PipelineConfig): Record<string, unknown> {
  return {
    alerts_min_severity: config.alerts.min_severity,
    alerts_suppress_minutes: config.alerts.suppress_minutes,
    learn_below_risk: config.baseline.learn_below_risk,
    risk: config.risk,
  };
}

/** Who changed a configuration: the pipeline file is the authority, so the actor is the process operator. */
export const CONFIG_ACTOR = 'operator';

/**
 * Records the pipeline's policy and thresholds when they differ (by hash)
 * from the last recorded ones; returns the records written.
 */
export async function recordConfigurationIfChanged(
  log: AuditLog,
  config: PipelineConfig,
  source = 'pipeline',
): Promise<AuditRecord[]> {
  const entries: AuditEntry[] = [];
  const policyHash = sha256(config.policy);
  const lastPolicy = await log.store.latest(log.chain, 'policy_change');
  if (lastPolicy?.payload.hash !== policyHash) {
    entries.push({
      kind: 'policy_change',
      actor: CONFIG_ACTOR,
      subject: config.name,
      ref: `policy:${policyHash}:${lastPolicy?.seq ?? 0}`,
      payload: {
        hash: policyHash,
        previous_hash: lastPolicy?.payload.hash ?? null,
        source,
        policy: config.policy,
      },
    });
  }
  const thresholds = thresholdsOf(config);
  const thresholdsHash = sha256(thresholds);
  const lastThresholds = await log.store.latest(log.chain, 'threshold_change');
  if (lastThresholds?.payload.hash !== thresholdsHash) {
    entries.push({
      kind: 'threshold_change',
      actor: CONFIG_ACTOR,
      subject: config.name,
      ref: `thresholds:${thresholdsHash}:${lastThresholds?.seq ?? 0}`,
      payload: {
        hash: thresholdsHash,
        previous_hash: lastThresholds?.payload.hash ?? null,
        source,
        thresholds,
      },
    });
  }
  return entries.length ? log.append(entries) : [];
}

export interface ModelPromotion {
  /** Model name, e.g. `iforest-auth`. */
  model: string;
  fromVersion: string | null;
  toVersion: string;
  /** Who promoted: a role, a user, or `engine` for an automatic shadow promotion. */
  actor: string;
  reason?: string;
  /** The evidence the promotion rests on (shadow comparison metrics). */
  metrics?: Record<string, unknown>;
  /** Wall-clock ms; absent: now. */
  time?: number;
}

/** For the model registry: records a promotion (idempotent per model and target version). */
export function recordModelPromotion(audit: AuditHook, promotion: ModelPromotion): Promise<void> {
  return audit.record({
    kind: 'model_promotion',
    actor: promotion.actor,
    subject: promotion.model,
    ref: `${promotion.model}:${promotion.toVersion}`,
    payload: {
      model: promotion.model,
      from_version: promotion.fromVersion,
      to_version: promotion.toVersion,
      ...(promotion.reason ? { reason: promotion.reason } : {}),
      ...(promotion.metrics ? { metrics: promotion.metrics } : {}),
    },
    ...(promotion.time !== undefined ? { time: promotion.time } : {}),
  });
}

export interface Erasure {
  /** The identity (or pseudonym) whose data was erased. */
  subject: string;
  actor: string;
  /** What was erased, e.g. `{ tables: { events: 120, alerts: 3 } }`; never the erased data itself. */
  detail: Record<string, unknown>;
  /** A stable id of the erasure request, so a retried request is recorded once. */
  requestId?: string;
}

/** For privacy operations: records an erasure. Record counts and scope only, never the erased values. */
export function recordErasure(audit: AuditHook, erasure: Erasure): Promise<void> {
  return audit.record({
    kind: 'erasure',
    actor: erasure.actor,
    subject: erasure.subject,
    ...(erasure.requestId ? { ref: `erasure:${erasure.requestId}` } : {}),
    payload: erasure.detail,
  });
}
