import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditSigner, auditSigner } from '../../src/audit/checkpoints.js';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import { loadOrCreateSigningKey } from '../../src/signals/keys.js';
import type { QueryStore } from '../../src/store/queries.js';
import { analystServer, bearer } from '../support/api-server.js';

const CHAIN = 'api-test';

let store: MemoryAuditStore;
let log: AuditLog;
let signer: AuditSigner;
let app: FastifyInstance;

beforeAll(async () => {
  signer = auditSigner(await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'vigil-audit-key-'))));
  store = new MemoryAuditStore();
  log = await AuditLog.open(store, { chain: CHAIN, signer, checkpointEveryRecords: 3 });
  for (let i = 1; i <= 7; i++) {
    await log.append([{ kind: 'decision', actor: 'engine', subject: `u${i}`, ref: `d${i}`, payload: { i } }]);
  }
  // The analyst API does not read the query store on the routes used here.
  app = await analystServer({} as QueryStore, {
    audit: { store, chain: CHAIN, publicJwk: signer.publicJwk, hook: log },
  });
});
afterAll(async () => {
  await app?.close();
});

describe('the audit API', () => {
  for (const url of ['/api/audit', '/api/audit/verify']) {
    it(`${url} answers 401 without a valid token`, async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
        const response = await app.inject({ url, headers });
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe('UNAUTHENTICATED');
      }
    });

    it(`${url} answers 403 to viewers and analysts`, async () => {
      for (const role of ['viewer', 'analyst'] as const) {
        const response = await app.inject({ url, headers: bearer(role) });
        expect(response.statusCode, role).toBe(403);
        expect(response.json().error.code).toBe('FORBIDDEN');
      }
    });
  }

  it('lists records in seq order for auditors and admins, paged by seq', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      const first = await app.inject({ url: '/api/audit?limit=4', headers: bearer(role) });
      expect(first.statusCode, role).toBe(200);
      expect(first.json().records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4]);
      expect(first.json().next_from_seq).toBe(5);
      const rest = await app.inject({ url: '/api/audit?from_seq=5&limit=4', headers: bearer(role) });
      expect(rest.json().records.map((r: { ref: string }) => r.ref)).toEqual(['d5', 'd6', 'd7']);
      expect(rest.json().next_from_seq).toBeNull();
    }
  });

  it('does not let auditors reach the analyst routes', async () => {
    const response = await app.inject({ url: '/api/identities', headers: bearer('auditor') });
    expect(response.statusCode).toBe(403);
  });

  it('verifies the chain, and names the record after one was changed', async () => {
    const good = await app.inject({ url: '/api/audit/verify', headers: bearer('auditor') });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({
      ok: true,
      records: 7,
      checkpoints: { total: 2, valid: 2 },
      unattested: 1,
    });
    const records = store.chains.get(CHAIN) ?? [];
    const original = structuredClone(records[4]);
    records[4].payload = { i: 500 };
    try {
      const bad = await app.inject({ url: '/api/audit/verify', headers: bearer('auditor') });
      expect(bad.statusCode).toBe(200);
      expect(bad.json()).toMatchObject({ ok: false, broken: { problem: 'modified', seq: 5 } });
    } finally {
      records[4] = original;
    }
  });

  it('records an analyst revoke with the acting role', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/identities/mallory@example.com/revoke',
      headers: { ...bearer('analyst'), 'content-type': 'application/json' },
      payload: { reason: 'phished' },
    });
    expect(response.statusCode).toBe(200);
    const head = await store.head(CHAIN);
    expect(head).toMatchObject({
      kind: 'manual_revoke',
      actor: 'analyst',
      subject: 'mallory@example.com',
      payload: { reason: 'phished' },
    });
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/audit', '/api/audit/verify']));
    expect(document.paths['/api/audit/verify'].get.responses['200']).toBeDefined();
  });
});
