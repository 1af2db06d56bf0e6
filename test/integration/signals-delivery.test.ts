/**
 * Delivery of signed SETs to a real HTTP receiver (RFC 8935 push), across a
 * receiver outage and an engine restart: the receiver verifies each SET's JWS
 * against Vigil's JWKS endpoint and gets every SET exactly once. Also: the
 * check endpoint denies a revoked identity within one micro-batch of the
 * deciding event, and poll delivery (RFC 8936) hands out and forgets SETs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransmitter, type Transmitter } from '../../src/api/transmitter.js';
import { buildEngine } from '../../src/cli/components.js';
import { loadPipeline, type PipelineConfig, parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import type { BatchOutput, Source } from '../../src/engine/types.js';
import { headerProblems, setProblems } from '../../src/signals/validate.js';
import { writeSimulation } from '../../src/simulator/index.js';
import { FileSource } from '../../src/sources/file.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-delivery-'));
const input = join(dir, 'sim.ndjson');
const AUDIENCE = 'https://receiver.example.com/';

/** A Shared Signals receiver: verifies every pushed SET against Vigil's JWKS and counts deliveries per jti. */
class Receiver {
  app: FastifyInstance | undefined;
  port = 0;
  mode: 'up' | 'unavailable' = 'up';
  readonly accepted = new Map<string, number>();
  readonly problems: string[] = [];
  refused = 0;
  jwksUrl = '';

  async start(): Promise<void> {
    const app = Fastify();
    app.addContentTypeParser('application/secevent+jwt', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    app.post('/events', async (request, reply) => {
      if (this.mode === 'unavailable') {
        this.refused++;
        return reply.code(503).send();
      }
      const token = request.body as string;
      try {
        const header = decodeProtectedHeader(token) as Record<string, unknown>;
        this.problems.push(...headerProblems(header));
        const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(this.jwksUrl)), {
          typ: 'secevent+jwt',
          audience: AUDIENCE,
          issuer: 'https://vigil.example.com/',
        });
        this.problems.push(...setProblems(payload));
        const jti = payload.jti as string;
        this.accepted.set(jti, (this.accepted.get(jti) ?? 0) + 1);
        return reply.code(202).send();
      } catch (error) {
        this.problems.push((error as Error).message);
        return reply.code(400).send({ err: 'invalid_request', description: (error as Error).message });
      }
    });
    await app.listen({ host: '127.0.0.1', port: this.port });
    this.port = (app.server.address() as { port: number }).port;
    this.app = app;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}

function engineConfig(outDir: string, receiverPort: number): PipelineConfig {
  const base = loadPipeline('pipelines/embedded.yaml');
  return parsePipeline({
    ...base,
    source: { type: 'file', path: input, format: 'canonical' },
    batch: { max_events: 512, max_wait_ms: 0 },
    sinks: {},
    signals: {
      keys_dir: join(outDir, 'keys'),
      outbox_dir: join(outDir, 'outbox'),
      push: [{ url: `http://127.0.0.1:${receiverPort}/events`, audience: AUDIENCE }],
      retry: { initial_ms: 20, max_ms: 200 },
    },
    api: { enabled: true, host: '127.0.0.1', port: 0 },
  });
}

