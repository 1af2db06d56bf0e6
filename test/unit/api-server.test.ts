import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineMetrics } from '../../src/api/metrics.js';
import type { BatchOutput } from '../../src/engine/types.js';
import { simulate } from '../../src/simulator/index.js';
import { analystServer, bearer, type FilledStore, filledSqliteStore } from '../support/api-server.js';

let store: FilledStore;
let app: FastifyInstance;
let metrics: EngineMetrics;
const ready = { source: true, store: true, models: true };

beforeAll(async () => {
  store = await filledSqliteStore(300);
  metrics = new EngineMetrics('demo');
  metrics.setModels([{ name: 'iforest-auth', version: '3', backend: 'js' }]);
  app = await analystServer(store.queries, {
    metrics,
    readiness: { source: () => ready.source, store: async () => ready.store, models: () => ready.models },
    models: () => [{ name: 'iforest-auth', version: '3', backend: 'js' }],
    ingest: { requestsPerMinute: 5 },
  });
}, 20_000);
afterAll(async () => {
  await app?.close();
  store?.close();
});

const PROTECTED_ROUTES = [
  { method: 'GET', url: '/api/alerts', minimum: 'viewer' },
  { method: 'GET', url: '/api/alerts/x', minimum: 'viewer' },
  { method: 'GET', url: '/api/identities', minimum: 'viewer' },
  { method: 'GET', url: '/api/identities/x', minimum: 'viewer' },
  { method: 'GET', url: '/api/models', minimum: 'viewer' },
  { method: 'POST', url: '/api/identities/x/revoke', minimum: 'analyst' },
  { method: 'POST', url: '/api/identities/x/reset', minimum: 'analyst' },
  { method: 'POST', url: '/api/ingest', minimum: 'analyst' },
] as const;

