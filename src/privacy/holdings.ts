/**
 * Read access to everything a store holds about one identity, the same
 * questions for the embedded SQLite file, ClickHouse and a local checkpoint
 * directory: its own rows per table (scored events bounded, with the exact
 * count) and the latest checkpoint of every partition whose state names it.
 * Used by export; values are always bound parameters.
 *
 * Never writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { StateSnapshot } from '../baseline/state-store.js';
import type { PartitionCheckpoint } from '../engine/partitioned-types.js';
import type { ClickHouseConnection } from '../store/clickhouse-connection.js';
import { jsonForm, jsonMentions } from './mentions.js';

export interface CheckpointHolding {
  where: string;
  pipeline: string;
  source: string;
  partition: number;
  saved_at_ms: number;
  state: StateSnapshot;
}

export interface StoreHoldings {
  alerts: Record<string, unknown>[];
  decisions: Record<string, unknown>[];
  signals: Record<string, unknown>[];
  feedback: Record<string, unknown>[];
  identity_risk: Record<string, unknown>[];
  events: { count: number; items: Record<string, unknown>[] };
}

export interface HoldingsReader {
  readonly name: string;
  store?(identity: string, maxEvents: number): Promise<StoreHoldings>;
  checkpoints?(identity: string): Promise<CheckpointHolding[]>;
}

const JSON_COLUMNS = new Set(['evidence', 'event_ids', 'components', 'detectors', 'payload', 'alert_ids']);

/** Stored JSON text columns parsed back into values. */
function parsed(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (JSON_COLUMNS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON: keep the text
      }
    }
    out[key] =
      typeof value === 'string' && /^\d+$/.test(value) && key.endsWith('_ms') ? Number(value) : value;
  }
  return out;
}

export class SqliteHoldings implements HoldingsReader {
  readonly name = 'sqlite';
  constructor(private readonly db: Database) {}

  private rows(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    return (this.db.prepare(sql).all(...params) as Record<string, unknown>[]).map(parsed);
  }

  async store(identity: string, maxEvents: number): Promise<StoreHoldings> {
    const alerts = this.rows('SELECT * FROM alerts WHERE identity = ? ORDER BY time_ms', identity);
    const alertIds = alerts.map((a) => String(a.id));
    const feedback = alertIds.length
      ? this.rows(
          `SELECT * FROM feedback WHERE alert_id IN (${alertIds.map(() => '?').join(', ')}) ORDER BY time_ms`,
          ...alertIds,
        )
      : [];
    const count = (
      this.db.prepare('SELECT count(*) AS n FROM events WHERE identity = ?').get(identity) as { n: number }
    ).n;
    return {
      alerts,
      feedback,
      decisions: this.rows('SELECT * FROM decisions WHERE identity = ? ORDER BY time_ms', identity),
      signals: this.rows('SELECT * FROM signals WHERE subject = ? ORDER BY time_ms', identity),
      identity_risk: this.rows('SELECT * FROM identity_risk WHERE identity = ? ORDER BY time_ms', identity),
      events: {
        count,
        items: this.rows(
          'SELECT * FROM events WHERE identity = ? ORDER BY time_ms DESC, event_id LIMIT ?',
          identity,
          maxEvents,
        ),
      },
    };
  }

  async checkpoints(identity: string): Promise<CheckpointHolding[]> {
    const rows = this.db
      .prepare('SELECT pipeline, source, partition, saved_at_ms, state FROM checkpoints')
      .all() as {
      pipeline: string;
      source: string;
      partition: number;
      saved_at_ms: number;
      state: string;
    }[];
    return rows
      .filter((row) => jsonMentions(row.state, identity))
      .map((row) => ({ where: 'sqlite', ...row, state: JSON.parse(row.state) as StateSnapshot }));
  }
}

export class ClickHouseHoldings implements HoldingsReader {
  readonly name = 'clickhouse';
  constructor(private readonly connection: ClickHouseConnection) {}

  private async rows(sql: string, params: Record<string, string | number | string[]>) {
    return (await this.connection.select<Record<string, unknown>>(sql, params)).map(parsed);
  }

