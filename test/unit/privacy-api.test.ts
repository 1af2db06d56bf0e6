import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { auditErasureRecorder } from '../../src/privacy/erasure-record.js';
import { liveForget } from '../../src/privacy/live-access.js';
import { isPseudonym, Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { analyzerWith, feed } from '../support/analyzer.js';
import { analystServer, bearer, type FilledStore, filledSqliteStore } from '../support/api-server.js';
import { authEvent } from '../support/events.js';

const KEY = 'unit-test-pseudonym-key-0123456789';

describe('pseudonyms', () => {
  it('are stable for one key, differ between keys and identities, and look like pseudonyms', () => {
    const one = new Pseudonymizer(KEY);
    const again = new Pseudonymizer(KEY);
    const other = new Pseudonymizer(`${KEY}-rotated`);
    const alice = one.pseudonym('alice@example.com');
    expect(again.pseudonym('alice@example.com')).toBe(alice);
    expect(other.pseudonym('alice@example.com')).not.toBe(alice);
    expect(one.pseudonym('bob@example.com')).not.toBe(alice);
    expect(isPseudonym(alice)).toBe(true);
    expect(alice).not.toContain('alice');
  });

  it('refuse a short key and never show the key in JSON', () => {
    expect(() => new Pseudonymizer('short')).toThrow(/VIGIL_PSEUDONYM_KEY/);
    expect(JSON.stringify({ p: new Pseudonymizer(KEY) })).not.toContain(KEY);
  });
});

describe('DELETE /api/identities/:id', () => {
  let filled: FilledStore;
  let target = '';
  const directory = mkdtempSync(join(tmpdir(), 'vigil-privacy-api-'));
  const auditStore = new MemoryAuditStore();

  beforeAll(async () => {
    filled = await filledSqliteStore(1500);
    target = (
      filled.db
        .prepare('SELECT identity FROM events GROUP BY identity ORDER BY count(*) DESC LIMIT 1')
        .get() as {
        identity: string;
      }
    ).identity;
  }, 60_000);
  afterAll(() => {
    filled.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const eventsOf = (identity: string) =>
    (filled.db.prepare('SELECT count(*) AS n FROM events WHERE identity = ?').get(identity) as { n: number })
      .n;

  async function serverWithEraser() {
    const analyzer = analyzerWith([]);
    feed(analyzer, [authEvent({ identity: target }), authEvent({ identity: 'someone.else@example.com' })]);
    const config = parsePipeline({
      source: { type: 'file', path: 'unused' },
      sinks: { sqlite: { type: 'sqlite', path: filled.db.name } },
      checkpoints: { store: 'local', path: join(directory, 'checkpoints') },
    });
    const log = await AuditLog.open(auditStore, { chain: 'test' });
    const privacy = liveForget({
      config,
      states: () => [analyzer.store],
      pseudonyms: new Pseudonymizer(KEY),
      recorder: auditErasureRecorder(log),
    });
    return { app: await analystServer(filled.queries, { privacy }), store: analyzer.store };
  }

  it('refuses roles below admin and erases nothing', async () => {
    const { app } = await serverWithEraser();
    const before = eventsOf(target);
    for (const role of ['viewer', 'analyst'] as const) {
      const answer = await app.inject({
        method: 'DELETE',
        url: `/api/identities/${encodeURIComponent(target)}`,
        headers: bearer(role),
      });
      expect(answer.statusCode).toBe(403);
    }
    const anonymous = await app.inject({
      method: 'DELETE',
      url: `/api/identities/${encodeURIComponent(target)}`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(eventsOf(target)).toBe(before);
    await app.close();
  });

  it('erases the identity from the store and the live state for an admin, and audits it by hash', async () => {
    const { app, store } = await serverWithEraser();
    const before = eventsOf(target);
    expect(before).toBeGreaterThan(0);
    const answer = await app.inject({
      method: 'DELETE',
      url: `/api/identities/${encodeURIComponent(target)}`,
      headers: bearer('admin'),
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.subject_hash).toBe(new Pseudonymizer(KEY).pseudonym(target));
    expect(body.counts['sqlite.events']).toBe(before);
    expect(body.counts['state.identities']).toBe(1);
    expect(body.actor).toBe('api:admin');
    expect(eventsOf(target)).toBe(0);
    expect(store.get(target)).toBeUndefined();
    expect(store.get('someone.else@example.com')).toBeDefined();
    const chain = auditStore.chains.get('test') ?? [];
    const erasures = chain.filter((record) => record.kind === 'erasure');
    expect(erasures).toHaveLength(1);
    expect(erasures[0].subject).toBe(body.subject_hash);
    expect(erasures[0].payload.counts).toEqual(body.counts);
    expect(JSON.stringify(chain)).not.toContain(target);
    await app.close();
  });

  it('answers 503 when no eraser is configured', async () => {
    const app = await analystServer(filled.queries);
    const answer = await app.inject({ method: 'DELETE', url: '/api/identities/x', headers: bearer('admin') });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().error.code).toBe('UNAVAILABLE');
    await app.close();
  });
});
