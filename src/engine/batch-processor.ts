/**
 * One micro-batch through the stages: decode/validate every record (bad ones
 * become dead letters), analyse the valid events in order (baseline,
 * detectors, learning), let batch scorers add model components, fuse the
 * final risk and raise alerts. Pure computation: no I/O, never throws on
 * input, and every record ends up either scored or dead-lettered.
 */
import { decodeMapped, decodeMappedAll, decodeRecord, decodeRecordAll } from '../events/decode.js';
import { inputFormat } from '../events/formats/index.js';
import type { InputFormat } from '../events/formats/types.js';
import { LIMITS, type VigilEvent } from '../events/schema.js';
import type { Checked } from '../events/validate.js';
import { type AlertSettings, raiseAlerts } from '../risk/alerts.js';
import type { ManualAction, ResponseStage } from '../risk/decisions.js';
import { type FusionWeights, fuseRisk } from '../risk/fusion.js';
import type { Analysis, Analyzer } from './analyzer.js';
import type { BatchOutput, DeadLetterRecord, RawRecord, ScoreRecord } from './types.js';

/** A model stage that scores a whole batch at once (Isolation Forest, LSTM) and adds its component. */
export interface BatchScorer {
  readonly name: string;
  score(events: readonly VigilEvent[], analyses: readonly Analysis[]): void;
  /**
   * Deterministic runs (replay) only: awaited before each batch, so work the
   * scorer started in the background (e.g. training a model in a worker) lands
   * at the same batch on every run.
   */
  beforeBatch?(): Promise<void>;
  /** Awaited once when the run ends: finish background work (training, saving a model). */
  close?(): Promise<void>;
}

export interface BatchProcessorOptions {
  format: InputFormat;
  alerts: AlertSettings;
  weights: FusionWeights;
  batchScorers?: readonly BatchScorer[];
  /** Risk accumulation and response policy (src/risk/decisions.ts), run for every event after alerts. */
  response?: ResponseStage;
  /** Wall clock for the future-skew check. */
  now?: () => number;
}

export class BatchProcessor {
  private readonly now: () => number;
  private readonly batchScorers: readonly BatchScorer[];

  constructor(
    readonly analyzer: Analyzer,
    readonly options: BatchProcessorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.batchScorers = options.batchScorers ?? [];
  }

  process(records: readonly RawRecord[]): BatchOutput {
    const output: BatchOutput = { scores: [], alerts: [], deadLetters: [] };
    const nowMs = this.now();
    const events: VigilEvent[] = [];
    for (const record of records) {
      if (this.formatOf(record).split) {
        // A container record (e.g. Azure Monitor's {"records":[...]}) yields one score or dead letter per member.
        for (const decoded of this.decodeAll(record, nowMs)) {
          if (decoded.ok) events.push(decoded.value);
          else output.deadLetters.push(deadLetter(record, decoded));
        }
        continue;
      }
      const decoded = this.decode(record, nowMs);
      if (decoded.ok) events.push(decoded.value);
      else output.deadLetters.push(deadLetter(record, decoded));
    }
    this.analyzer.options.features?.startBatch(events.length);
    const analyses = events.map((event) => this.analyzer.analyze(event));
    if (this.batchScorers.length > 0) {
      for (const scorer of this.batchScorers) scorer.score(events, analyses);
      for (const analysis of analyses) analysis.risk = fuseRisk(analysis.components, this.options.weights);
    }
    for (let i = 0; i < events.length; i++) this.emit(events[i], analyses[i], output);
    return output;
  }

  /** Lets batch scorers finish background work before the next batch (deterministic runs). */
  async beforeBatch(): Promise<void> {
    for (const scorer of this.batchScorers) await scorer.beforeBatch?.();
  }

  /** Lets batch scorers finish background work when the run ends. */
  async close(): Promise<void> {
    for (const scorer of this.batchScorers) await scorer.close?.();
  }

  /**
   * Applies an analyst's revoke or reset to the engine's state, after the
   * batch's events; its decision and signals join `output`. False when the
   * identity is unknown here or the pipeline has no response stage.
   */
  applyManual(action: ManualAction, output: BatchOutput): boolean {
    const response = this.options.response;
    if (!response) return false;
    return response.manual(action, this.analyzer.store.get(action.identity), output);
  }

  private formatOf(record: RawRecord): InputFormat {
    return record.format === undefined ? this.options.format : inputFormat(record.format);
  }

  private decode(record: RawRecord, nowMs: number): Checked<VigilEvent> {
    const format = this.formatOf(record);
    return typeof record.value === 'string'
      ? decodeRecord(record.value, format, nowMs)
      : decodeMapped(record.value, format, nowMs);
  }

  private decodeAll(record: RawRecord, nowMs: number): Checked<VigilEvent>[] {
    const format = this.formatOf(record);
    return typeof record.value === 'string'
      ? decodeRecordAll(record.value, format, nowMs)
      : decodeMappedAll(record.value, format, nowMs);
  }

  private emit(event: VigilEvent, analysis: Analysis, output: BatchOutput): void {
    const score: ScoreRecord = {
      event_id: event.id,
      time: event.time,
      kind: event.kind,
      identity: event.identity,
      risk: analysis.risk,
      components: analysis.components,
    };
    const store = this.analyzer.store;
    const state = store.get(event.identity)!;
    if (analysis.findings.length > 0) {
      score.detectors = analysis.findings.map((finding) => finding.detector);
      const { alerts } = this.options;
      raiseAlerts(
        event,
        state,
        store.incidentAlerts,
        analysis.findings,
        analysis.risk,
        alerts,
        output.alerts,
      );
    }
    output.scores.push(score);
    this.options.response?.respond(event, analysis, state, output);
  }
}

function deadLetter(
  record: RawRecord,
  rejection: Extract<Checked<unknown>, { ok: false }>,
): DeadLetterRecord {
  let raw = typeof record.value === 'string' ? record.value : safeStringify(record.value);
  const truncated = raw.length > LIMITS.maxRawBytes;
  if (truncated) raw = raw.slice(0, LIMITS.maxRawBytes);
  const letter: DeadLetterRecord = {
    reason: rejection.code,
    field: rejection.field,
    message: rejection.message,
    raw,
    origin: record.origin,
  };
  if (truncated) letter.raw_truncated = true;
  return letter;
}

function safeStringify(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
