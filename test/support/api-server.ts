/**
 * An analyst API server over a real SQLite store, filled by running simulated
 * traffic through the embedded pipeline's engine; tokens for each role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/api/auth.js';
import { EngineMetrics } from '../../src/api/metrics.js';
import { type AnalystApiDependencies, buildServer } from '../../src/api/server.js';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { EnforcementTable } from '../../src/signals/enforcement.js';
import type { SigningKey } from '../../src/signals/keys.js';
import { simulate } from '../../src/simulator/index.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteQueryStore } from '../../src/store/sqlite-queries.js';
import { MemorySource } from './memory.js';

export const TOKENS: Readonly<Record<Role, string>> = {
  viewer: 'viewer-token-0123456789',
  analyst: 'analyst-token-0123456789',
  admin: 'admin-token-0123456789',
  auditor: 'auditor-token-0123456789',
};
export const tokenRoles = new Map(Object.entries(TOKENS).map(([role, token]) => [token, role as Role]));
export const bearer = (role: Role) => ({ authorization: `Bearer ${TOKENS[role]}` });

/** A key that never signs: the analyst API does not need one. */
const unusedKey: SigningKey = { kid: 'test', publicJwk: {}, sign: async () => 'unsigned' };

export interface FilledStore {
  db: SqliteDatabase;
  queries: SqliteQueryStore;
  close(): void;
}

/** Runs `events` simulated events through the embedded engine into a fresh SQLite file. */
export async function filledSqliteStore(events: number, seed = 7): Promise<FilledStore> {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const path = join(directory, 'vigil.db');
  const lines = [...simulate({ seed, events })].map((simulated) => JSON.stringify(simulated.event));
  // The default pipeline (detectors and fusion, no trained models): fast, and it raises alerts.
  const engine = buildEngine(
    parsePipeline({ source: { type: 'file', path: 'unused', format: 'canonical' } }),
  );
  await runPipeline(new MemorySource(lines), engine.processor, [new SqliteSink({ path, pipeline: 'test' })], {
    maxBatchRecords: 500,
    maxWaitMs: 0,
  });
  const db = openSqliteStore(path);
  return {
    db,
    queries: new SqliteQueryStore(db),
    close: () => {
      db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A server with the analyst API; `overrides` replace parts of its dependencies. */
export function analystServer(
  queries: AnalystApiDependencies['queries'],
  overrides: Partial<AnalystApiDependencies> = {},
): Promise<FastifyInstance> {
  return buildServer({
    issuer: 'https://vigil.test',
    key: unusedKey,
    enforcement: new EnforcementTable(),
    push: false,
    analyst: { tokens: tokenRoles, queries, metrics: new EngineMetrics('test'), ...overrides },
  });
}
