/**
 * Analyst feedback over HTTP: `POST /api/alerts/:id/feedback` needs an
 * analyst or admin bearer token; a false positive is stored, counted,
 * suppresses its (identity, detector, attribute) pattern and teaches the
 * baseline with the alert's event.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTransmitter, type Transmitter } from '../../src/api/transmitter.js';
import { buildEngine, type Engine } from '../../src/cli/components.js';
import { loadPipeline, parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import type { AlertRecord } from '../../src/engine/types.js';
import { writeSimulation } from '../../src/simulator/index.js';
import { FileSource } from '../../src/sources/file.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-feedback-'));
const input = join(dir, 'sim.ndjson');
const tokens = new Map([
  ['admin-secret', 'admin' as const],
  ['analyst-secret', 'analyst' as const],
  ['viewer-secret', 'viewer' as const],
]);

let engine: Engine;
let transmitter: Transmitter;
let base: string;
const alerts: AlertRecord[] = [];

beforeAll(async () => {
  await writeSimulation({ out: input, events: 20_000, seed: 7, format: 'canonical' });
  const config = parsePipeline({
    ...loadPipeline('pipelines/embedded.yaml'),
    source: { type: 'file', path: input, format: 'canonical' },
    sinks: {},
    signals: { keys_dir: join(dir, 'keys'), outbox_dir: join(dir, 'outbox') },
    api: { enabled: true, port: 0, feedback_path: join(dir, 'feedback.ndjson') },
  });
  engine = buildEngine(config, NOW);
  transmitter = await startTransmitter(config, undefined, Date.now, {
    store: engine.store,
    suppressions: engine.suppressions,
    tokens,
  });
  base = `http://127.0.0.1:${(transmitter.server!.server.address() as { port: number }).port}`;
  await runPipeline(new FileSource({ path: input }), engine.processor, [transmitter.sink], {
    maxBatchRecords: 4096,
    maxWaitMs: 0,
    onBatch: (output) => alerts.push(...output.alerts),
  });
  return () => transmitter.close();
});

const post = (id: string, body: unknown, token?: string) =>
  fetch(`${base}/api/alerts/${id}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('analyst feedback on alerts', () => {
  it('keeps in each alert what feedback needs: the pattern attribute and the event', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(alert.feedback?.attribute).toEqual(expect.any(String));
      expect(alert.feedback?.event.id).toBe(alert.event_ids.at(-1));
    }
  });

  it('refuses without a token (401) and for a role that may not give feedback (403)', async () => {
    const id = alerts[0].id;
    expect((await post(id, { verdict: 'true_positive' })).status).toBe(401);
    expect((await post(id, { verdict: 'true_positive' }, 'wrong')).status).toBe(401);
    expect((await post(id, { verdict: 'true_positive' }, 'viewer-secret')).status).toBe(403);
    expect((await post('0'.repeat(32), { verdict: 'true_positive' }, 'analyst-secret')).status).toBe(404);
  });

  it('stores a false positive, suppresses its pattern and teaches the baseline', async () => {
    const alert = alerts.find((a) => a.kind === 'rare_hour' || a.kind === 'new_device_location')!;
    const response = await post(
      alert.id,
      { verdict: 'false_positive', note: 'travelling' },
      'analyst-secret',
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      alert_id: alert.id,
      verdict: 'false_positive',
      identity: alert.identity,
      detector: alert.kind,
      attribute: alert.feedback!.attribute,
      learned: true,
      counts: { false_positive: 1 },
    });
    expect(body.suppressed_until).toBeGreaterThan(alert.time);
    const finding = { detector: alert.kind, severity: 0.9, summary: '', evidence: {} };
    expect(engine.suppressions.filter(alert.feedback!.event, [finding])).toEqual([]);
    const stored = readFileSync(join(dir, 'feedback.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stored).toEqual([
      expect.objectContaining({ alert_id: alert.id, verdict: 'false_positive', actor: 'analyst' }),
    ]);
  });

  it('counts true positives too', async () => {
    const response = await post(alerts[0].id, { verdict: 'true_positive' }, 'admin-secret');
    expect(((await response.json()) as { counts: unknown }).counts).toEqual({
      true_positive: 1,
      false_positive: 1,
    });
  });
});