/** One engine "process": a fresh engine and transmitter over the shared key and outbox directories. */
async function runEngine(
  config: PipelineConfig,
  onBatch?: (output: BatchOutput, transmitter: Transmitter) => Promise<void>,
) {
  const transmitter = await startTransmitter(config);
  const engine = buildEngine(config, NOW);
  const jtis: string[] = [];
  const pending: Promise<void>[] = [];
  await runPipeline(new FileSource({ path: input }), engine.processor, [transmitter.sink], {
    maxBatchRecords: config.batch.max_events,
    maxWaitMs: 0,
    onBatch: (output) => {
      for (const signal of output.signals ?? []) jtis.push(signal.jti);
      if (onBatch) pending.push(onBatch(output, transmitter));
    },
  });
  await Promise.all(pending);
  return { transmitter, jtis };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const receiver = new Receiver();
const stateDir = join(dir, 'state');

beforeAll(async () => {
  await writeSimulation({ out: input, events: 20_000, seed: 7, format: 'canonical' });
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
});

describe('push delivery of signed SETs (RFC 8935)', () => {
  it('delivers every SET exactly once across a receiver outage and an engine restart', async () => {
    const config = engineConfig(stateDir, receiver.port);
    // Engine 1 runs while the receiver answers 503: everything stays in the outbox.
    receiver.mode = 'unavailable';
    const first = await runEngine(config);
    receiver.jwksUrl = `http://127.0.0.1:${(first.transmitter.server!.server.address() as { port: number }).port}/jwks.json`;
    await until(() => receiver.refused > 0, 5_000);
    const pendingAfterOutage = first.transmitter.deliverers[0].outbox.size;
    expect(pendingAfterOutage).toBe(new Set(first.jtis).size);
    await first.transmitter.close();

    // The receiver is down altogether while engine 2 starts and re-processes the same input (as after a crash).
    await receiver.stop();
    receiver.mode = 'up';
    const second = await runEngine(config);
    expect(second.jtis).toEqual(first.jtis);
    expect(second.transmitter.deliverers[0].outbox.size).toBe(pendingAfterOutage);
    receiver.jwksUrl = `http://127.0.0.1:${(second.transmitter.server!.server.address() as { port: number }).port}/jwks.json`;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await receiver.start();
    await until(() => second.transmitter.deliverers[0].outbox.size === 0, 30_000);
    await second.transmitter.close();

    const expected = new Set(first.jtis);
    expect(receiver.problems).toEqual([]);
    expect(new Set(receiver.accepted.keys())).toEqual(expected);
    expect([...receiver.accepted.values()].every((count) => count === 1)).toBe(true);

    // A third start finds nothing left to send.
    const third = await startTransmitter(config);
    expect(third.deliverers[0].outbox.size).toBe(0);
    await third.close();
  });
});

describe('the check endpoint', () => {
  it('flips from 200 to 403 for a revoked identity within one micro-batch of the deciding event', async () => {
    // Which identities are first acted on by a revocation, and in which batch: from a first run.
    const firstAction = new Map<string, { action: string; batch: number }>();
    let batch = 0;
    const probe = engineConfig(join(dir, 'probe'), receiver.port);
    probe.signals.push = [];
    const { transmitter: probeTransmitter } = await runEngine(probe, async (output) => {
      batch++;
      for (const d of output.decisions ?? []) {
        if (!firstAction.has(d.identity)) firstAction.set(d.identity, { action: d.action, batch });
      }
    });
    await probeTransmitter.close();
    const revoked = [...firstAction].filter(([, first]) => first.action === 'revoke_sessions');
    expect(revoked.length).toBeGreaterThan(0);

    // Second run: between batches (the runner awaits the source before reading the next batch,
    // after the previous one was written, flushed and committed) ask about each of them.
    const config = engineConfig(join(dir, 'check'), receiver.port);
    config.signals.push = [];
    const transmitter = await startTransmitter(config);
    const base = `http://127.0.0.1:${(transmitter.server!.server.address() as { port: number }).port}`;
    const seen = new Map<string, number[]>();
    const file = new FileSource({ path: input });
    let completed = 0;
    const probing: Source = {
      name: 'probing-file',
      async next(max, wait, signal) {
        if (completed > 0) {
          for (const [identity, first] of revoked) {
            if (completed > first.batch) continue;
            const response = await fetch(`${base}/v1/check?subject=${encodeURIComponent(identity)}`);
            if (!seen.has(identity)) seen.set(identity, []);
            seen.get(identity)!.push(response.status);
            if (completed === first.batch) {
              expect(response.headers.get('x-vigil-decision')).toBe('revoke_sessions');
              expect(response.headers.get('x-vigil-reason')).toMatch(/^revoke_/);
            }
          }
        }
        completed++;
        return file.next(max, wait, signal);
      },
      commit: (position) => file.commit(position),
      close: () => file.close(),
    };
    await runPipeline(probing, buildEngine(config, NOW).processor, [transmitter.sink], {
      maxBatchRecords: config.batch.max_events,
      maxWaitMs: 0,
    });
    await transmitter.close();
    for (const [identity, first] of revoked) {
      const statuses = seen.get(identity)!;
      expect(statuses).toHaveLength(first.batch);
      // 200 at the end of every batch before the deciding one, 403 right after the deciding batch.
      expect({ identity, statuses }).toEqual({
        identity,
        statuses: [...Array(first.batch - 1).fill(200), 403],
      });
    }
  });

  it('answers 401 with an RFC 9470 step-up challenge, and allows a session authenticated after the decision', async () => {
    const config = engineConfig(join(dir, 'stepup'), receiver.port);
    config.signals.push = [];
    const actions = new Map<string, Set<string>>();
    const decidedAt = new Map<string, number>();
    const { transmitter } = await runEngine(config, async (output) => {
      for (const d of output.decisions ?? []) {
        if (!actions.has(d.identity)) actions.set(d.identity, new Set());
        actions.get(d.identity)!.add(d.action);
        decidedAt.set(d.identity, d.time);
      }
    });
    const base = `http://127.0.0.1:${(transmitter.server!.server.address() as { port: number }).port}`;
    const stepUpOnly = [...actions].find(([, set]) => set.size === 1 && set.has('step_up'))![0];
    const challenged = await fetch(`${base}/v1/check/orders/42`, {
      headers: { 'x-vigil-subject': stepUpOnly },
    });
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
    const reauthenticated = Math.floor(decidedAt.get(stepUpOnly)! / 1000) + 60;
    const after = await fetch(
      `${base}/v1/check?subject=${encodeURIComponent(stepUpOnly)}&auth_time=${reauthenticated}`,
    );
    expect(after.status).toBe(200);
    const normal = await fetch(`${base}/v1/check/some/path`, {
      headers: { 'x-vigil-subject': 'nobody@example.com' },
    });
    expect(normal.status).toBe(200);
    const missing = await fetch(`${base}/v1/check`);
    expect(missing.status).toBe(400);
    // The answer comes from memory: well under a millisecond per lookup.
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) transmitter.enforcement.check(i % 2 ? stepUpOnly : 'nobody@example.com');
    expect((performance.now() - started) / 10_000).toBeLessThan(0.05);
    await transmitter.close();
  });
});

