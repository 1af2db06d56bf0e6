/**
 * `vigil demo` (= `npm start`): the embedded default on one machine with
 * nothing installed: the built-in simulator feeds the engine, outputs go to
 * NDJSON files under --out and into the embedded store (SQLite,
 * --out/vigil.db, queried like ClickHouse: src/store/sqlite-queries.ts), and a
 * live summary line shows throughput and alerts. Runs until Ctrl-C or --duration.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipeline } from '../config/pipeline.js';
import type { RunStats } from '../engine/runner.js';
import type { Logger } from '../logging.js';
import { CORPORATE_VPN } from '../simulator/index.js';
import { runLive } from './run.js';

export interface DemoOptions {
  out: string;
  rate: number;
  seed: number;
  durationS?: number;
  events?: number;
  /** API port (SSF metadata, JWKS, poll, check); 0 picks a free one. Default 8080. */
  port?: number;
}

export function demo(options: DemoOptions, log: Logger): Promise<RunStats> {
  const ndjson = (name: string) => ({
    type: 'ndjson',
    path: join(options.out, `${name}.ndjson`),
    append: false,
  });
  // Like the NDJSON files (append: false), the demo's database starts empty on each run.
  const databasePath = join(options.out, 'vigil.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
  const config = parsePipeline({
    name: 'demo',
    // A small company, so baselines mature and the first attacks arrive within a minute.
    source: {
      type: 'simulator',
      seed: options.seed,
      rate: options.rate,
      events: options.events,
      users: 120,
      workloads: 14,
    },
    batch: { max_events: 2048, max_wait_ms: 250 },
    // The simulated company's VPN egress: as in pipelines/embedded.yaml.
    detectors: {
      impossible_travel: { trusted_asns: [CORPORATE_VPN.asn] },
      new_device_location: { trusted_asns: [CORPORATE_VPN.asn] },
    },
    sinks: {
      scores: ndjson('scores'),
      alerts: ndjson('alerts'),
      dead_letter: ndjson('dead_letter'),
      decisions: ndjson('decisions'),
      signals: ndjson('signals'),
      sqlite: { type: 'sqlite', path: databasePath },
    },
    api: { enabled: true, host: '127.0.0.1', port: options.port ?? 8080 },
    signals: { keys_dir: join(options.out, 'keys'), outbox_dir: join(options.out, 'outbox') },
  });
  process.stdout.write(
    `Vigil demo: simulated traffic at ${options.rate} events/s → ${options.out}/{scores,alerts,dead_letter}.ndjson and ${databasePath}\n` +
      'Attacks start once baselines have matured (about a minute). Ctrl-C to stop.\n' +
      (options.port === 0 ? '' : `Dashboard: http://127.0.0.1:${options.port ?? 8080}/\n`),
  );
  // The analyst API's admin token: from the environment, or generated and printed once.
  const adminToken = process.env.VIGIL_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  if (!process.env.VIGIL_ADMIN_TOKEN) {
    process.stdout.write(
      `Analyst API admin token (shown once; set VIGIL_ADMIN_TOKEN to choose one): ${adminToken}\n`,
    );
  }
  return runLive(config, log, options.durationS, new Map([[adminToken, 'admin' as const]]));
}
