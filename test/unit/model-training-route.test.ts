import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { buildLiveApi } from '../../src/cli/live-api.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { simulate } from '../../src/simulator/index.js';
import { analystServer, bearer } from '../support/api-server.js';
import { MemorySink, MemorySource } from '../support/memory.js';

describe('POST /api/models/:name/train', () => {
  it('retrains the stream-trained forest on request, for admins only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-train-route-'));
    const config = parsePipeline({
      source: { type: 'file', path: 'unused' },
      models: { iforest: { enabled: true, directory: join(dir, 'models'), train_after: 1_000_000 } },
      sinks: { sqlite: { type: 'sqlite', path: join(dir, 'vigil.db') } },
    });
    const engine = buildEngine(config);
    const lines = [...simulate({ seed: 7, events: 6000 })].map((s) => JSON.stringify(s.event));
    await runPipeline(new MemorySource(lines), engine.processor, [new MemorySink()], {
      maxBatchRecords: 1000,
      maxWaitMs: 0,
    });
    const live = buildLiveApi(config, engine);
    const app = await analystServer(live.analyst!.queries, { training: live.analyst!.training });
    try {
      const post = (name: string, role?: 'viewer' | 'analyst' | 'admin') =>
        app.inject({ method: 'POST', url: `/api/models/${name}/train`, headers: role ? bearer(role) : {} });
      expect((await post('iforest-auth')).statusCode).toBe(401);
      expect((await post('iforest-auth', 'analyst')).statusCode).toBe(403);
      expect((await post('lstm', 'admin')).statusCode).toBe(404);
      expect((await post('../etc', 'admin')).statusCode).toBe(404);
      expect(engine.iforest!.scorer.model('auth')).toBeUndefined();
      const answer = await post('iforest-auth', 'admin');
      expect(answer.statusCode).toBe(200);
      const body = answer.json() as { trained: boolean; version: number; rows: number };
      expect(body).toMatchObject({ model: 'iforest-auth', trained: true });
      expect(body.rows).toBeGreaterThan(100);
      expect(engine.iforest!.scorer.model('auth')?.version).toBe(body.version);
    } finally {
      await app.close();
      live.close();
      await engine.processor.close();
    }
  });
});