/** A tiny Prometheus text-format parser: sample name{labels} → value. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

describe('authentication and roles', () => {
  it('answers 401 without a token or with an unknown one, in the stable error shape', async () => {
    for (const route of PROTECTED_ROUTES) {
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }]) {
        const response = await app.inject({ method: route.method, url: route.url, headers, payload: {} });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
        expect(response.headers['www-authenticate']).toContain('Bearer');
      }
    }
  });

  it('answers 403 to a viewer on write routes, and lets analysts and admins through', async () => {
    for (const route of PROTECTED_ROUTES.filter((r) => r.minimum === 'analyst')) {
      const response = await app.inject({
        method: route.method,
        url: route.url,
        headers: bearer('viewer'),
        payload: {},
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('FORBIDDEN');
    }
    for (const role of ['analyst', 'admin'] as const) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/identities/x/reset',
        headers: bearer(role),
        payload: {},
      });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('health, readiness and metrics', () => {
  it('is live, and ready only while source, store and models are up', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const up = await app.inject('/readyz');
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ ready: true, checks: { source: true, store: true, models: true } });
    ready.store = false;
    const down = await app.inject('/readyz');
    ready.store = true;
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ ready: false, checks: { source: true, store: false, models: true } });
  });

  it('serves Prometheus text whose counters move when a batch is observed', async () => {
    const before = parsePrometheus((await app.inject('/metrics')).body);
    expect(before.get('vigil_model_info{model="iforest-auth",version="3",backend="js"}')).toBe(1);
    const events = [...simulate({ seed: 3, events: 5 })].map((s) => s.event);
    const output: BatchOutput = {
      scores: events.map((e) => ({
        event_id: e.id,
        time: e.time,
        kind: e.kind,
        identity: e.identity,
        risk: 0.1,
        components: {},
      })),
      alerts: [],
      deadLetters: [
        { reason: 'not_json', field: '/', message: 'bad', raw: '{', origin: { source: 'test' } as never },
      ],
    };
    metrics.observeBatch(output, 12);
    metrics.storeWriteError('sqlite');
    const response = await app.inject('/metrics');
    expect(response.headers['content-type']).toContain('text/plain');
    const after = parsePrometheus(response.body);
    const scored = (samples: Map<string, number>) =>
      [...samples].filter(([name]) => name.startsWith('vigil_events_total{')).reduce((n, [, v]) => n + v, 0);
    expect(scored(after) - scored(before)).toBe(5);
    expect(after.get('vigil_dead_letters_total{pipeline="demo",reason="not_json"}')).toBe(1);
    expect(after.get('vigil_batch_duration_seconds_count{pipeline="demo"}')).toBe(1);
    expect(after.get('vigil_store_write_errors_total{store="sqlite"}')).toBe(1);
  });
});

describe('GET /openapi.json', () => {
  it('documents every registered route with its schemas', async () => {
    const document = (await app.inject('/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    const routes = Object.entries(document.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const expected of [
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /api/alerts',
      'GET /api/alerts/{id}',
      'GET /api/identities',
      'GET /api/identities/{id}',
      'POST /api/identities/{id}/revoke',
      'POST /api/identities/{id}/reset',
      'GET /api/models',
      'POST /api/ingest',
      'GET /openapi.json',
      'GET /.well-known/ssf-configuration',
    ]) {
      expect(routes).toContain(expected);
    }
    const alerts = document.paths['/api/alerts'].get;
    expect(alerts.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'identity', 'detector', 'min_severity', 'limit', 'cursor']),
    );
    expect(
      document.paths['/api/ingest'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['format', 'events']);
  });
});

describe('identity actions and models', () => {
  it('records a revoke it cannot enforce, and says so', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/identities/alice@example.com/revoke',
      headers: bearer('analyst'),
      payload: { reason: 'phished' },
    });
    expect(response.json()).toMatchObject({
      identity: 'alice@example.com',
      action: 'revoke',
      enforced: false,
    });
  });

  it('hands the action to the engine when given an accessor', async () => {
    const calls: unknown[] = [];
    const withEngine = await analystServer(store.queries, {
      identities: {
        act: async (identity, action, by) => {
          calls.push({ identity, action, by });
          return { enforced: true, detail: 'session revoked; SET emitted' };
        },
      },
    });
    const response = await withEngine.inject({
      method: 'POST',
      url: '/api/identities/bob/revoke',
      headers: bearer('admin'),
      payload: {},
    });
    await withEngine.close();
    expect(response.json()).toEqual({
      identity: 'bob',
      action: 'revoke',
      enforced: true,
      detail: 'session revoked; SET emitted',
    });
    expect(calls).toEqual([{ identity: 'bob', action: 'revoke', by: 'admin' }]);
  });

  it('rejects an over-long reason with 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/identities/bob/reset',
      headers: bearer('analyst'),
      payload: { reason: 'x'.repeat(2001) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION');
  });

  it('lists the models in use', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/models', headers: bearer('viewer') });
    expect(response.json()).toEqual({ models: [{ name: 'iforest-auth', version: '3', backend: 'js' }] });
  });
});

describe('POST /api/ingest', () => {
  const ingest = (payload: unknown, target = app) =>
    target.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: bearer('analyst'),
      payload: payload as object,
    });

  it('answers per event: accepted, or rejected with the decoder reason and field', async () => {
    const [good] = [...simulate({ seed: 5, events: 1 })].map((s) => s.event);
    const received: unknown[] = [];
    const withInput = await analystServer(store.queries, {
      ingest: { accept: (events) => void received.push(...events) },
    });
    const response = await ingest(
      { format: 'canonical', events: [good, { kind: 'auth' }, 'nonsense'] },
      withInput,
    );
    await withInput.close();
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer).toMatchObject({ accepted: 1, rejected: 2, forwarded: true });
    expect(answer.results[0]).toEqual({ index: 0, accepted: true, event_id: good.id });
    expect(answer.results[1]).toMatchObject({
      index: 1,
      accepted: false,
      reason: expect.any(String),
      field: expect.any(String),
    });
    expect(answer.results[2]).toMatchObject({ index: 2, accepted: false });
    expect(received).toHaveLength(1);
  });

  it('says when events were validated but not forwarded', async () => {
    const [good] = [...simulate({ seed: 5, events: 1 })].map((s) => s.event);
    expect((await ingest({ format: 'canonical', events: [good] })).json()).toMatchObject({
      accepted: 1,
      forwarded: false,
    });
  });

  it('rejects an unknown format and a malformed body with 400', async () => {
    const unknown = await ingest({ format: 'nope', events: [{}] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('FORMAT_UNKNOWN');
    const empty = await ingest({ format: 'canonical', events: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ error: { code: 'VALIDATION', message: expect.any(String) } });
  });

  it('is rate-limited per client', async () => {
    const limited = await analystServer(store.queries, { ingest: { requestsPerMinute: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await ingest({ format: 'canonical', events: [{}] }, limited)).statusCode);
    const last = await ingest({ format: 'canonical', events: [{}] }, limited);
    await limited.close();
    expect(codes).toEqual([200, 200, 429]);
    expect(last.json().error.code).toBe('RATE_LIMITED');
  });
});
