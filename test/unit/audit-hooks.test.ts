import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedbackService } from '../../src/api/feedback.js';
import { AuditLog } from '../../src/audit/log.js';
import { MemoryAuditStore } from '../../src/audit/memory-store.js';
import { SqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { recordsOf } from '../../src/audit/store.js';
import type { AlertRecord } from '../../src/engine/types.js';
import { Suppressions } from '../../src/risk/policy-suppressions.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { authEvent, T0 } from '../support/events.js';

const CHAIN = 'hooks';

function alert(): AlertRecord {
  const event = authEvent({ identity: 'dana@example.com', time: T0 });
  return {
    id: 'alert-1',
    time: T0,
    identity: 'dana@example.com',
    identity_type: 'user',
    kind: 'new_device_location',
    severity: 0.7,
    risk: 60,
    summary: 'sign-in from a new country',
    evidence: {},
    event_ids: [event.id],
    feedback: { attribute: 'country:AU|device:d9', event },
  };
}

async function all(store: MemoryAuditStore) {
  const records = [];
  for await (const record of recordsOf(store, CHAIN)) records.push(record);
  return records;
}

describe('audit hooks on analyst actions', () => {
  it('records a false-positive verdict and the suppression it sets, with the acting role', async () => {
    const store = new MemoryAuditStore();
    const log = await AuditLog.open(store, { chain: CHAIN });
    const suppressions = new Suppressions();
    suppressions.audit = log;
    const feedback = new FeedbackService(
      {
        path: join(mkdtempSync(join(tmpdir(), 'vigil-fb-')), 'feedback.ndjson'),
        suppressMs: 3_600_000,
        audit: log,
      },
      undefined,
      suppressions,
    );
    await feedback.sink.write({ scores: [], alerts: [alert()], deadLetters: [] });
    feedback.record('alert-1', 'false_positive', 'admin', 'travelling');
    await log.append([]); // the hooks append in the background; this waits for them
    const records = await all(store);
    expect(records.map((r) => [r.kind, r.actor, r.subject])).toEqual([
      ['suppression', 'admin', 'dana@example.com'],
      ['feedback', 'admin', 'dana@example.com'],
    ]);
    expect(records[0].payload).toMatchObject({
      detector: 'new_device_location',
      attribute: 'country:AU|device:d9',
    });
    expect(records[1].payload).toMatchObject({
      alert_id: 'alert-1',
      verdict: 'false_positive',
      note: 'travelling',
    });
  });

  it('does not record suppressions re-applied at start (no actor)', async () => {
    const store = new MemoryAuditStore();
    const suppressions = new Suppressions();
    suppressions.audit = await AuditLog.open(store, { chain: CHAIN });
    suppressions.add('dana@example.com', 'rare_hour', 'hour:3', T0, 0);
    expect(await all(store)).toEqual([]);
  });

  it('waits for the store sink to commit its batch before writing to the same SQLite file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-audit-lock-')), 'vigil.db');
    const sink = new SqliteSink({ path, pipeline: CHAIN });
    const store = new SqliteAuditStore(path);
    store.yieldTo(sink.db);
    const log = await AuditLog.open(store, { chain: CHAIN });
    await sink.write({ scores: [], alerts: [], deadLetters: [] }); // opens the batch transaction
    let written = false;
    const pending = log
      .record({ kind: 'manual_revoke', actor: 'analyst', subject: 'x', payload: {} })
      .then(() => {
        written = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBe(false);
    await sink.flush();
    await pending;
    expect((await store.head(CHAIN))?.kind).toBe('manual_revoke');
    await sink.close();
    await store.close();
  });
});