  async store(identity: string, maxEvents: number): Promise<StoreHoldings> {
    const byIdentity = { identity };
    const alerts = await this.rows(
      'SELECT * FROM {db}.alerts FINAL WHERE identity = {identity:String} ORDER BY time_ms',
      byIdentity,
    );
    const alertIds = alerts.map((a) => String(a.id));
    const counted = await this.connection.select<{ n: string | number }>(
      'SELECT count() AS n FROM {db}.events FINAL WHERE identity = {identity:String}',
      byIdentity,
    );
    return {
      alerts,
      feedback: alertIds.length
        ? await this.rows(
            'SELECT * FROM {db}.feedback FINAL WHERE has({ids:Array(String)}, alert_id) ORDER BY time_ms',
            {
              ids: alertIds,
            },
          )
        : [],
      decisions: await this.rows(
        'SELECT * FROM {db}.decisions FINAL WHERE identity = {identity:String} ORDER BY time_ms',
        byIdentity,
      ),
      signals: await this.rows(
        'SELECT * FROM {db}.signals FINAL WHERE subject = {identity:String} ORDER BY time_ms',
        byIdentity,
      ),
      identity_risk: await this.rows(
        'SELECT * FROM {db}.identity_risk FINAL WHERE identity = {identity:String} ORDER BY time_ms',
        byIdentity,
      ),
      events: {
        count: Number(counted[0]?.n ?? 0),
        items: await this.rows(
          `SELECT * FROM {db}.events FINAL WHERE identity = {identity:String}
           ORDER BY time_ms DESC, event_id LIMIT {limit:UInt32}`,
          { identity, limit: maxEvents },
        ),
      },
    };
  }

  async checkpoints(identity: string): Promise<CheckpointHolding[]> {
    const rows = await this.connection.select<{
      pipeline: string;
      source: string;
      partition: number;
      cp_state: string;
      cp_saved: string | number;
    }>(
      `SELECT pipeline, source, partition, argMax(state, saved_at_ms) AS cp_state, max(saved_at_ms) AS cp_saved
       FROM {db}.checkpoints GROUP BY pipeline, source, partition
       HAVING position(cp_state, {needle:String}) > 0 OR position(cp_state, {json_needle:String}) > 0`,
      { needle: identity, json_needle: jsonForm(identity) },
    );
    return rows
      .filter((row) => jsonMentions(row.cp_state, identity))
      .map((row) => ({
        where: 'clickhouse',
        pipeline: row.pipeline,
        source: row.source,
        partition: Number(row.partition),
        saved_at_ms: Number(row.cp_saved),
        state: JSON.parse(row.cp_state) as StateSnapshot,
      }));
  }
}

/** Checkpoint files under a local directory (`<dir>/<pipeline>/<source>.<partition>.json`). */
export class DirectoryHoldings implements HoldingsReader {
  readonly name = 'checkpoint-directory';
  constructor(private readonly directory: string) {}

  async checkpoints(identity: string): Promise<CheckpointHolding[]> {
    const out: CheckpointHolding[] = [];
    let pipelines: string[];
    try {
      pipelines = await readdir(this.directory);
    } catch {
      return out;
    }
    for (const pipeline of pipelines) {
      let files: string[];
      try {
        files = (await readdir(join(this.directory, pipeline))).filter((f) => f.endsWith('.json'));
      } catch {
        continue;
      }
      for (const file of files) {
        const text = await readFile(join(this.directory, pipeline, file), 'utf8');
        if (!jsonMentions(text, identity)) continue;
        const checkpoint = JSON.parse(text) as PartitionCheckpoint;
        const match = /^(.*)\.(\d+)\.json$/.exec(file);
        out.push({
          where: 'directory',
          pipeline: decodeURIComponent(pipeline),
          source: decodeURIComponent(match?.[1] ?? file),
          partition: Number(match?.[2] ?? 0),
          saved_at_ms: checkpoint.savedAtMs,
          state: checkpoint.state,
        });
      }
    }
    return out;
  }
}
