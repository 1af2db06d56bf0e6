/**
 * The engine's boundary types: what a source hands in, what sinks receive.
 * Adapters (files, the simulator, Kafka, ClickHouse, HTTP) implement Source
 * and Sink; the engine knows nothing else about them.
 */
import type { IdentityType, VigilEvent } from '../events/schema.js';
import type { DecisionRecord, SignalRecord } from '../risk/decisions.js';

/** Where a raw record came from, for dead letters and checkpoints. */
export interface RecordOrigin {
  source: string;
  partition?: number;
  offset?: string;
  line?: number;
}

export interface RawRecord {
  /** Undecoded text (a line, a Kafka message value), or an already-parsed object from an in-process source. */
  value: string | object;
  origin: RecordOrigin;
  /** Input format of this record when it differs from the pipeline's (e.g. canonical events from the API). */
  format?: string;
}

export interface SourceBatch {
  records: RawRecord[];
  /** Opaque position handed back to `commit` once every sink has flushed this batch. */
  position: unknown;
}

export interface Source {
  readonly name: string;
  /** The next batch, or null when the input is exhausted. Resolves early (possibly empty) when `signal` aborts. */
  next(maxRecords: number, maxWaitMs: number, signal: AbortSignal): Promise<SourceBatch | null>;
  commit(position: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface ScoreRecord {
  event_id: string;
  time: number;
  kind: 'auth' | 'service' | 'account';
  identity: string;
  risk: number;
  components: Record<string, number>;
  /** Detectors that produced a finding for this event. */
  detectors?: string[];
}

export interface AlertRecord {
  id: string;
  time: number;
  identity: string;
  identity_type: IdentityType;
  kind: string;
  severity: number;
  risk: number;
  summary: string;
  evidence: Record<string, unknown>;
  event_ids: string[];
  /**
   * What analyst feedback needs (added by the response stage): the pattern
   * attribute a false positive suppresses, and the deciding event, which then
   * teaches the baseline.
   */
  feedback?: { attribute: string; event: VigilEvent };
}

export interface DeadLetterRecord {
  reason: string;
  field: string;
  message: string;
  /** The payload as received (text), truncated past 64 KiB. */
  raw: string;
  raw_truncated?: boolean;
  origin: RecordOrigin;
}

export interface BatchOutput {
  scores: ScoreRecord[];
  alerts: AlertRecord[];
  deadLetters: DeadLetterRecord[];
  /** Response-policy decisions (present when the pipeline has a response stage). */
  decisions?: DecisionRecord[];
  /** Shared Signals SETs (unsigned payloads) built from decisions and risk-level changes. */
  signals?: SignalRecord[];
}

export interface Sink {
  readonly name: string;
  write(output: BatchOutput): Promise<void>;
  /** Durably hands over everything written so far; the engine commits the source only after every sink flushed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
