import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystServer, bearer, type FilledStore, filledSqliteStore } from '../support/api-server.js';

describe('SQLite store: decisions explained, alert status from feedback', () => {
  let store: FilledStore;
  beforeAll(async () => {
    store = await filledSqliteStore(20_000);
  }, 120_000);
  afterAll(() => store.close());

  it('keeps each decision with its alerts, components, policy version and actor', async () => {
    const decisions = await store.queries.decisions({ limit: 1000 });
    expect(decisions.length).toBeGreaterThan(0);
    const alertIds = new Set((await store.queries.alerts({ limit: 10_000 })).map((alert) => alert.id));
    const withAlerts = decisions.filter((decision) => decision.alert_ids.length > 0);
    expect(withAlerts.length).toBeGreaterThan(0);
    for (const decision of withAlerts)
      for (const id of decision.alert_ids) expect(alertIds.has(id)).toBe(true);
    for (const decision of decisions) {
      expect(decision).toMatchObject({
        actor: 'engine',
        mode: expect.stringMatching(/^(enforce|dry_run|allowlisted)$/),
      });
      expect(decision.rule.length).toBeGreaterThan(0);
      expect(decision.detail.policy_version).toMatch(/^[0-9a-f]{12}$/);
      expect(typeof decision.detail.event_id).toBe('string');
    }
    const times = decisions.map((decision) => decision.time_ms);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const action = decisions[0].action;
    const filtered = await store.queries.decisions({ action, limit: 1000 });
    expect(filtered.length).toBe(decisions.filter((decision) => decision.action === action).length);
  });

  it('derives alert status from the latest verdict and filters by it', async () => {
    const [first, second] = await store.queries.alerts({ limit: 2 });
    const total = (await store.queries.alerts({ limit: 10_000 })).length;
    await store.queries.recordFeedback({
      id: 'a',
      time_ms: 1,
      alert_id: first.id,
      verdict: 'true_positive',
      note: '',
      author: 'analyst',
    });
    await store.queries.recordFeedback({
      id: 'b',
      time_ms: 1,
      alert_id: second.id,
      verdict: 'true_positive',
      note: '',
      author: 'analyst',
    });
    await store.queries.recordFeedback({
      id: 'c',
      time_ms: 2,
      alert_id: second.id,
      verdict: 'false_positive',
      note: "x'); --",
      author: 'admin',
    });
    expect((await store.queries.alerts({ id: first.id }))[0].status).toBe('true_positive');
    expect((await store.queries.alerts({ id: second.id }))[0].status).toBe('false_positive');
    expect(
      (await store.queries.alerts({ status: 'false_positive', limit: 10_000 })).map((a) => a.id),
    ).toEqual([second.id]);
    expect((await store.queries.alerts({ status: 'open', limit: 10_000 })).length).toBe(total - 2);
  });

  it('serves GET /api/decisions with filters and roles, and alert status on /api/alerts', async () => {
    const app = await analystServer(store.queries);
    try {
      expect((await app.inject({ url: '/api/decisions' })).statusCode).toBe(401);
      const page = await app.inject({ url: '/api/decisions?limit=5', headers: bearer('viewer') });
      expect(page.statusCode).toBe(200);
      const body = page.json() as {
        decisions: { id: string; action: string }[];
        page: { next_cursor: string | null };
      };
      expect(body.decisions).toHaveLength(5);
      const next = await app.inject({
        url: `/api/decisions?limit=5&cursor=${body.page.next_cursor}`,
        headers: bearer('viewer'),
      });
      const ids = (next.json() as typeof body).decisions.map((d) => d.id);
      expect(ids.some((id) => body.decisions.some((d) => d.id === id))).toBe(false);
      expect(
        (await app.inject({ url: '/api/decisions?action=explode', headers: bearer('viewer') })).statusCode,
      ).toBe(400);
      const alerts = await app.inject({ url: '/api/alerts?status=open&limit=3', headers: bearer('viewer') });
      expect(
        (alerts.json() as { alerts: { status: string }[] }).alerts.every((a) => a.status === 'open'),
      ).toBe(true);
      expect(
        (await app.inject({ url: '/api/alerts?status=maybe', headers: bearer('viewer') })).statusCode,
      ).toBe(400);
    } finally {
      await app.close();
    }
  });
});
