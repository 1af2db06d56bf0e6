import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { buildLiveApi } from '../../src/cli/live-api.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { officeHistory } from '../support/events.js';

describe('live analyst API wiring', () => {
  it("summarises an identity's baseline from the engine's state for the identity page", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-live-api-'));
    const config = parsePipeline({
      source: { type: 'file', path: 'unused' },
      sinks: { sqlite: { type: 'sqlite', path: join(dir, 'vigil.db') } },
    });
    const engine = buildEngine(config, () => Date.UTC(2026, 5, 1));
    for (const event of officeHistory(10, 3)) engine.analyzer.analyze(event);
    const live = buildLiveApi(config, engine);
    try {
      const summary = live.analyst?.identities?.baseline?.('alice@example.com');
      expect(summary).toMatchObject({
        mature: true,
        events: 30,
        devices: ['dev-alice-laptop'],
        countries: ['DE'],
      });
      expect(summary!.hour_of_week).toHaveLength(168);
      expect(summary!.hour_of_week.reduce((a, b) => a + b, 0)).toBe(30);
      expect(live.analyst?.identities?.baseline?.('nobody@example.com')).toBeUndefined();
    } finally {
      live.close();
    }
  });
});
