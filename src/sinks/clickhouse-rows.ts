/**
 * Batch output → ClickHouse rows (JSONEachRow objects). Pure mapping: user
 * values travel as data, never as SQL. Signals are read through
 * `signalsOf`: a pipeline without a response stage has none.
 */
import { createHash } from 'node:crypto';
import type { AlertRecord, BatchOutput, DeadLetterRecord, ScoreRecord } from '../engine/types.js';
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
    alert_ids: decision.alert_ids ?? [],
    pipeline,
    rule: decision.rule,
    mode: decision.mode,
    actor: decision.actor ?? 'engine',
    detail: decisionDetail(decision),
  };
}

/**
 * What explains a decision beyond its columns (JSON): the deciding event, its
 * detectors and risk components, the levels, the policy version, the hold and
 * the SETs it produced.
 */
export function decisionDetail(decision: DecisionRecord): string {
  return JSON.stringify({
    identity_type: decision.identity_type,
    event_id: decision.event_id,
    event_risk: decision.event_risk,
    detectors: decision.detectors,
    components: decision.components ?? {},
    level: decision.level,
    previous_level: decision.previous_level,
    policy_version: decision.policy_version ?? '',
    hold_ms: decision.hold_ms,
    signals: decision.signals,
    session_id: decision.session_id,
    device_id: decision.device_id,
    application: decision.application,
  });
}

/** Dead letters have no id of their own: one derived from where the record came from and why it failed. */
export function deadLetterId(letter: DeadLetterRecord): string {
  const { origin } = letter;
  return createHash('sha256')
    .update(
      JSON.stringify([
        origin.source,
        origin.partition ?? null,
        origin.offset ?? null,
        origin.line ?? null,
        letter.reason,
        letter.field,
        letter.raw,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** A dead letter as stored (`receivedMs`: when Vigil rejected it; dead letters have no event time). */
export function deadLetterRow(letter: DeadLetterRecord, receivedMs: number, pipeline: string): object {
  return {
    id: deadLetterId(letter),
    time: clickhouseDateTime(receivedMs),
    time_ms: Math.floor(receivedMs),
    reason: letter.reason,
    field: letter.field,
    message: letter.message,
    raw: letter.raw,
    raw_truncated: letter.raw_truncated ? 1 : 0,
    origin: JSON.stringify(letter.origin),
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
