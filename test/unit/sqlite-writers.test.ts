import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { openSqliteStore } from '../../src/store/sqlite-database.js';
import { SqliteQueryStore } from '../../src/store/sqlite-queries.js';

describe('verdicts written beside the store sink', () => {
  it('wait for the sink to commit its batch instead of blocking on the lock', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-writers-')), 'vigil.db');
    const sink = new SqliteSink({ path, pipeline: 'test' });
    const db = openSqliteStore(path);
    const queries = new SqliteQueryStore(db);
    queries.writers.yieldTo(sink.db);
    try {
      await sink.write({ scores: [], alerts: [], deadLetters: [] });
      expect(sink.db.inTransaction).toBe(true);
      let stored = false;
      const verdict = queries
        .recordFeedback({
          id: 'v1',
          time_ms: 1,
          alert_id: 'a1',
          verdict: 'true_positive',
          note: '',
          author: 'analyst',
        })
        .then(() => {
          stored = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stored).toBe(false);
      await sink.flush();
      await verdict;
      expect(stored).toBe(true);
      expect(db.prepare('SELECT verdict FROM feedback WHERE alert_id = ?').get('a1')).toEqual({
        verdict: 'true_positive',
      });
    } finally {
      await sink.close();
      db.close();
    }
  });
});
