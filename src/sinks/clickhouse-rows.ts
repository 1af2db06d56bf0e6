/**
 * Batch output → ClickHouse rows (JSONEachRow objects). Pure mapping: user
 * values travel as data, never as SQL. Signals are read through
 * `signalsOf`: a pipeline without a response stage has none.
 */
import type { AlertRecord, BatchOutput, ScoreRecord } from '../engine/types.js';
import type { DecisionRecord, SignalRecord } from '../risk/decisions.js';
import { clickhouseDateTime } from '../store/clickhouse-migrations.js';

/** Signals of a batch (BatchOutput.signals, present when the pipeline has a response stage). */
export function signalsOf(output: BatchOutput): readonly SignalRecord[] {
  return output.signals ?? [];
}

/** A SET's issue time (`iat`, seconds) in ms, or the fallback. */
function signalTime(signal: SignalRecord, fallback: number): number {
  const iat = signal.set.iat;
  return typeof iat === 'number' && Number.isFinite(iat) ? iat * 1000 : fallback;
}

export function eventRow(score: ScoreRecord, pipeline: string): object {
  return {
    event_id: score.event_id,
    time: clickhouseDateTime(score.time),
    time_ms: Math.floor(score.time),
    kind: score.kind,
    identity: score.identity,
    risk: score.risk,
    components: JSON.stringify(score.components),
    detectors: score.detectors ?? [],
    pipeline,
  };
}

export function alertRow(alert: AlertRecord, pipeline: string): object {
  return {
    id: alert.id,
    time: clickhouseDateTime(alert.time),
    time_ms: Math.floor(alert.time),
    identity: alert.identity,
    identity_type: alert.identity_type,
    detector: alert.kind,
    severity: alert.severity,
    risk: alert.risk,
    summary: alert.summary,
    evidence: JSON.stringify(alert.evidence),
    event_ids: alert.event_ids,
    pipeline,
  };
}

export function signalRow(signal: SignalRecord, pipeline: string, fallbackTime: number): object {
  const time = signalTime(signal, fallbackTime);
  return {
    id: signal.jti,
    time: clickhouseDateTime(time),
    time_ms: Math.floor(time),
    subject: signal.key,
    event_type: signal.event_type,
    payload: JSON.stringify(signal.set),
    pipeline,
  };
}

export function decisionRow(decision: DecisionRecord, pipeline: string): object {
  return {
    id: decision.id,
    time: clickhouseDateTime(decision.time),
    time_ms: Math.floor(decision.time),
    identity: decision.identity,
    action: decision.action,
    risk: decision.score,
    reason: decision.reason,
    alert_ids: [],
    pipeline,
  };
}

/** The latest risk of each identity scored in the batch: one snapshot row per identity. */
export function identityRiskRows(scores: readonly ScoreRecord[], pipeline: string): object[] {
  const latest = new Map<string, ScoreRecord>();
  for (const score of scores) {
    const seen = latest.get(score.identity);
    if (!seen || seen.time <= score.time) latest.set(score.identity, score);
  }
  return [...latest.values()].map((score) => ({
    identity: score.identity,
    time: clickhouseDateTime(score.time),
    time_ms: Math.floor(score.time),
    risk: score.risk,
    pipeline,
  }));
}
