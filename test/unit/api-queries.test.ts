import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAlert } from '../../src/store/queries.js';
import { analystServer, bearer, type FilledStore, filledSqliteStore } from '../support/api-server.js';

let store: FilledStore;
let app: FastifyInstance;

beforeAll(async () => {
  store = await filledSqliteStore(3000);
  app = await analystServer(store.queries);
}, 20_000);
afterAll(async () => {
  await app?.close();
  store?.close();
});

const get = (url: string, role: 'viewer' | 'analyst' | 'admin' = 'viewer') =>
  app.inject({ method: 'GET', url, headers: bearer(role) });
const getJson = async (url: string) => (await get(url)).json();

describe('GET /api/alerts', () => {
  it('lists the stored alerts, newest first, as the store holds them', async () => {
    const response = await get('/api/alerts?limit=1000');
    expect(response.statusCode).toBe(200);
    const { alerts } = response.json() as { alerts: StoredAlert[] };
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts).toEqual(await store.queries.alerts({ limit: 1000 }));
    for (let i = 1; i < alerts.length; i++)
      expect(alerts[i - 1].time_ms).toBeGreaterThanOrEqual(alerts[i].time_ms);
  });

  it('pages by offset and by the returned cursor alike, without overlap', async () => {
    const all = (await getJson('/api/alerts?limit=1000')).alerts as StoredAlert[];
    const first = await getJson('/api/alerts?limit=2');
    expect(first.alerts.map((a: StoredAlert) => a.id)).toEqual(all.slice(0, 2).map((a) => a.id));
    expect(first.page.next_cursor).toEqual(expect.any(String));
    const byCursor = await getJson(`/api/alerts?limit=2&cursor=${first.page.next_cursor}`);
    const byOffset = await getJson('/api/alerts?limit=2&offset=2');
    expect(byCursor.alerts).toEqual(byOffset.alerts);
    expect(byCursor.alerts.map((a: StoredAlert) => a.id)).toEqual(all.slice(2, 4).map((a) => a.id));
    const last = await getJson(`/api/alerts?limit=1000&offset=${all.length}`);
    expect(last).toEqual({ alerts: [], page: { limit: 1000, offset: all.length, next_cursor: null } });
  });

  it('filters by identity, detector, severity and time range', async () => {
    const all = (await getJson('/api/alerts?limit=1000')).alerts as StoredAlert[];
    const sample = all[Math.floor(all.length / 2)];
    const byIdentity = (
      await getJson(`/api/alerts?identity=${encodeURIComponent(sample.identity)}&limit=1000`)
    ).alerts as StoredAlert[];
    expect(byIdentity.length).toBe(all.filter((a) => a.identity === sample.identity).length);
    const byDetector = (await getJson(`/api/alerts?detector=${sample.detector}&limit=1000`))
      .alerts as StoredAlert[];
    expect(byDetector.every((a) => a.detector === sample.detector)).toBe(true);
    expect(byDetector.length).toBe(all.filter((a) => a.detector === sample.detector).length);
    const severe = (await getJson(`/api/alerts?min_severity=${sample.severity}&limit=1000`))
      .alerts as StoredAlert[];
    expect(severe.length).toBe(all.filter((a) => a.severity >= sample.severity).length);
    const window = `from=${sample.time_ms}&to=${sample.time_ms + 1}`;
    const inWindow = (await getJson(`/api/alerts?${window}&limit=1000`)).alerts as StoredAlert[];
    expect(inWindow.map((a) => a.id)).toContain(sample.id);
    expect(inWindow.every((a) => a.time_ms === sample.time_ms)).toBe(true);
  });

  it('answers 400 in the stable error shape for invalid filters and cursors', async () => {
    for (const query of [
      'limit=0',
      'limit=abc',
      'min_severity=2',
      'from=-5',
      'cursor=bm9wZQ',
      'cursor=not*a*cursor',
    ]) {
      const response = await get(`/api/alerts?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toEqual({ error: { code: 'VALIDATION', message: expect.any(String) } });
    }
  });

  it('returns one alert by id, and 404 for an unknown one', async () => {
    const [alert] = (await getJson('/api/alerts?limit=1')).alerts as StoredAlert[];
    expect((await get(`/api/alerts/${alert.id}`)).json()).toEqual(alert);
    const missing = await get('/api/alerts/no-such-alert');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });
});

describe('GET /api/identities', () => {
  it('sorts identities by current risk, highest first, and pages', async () => {
    const { identities } = await getJson('/api/identities?limit=20');
    expect(identities).toHaveLength(20);
    for (let i = 1; i < identities.length; i++)
      expect(identities[i - 1].max_risk).toBeGreaterThanOrEqual(identities[i].max_risk);
    const second = await getJson('/api/identities?limit=5&offset=5');
    expect(second.identities).toEqual(identities.slice(5, 10));
  });

  it('shows one identity: risk now and over time, recent events newest first', async () => {
    const [top] = (await getJson('/api/identities?limit=1')).identities;
    const response = await get(`/api/identities/${encodeURIComponent(top.identity)}?events=10`);
    expect(response.statusCode).toBe(200);
    const detail = response.json();
    expect(detail.identity).toBe(top.identity);
    expect(detail.last_seen_ms).toBe(top.last_seen_ms);
    expect(detail.recent_events.length).toBeGreaterThan(0);
    expect(detail.recent_events.length).toBeLessThanOrEqual(10);
    expect(detail.risk_now).toBe(detail.recent_events[0].risk);
    expect(detail.risk_over_time.reduce((n: number, p: { events: number }) => n + p.events, 0)).toBe(
      top.events,
    );
    expect(detail.baseline).toBeNull();
  });

  it('includes the baseline summary when the server can reach the engine state', async () => {
    const [top] = (await getJson('/api/identities?limit=1')).identities;
    const baseline = {
      mature: true,
      events: 40,
      hour_of_week: new Array(168).fill(0),
      devices: ['d1'],
      countries: ['DE'],
    };
    const withState = await analystServer(store.queries, { identities: { baseline: () => baseline } });
    const detail = await withState
      .inject({
        method: 'GET',
        url: `/api/identities/${encodeURIComponent(top.identity)}`,
        headers: bearer('viewer'),
      })
      .then((r) => r.json());
    expect(detail.baseline).toEqual(baseline);
    await withState.close();
  });

  it('answers 404 for an identity with no events, 400 for bad query values', async () => {
    expect((await get('/api/identities/nobody@nowhere')).statusCode).toBe(404);
    const bad = await get('/api/identities?limit=-1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION');
  });
});