describe('poll delivery of signed SETs (RFC 8936)', () => {
  it('hands out every SET, verifiable against the JWKS, until acknowledged', async () => {
    const config = engineConfig(join(dir, 'poll'), receiver.port);
    config.signals.push = [];
    const { transmitter, jtis } = await runEngine(config);
    const base = `http://127.0.0.1:${(transmitter.server!.server.address() as { port: number }).port}`;
    const metadata = (await (await fetch(`${base}/.well-known/ssf-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      spec_version: '1_0',
      delivery_methods_supported: ['urn:ietf:rfc:8936'],
    });
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
    const received: string[] = [];
    let ack: string[] = [];
    for (let round = 0; round < 100; round++) {
      const response = await fetch(`${base}/ssf/poll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ maxEvents: 40, returnImmediately: true, ack }),
      });
      const body = (await response.json()) as { sets: Record<string, string>; moreAvailable: boolean };
      for (const [jti, token] of Object.entries(body.sets)) {
        const { payload } = await jwtVerify(token, jwks, {
          typ: 'secevent+jwt',
          audience: 'urn:vigil:signals',
        });
        expect(payload.jti).toBe(jti);
        received.push(jti);
      }
      ack = Object.keys(body.sets);
      if (ack.length === 0 && !body.moreAvailable) break;
    }
    expect(received).toEqual([...new Set(jtis)]);
    await transmitter.close();
  });
});
