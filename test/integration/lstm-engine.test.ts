/**
 * The LSTM in the engine: trained with `vigil train --model lstm` from a file,
 * loaded by a pipeline with `models.lstm.enabled`, scoring micro-batches with
 * carried per-identity state: an out-of-order action gets the `lstm`
 * component near 1 and an alert naming what was expected, in-order ones stay
 * low, and the state survives a snapshot/restore.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { trainLstmCommand } from '../../src/cli/train-lstm.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import type { BatchOutput, RawRecord } from '../../src/engine/types.js';
import type { ServiceEvent } from '../../src/events/schema.js';
import { LSTM_FINDING } from '../../src/models/lstm/scorer.js';
import { MINUTE, T0 } from '../support/events.js';
import { workflowCall, workflowToken, workflowTraffic } from '../support/lstm-workflow.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-lstm-'));
const modelDir = join(dir, 'model');
const NOW = () => Date.UTC(2026, 5, 1);

beforeAll(async () => {
  const input = join(dir, 'train.ndjson');
  writeFileSync(
    input,
    `${workflowTraffic(24, 160, 0.05)
      .map((e) => JSON.stringify(e))
      .join('\n')}\n`,
  );
  await trainLstmCommand({
    input,
    format: 'canonical',
    out: modelDir,
    progress: false,
    now: NOW,
    training: {
      embeddingDim: 8,
      units: 16,
      epochs: 25,
      batchSize: 32,
      learningRate: 0.02,
      patience: 3,
      seed: 3,
    },
  });
});

function engine(backend: 'auto' | 'tfjs' = 'auto') {
  const config = parsePipeline({
    source: { type: 'file', path: '/dev/null', format: 'canonical' },
    models: { lstm: { enabled: true, directory: modelDir, alert_percentile: 0.99, backend } },
  });
  return buildEngine(config, NOW);
}

const records = (events: readonly ServiceEvent[]): RawRecord[] =>
  events.map((event, i) => ({ value: event, origin: { source: 'test', line: i } }));

function probe(identity: string, steps: string, start = 0): ServiceEvent[] {
  return [...steps].map((step, i) => workflowCall(identity, step, T0 + (start + i) * MINUTE));
}

function lstmOf(output: BatchOutput, eventId: string): number {
  return output.scores.find((s) => s.event_id === eventId)!.components.lstm;
}

describe('LSTM stage in the engine', () => {
  it('serves with onnxruntime and raises the out-of-order action with its expected actions', () => {
    const { processor, lstm } = engine();
    expect(lstm?.scorer.servingBackend).toBe('onnxruntime');
    const normal = probe('spiffe://test/probe', 'abcdabcdabcd');
    const odd = probe('spiffe://test/probe', 'ac', 12);
    // Two identities interleaved, several events each per batch: stepped in rounds.
    const other = probe('spiffe://test/other', 'abcdabcdabcdab');
    const output = processor.process(records([...normal, ...odd, ...other].sort((a, b) => a.time - b.time)));
    for (const event of normal.slice(4)) expect(lstmOf(output, event.id)).toBeLessThan(0.9);
    expect(lstmOf(output, odd[1].id)).toBeGreaterThanOrEqual(0.99);
    const alert = output.alerts.find((a) => a.kind === LSTM_FINDING);
    if (!alert) throw new Error('no lstm_sequence_anomaly alert');
    expect(alert.event_ids).toContain(odd[1].id);
    expect(alert.evidence.observed).toBe(workflowToken('c'));
    expect((alert.evidence.expected as { action: string }[])[0].action).toBe(workflowToken('b'));
    for (const event of other.slice(4)) expect(lstmOf(output, event.id)).toBeLessThan(0.9);
  });

  it('carries the sequence across batches and through a state snapshot', () => {
    const first = engine();
    const events = probe('spiffe://test/probe', 'abcdabcdabcdac');
    const whole = first.processor.process(records(events));
    const split = engine();
    split.processor.process(records(events.slice(0, 9)));
    const restored = engine();
    restored.store.restore(JSON.parse(JSON.stringify(split.store.snapshot())));
    expect(restored.store.get('spiffe://test/probe')?.sequence?.h.length).toBe(16);
    const rest = restored.processor.process(records(events.slice(9)));
    for (const event of events.slice(9)) expect(lstmOf(rest, event.id)).toBe(lstmOf(whole, event.id));
  });

  it('falls back to the TensorFlow.js step with the same scores once it has loaded', async () => {
    const events = probe('spiffe://test/probe', 'abcdabcdac');
    const onnx = engine().processor.process(records(events));
    const fallback = engine('tfjs');
    await fallback.processor.beforeBatch();
    expect(fallback.lstm?.scorer.servingBackend).toMatch(/^tfjs-/);
    const output = fallback.processor.process(records(events));
    for (const event of events) expect(lstmOf(output, event.id)).toBeCloseTo(lstmOf(onnx, event.id), 2);
  });
});
