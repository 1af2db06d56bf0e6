import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/config/pipeline.js';
import { VigilError } from '../../src/errors.js';
import { applySqliteRetentionPlan, retentionPlan } from '../../src/privacy/retention.js';
import { openSqliteStore, type SqliteDatabase } from '../../src/store/sqlite-database.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25);

describe('retention per table', () => {
  it('uses retention_days for every table it always covered, feedback only when set, overrides per table', () => {
    expect(retentionPlan(30)).toEqual({
      events: 30,
      alerts: 30,
      decisions: 30,
      signals: 30,
      dead_letters: 30,
      identity_risk: 30,
    });
    expect(retentionPlan(30, { events: 7, feedback: 365 })).toMatchObject({
      events: 7,
      alerts: 30,
      feedback: 365,
    });
    expect(retentionPlan(undefined, { alerts: 90 })).toEqual({ alerts: 90 });
    expect(retentionPlan()).toEqual({});
  });

  it('is validated with the pipeline, naming the key', () => {
    const parse = (retention: unknown) =>
      parsePipeline({
        source: { type: 'file', path: 'x' },
        sinks: { sqlite: { type: 'sqlite', path: 'x.db', retention } },
      });
    expect(parse({ events: 7 }).sinks.sqlite?.retention).toEqual({ events: 7 });
    for (const bad of [{ events: 0 }, { evnts: 7 }]) {
      try {
        parse(bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(VigilError);
        expect((error as VigilError).field).toMatch(/^sinks\.sqlite\.retention/);
      }
    }
    const clickhouse = parsePipeline({
      source: { type: 'file', path: 'x' },
      sinks: { clickhouse: { type: 'clickhouse', retention: { dead_letters: 3 } } },
    });
    expect(clickhouse.sinks.clickhouse?.retention).toEqual({ dead_letters: 3 });
  });

  describe('in the SQLite store', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    function storeWithRowsAged(days: readonly number[]): SqliteDatabase {
      const db = openSqliteStore(join(directory, `r-${Math.random().toString(36).slice(2)}.db`));
      days.forEach((age, i) => {
        const timeMs = NOW - age * DAY;
        const time = Math.floor(timeMs / 1000);
        db.prepare(
          `INSERT INTO events (event_id, time, time_ms, kind, identity, risk, components, detectors, pipeline)
           VALUES (?, ?, ?, 'auth', 'a@example.com', 1, '{}', '[]', 't')`,
        ).run(`e${i}`, time, timeMs);
        db.prepare(
          `INSERT INTO feedback (id, time, time_ms, alert_id, verdict, note, author)
           VALUES (?, ?, ?, 'x', 'true_positive', '', 'analyst')`,
        ).run(`f${i}`, time, timeMs);
        db.prepare(
          `INSERT INTO alerts (id, time, time_ms, identity, identity_type, detector, severity, risk, summary,
             evidence, event_ids, pipeline) VALUES (?, ?, ?, 'a@example.com', 'user', 'd', 1, 1, '', '{}', '[]', 't')`,
        ).run(`a${i}`, time, timeMs);
      });
      return db;
    }
    const count = (db: SqliteDatabase, table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

    it('deletes, per table, only rows older than that table keeps', () => {
      const db = storeWithRowsAged([1, 5, 10, 40, 400]);
      const deleted = applySqliteRetentionPlan(db, retentionPlan(30, { events: 7 }), NOW);
      expect(deleted).toMatchObject({ events: 3, alerts: 2 });
      expect(count(db, 'events')).toBe(2);
      expect(count(db, 'alerts')).toBe(3);
      expect(count(db, 'feedback')).toBe(5);
      db.close();
    });

    it('ages feedback out only when its own retention is set', () => {
      const db = storeWithRowsAged([1, 5, 10, 40, 400]);
      applySqliteRetentionPlan(db, retentionPlan(undefined, { feedback: 365 }), NOW);
      expect(count(db, 'feedback')).toBe(4);
      expect(count(db, 'events')).toBe(5);
      db.close();
    });
  });
});
