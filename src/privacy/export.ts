/**
 * `vigil identity export`: everything Vigil holds about one identity as one
 * JSON document (a data-subject access answer). From every checkpoint
 * that holds its state (and the running engine's state, when given): the
 * baseline as a readable summary plus the raw snapshot entry, the sequence
 * model's state and the accumulated risk; from the store: alerts and the
 * feedback on them, decisions, signals about it, stored risk snapshots, and
 * its scored events (the newest `maxEvents`, with the total count).
 * Mentions of it in other identities' records are not exported (they are
 * those identities' data); forget redacts them.
 *
 * Never writes to any store.
 */
import type { BaselineSettings } from '../baseline/config.js';
import type { IdentitySnapshot, StateStore } from '../baseline/state-store.js';
import { type BaselineReadable, readableBaseline } from './baseline-summary.js';
import type { HoldingsReader, StoreHoldings } from './holdings.js';

export const EXPORT_FORMAT = 'vigil.identity-export/1';

export interface StateHolding {
  /** Where the state was read: `sqlite`, `clickhouse`, `directory` checkpoint, or `live` engine state. */
  where: string;
  pipeline?: string;
  source?: string;
  partition?: number;
  saved_at: string | null;
  baseline: BaselineReadable;
  /** LSTM sequence-model state (hidden/cell state, last token), when the model is enabled. */
  model_state: IdentitySnapshot['sequence'] | null;
  /** Accumulated, decaying risk and its level. */
  accumulated_risk: IdentitySnapshot['risk'] | null;
  /** The snapshot entry exactly as checkpointed. */
  raw: IdentitySnapshot;
}

export interface IdentityExport {
  format: typeof EXPORT_FORMAT;
  identity: string;
  exported_at: string;
  stores: string[];
  state: StateHolding[];
  alerts: Record<string, unknown>[];
  feedback: Record<string, unknown>[];
  decisions: Record<string, unknown>[];
  signals: Record<string, unknown>[];
  risk_snapshots: Record<string, unknown>[];
  events: { count: number; included: number; items: Record<string, unknown>[] };
}

export interface ExportOptions {
  readers: readonly HoldingsReader[];
  settings: BaselineSettings;
  /** The running engine's state (API), in addition to checkpoints. */
  live?: StateStore;
  maxEvents?: number;
  now?: () => number;
  /** Other names the store keeps the identity's rows under (its pseudonym, when pseudonymisation is on). */
  aliases?: readonly string[];
}

function holding(
  entry: IdentitySnapshot,
  settings: BaselineSettings,
  where: Omit<StateHolding, 'baseline' | 'model_state' | 'accumulated_risk' | 'raw'>,
): StateHolding {
  return {
    ...where,
    baseline: readableBaseline(entry, settings),
    model_state: entry.sequence ?? null,
    accumulated_risk: entry.risk ?? null,
    raw: entry,
  };
}

export async function exportIdentity(identity: string, options: ExportOptions): Promise<IdentityExport> {
  const maxEvents = options.maxEvents ?? 10_000;
  const out: IdentityExport = {
    format: EXPORT_FORMAT,
    identity,
    exported_at: new Date((options.now ?? Date.now)()).toISOString(),
    stores: options.readers.map((r) => r.name),
    state: [],
    alerts: [],
    feedback: [],
    decisions: [],
    signals: [],
    risk_snapshots: [],
    events: { count: 0, included: 0, items: [] },
  };
  for (const reader of options.readers) {
    for (const checkpoint of (await reader.checkpoints?.(identity)) ?? []) {
      const entry = checkpoint.state.identities.find((row) => row.identity === identity);
      if (!entry) continue;
      out.state.push(
        holding(entry, options.settings, {
          where: checkpoint.where,
          pipeline: checkpoint.pipeline,
          source: checkpoint.source,
          partition: checkpoint.partition,
          saved_at: new Date(checkpoint.saved_at_ms).toISOString(),
        }),
      );
    }
    for (const name of [identity, ...(options.aliases ?? [])]) {
      const stored: StoreHoldings | undefined = await reader.store?.(name, maxEvents);
      if (!stored) continue;
      out.alerts.push(...stored.alerts);
      out.feedback.push(...stored.feedback);
      out.decisions.push(...stored.decisions);
      out.signals.push(...stored.signals);
      out.risk_snapshots.push(...stored.identity_risk);
      out.events.count += stored.events.count;
      out.events.items.push(...stored.events.items);
    }
  }
  if (options.live) {
    const entry = options.live.snapshot().identities.find((row) => row.identity === identity);
    if (entry) out.state.push(holding(entry, options.settings, { where: 'live', saved_at: null }));
  }
  out.events.items = out.events.items.slice(0, maxEvents);
  out.events.included = out.events.items.length;
  return out;
}
