/**
 * Runs `vigil run` as a real child process (the built CLI in dist/) against
 * the provisioned services, for crash and rebalance tests, plus the
 * reference the results are compared with: each input partition scored on
 * its own, in offset order, by an in-process engine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import type { AlertRecord, RawRecord } from '../../src/engine/types.js';
import { clickhouseUrl, kafkaBrokers } from './services-clients.js';
import { readTopic } from './services-kafka.js';
import { type TestTopicPrefix, testTopic } from './services-topics.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A production-style pipeline document for one test's topics and database. */
export function productionPipeline(prefix: TestTopicPrefix, database: string): Record<string, unknown> {
  return {
    name: `test-${prefix}`,
    source: {
      type: 'kafka',
      group_id: `vigil-${prefix}`,
      topics: [testTopic(prefix, 'auth-events'), testTopic(prefix, 'service-events')],
      session_timeout_ms: 6000,
    },
    batch: { max_events: 400, max_wait_ms: 100 },
    checkpoints: { store: 'clickhouse', every_batches: 3, every_seconds: 2 },
    sinks: {
      clickhouse: { type: 'clickhouse', database, max_retry_seconds: 30 },
      kafka: {
        type: 'kafka',
        topics: {
          alerts: testTopic(prefix, 'vigil-alerts'),
          signals: testTopic(prefix, 'vigil-signals'),
          dead_letter: testTopic(prefix, 'vigil-deadletter'),
        },
      },
    },
  };
}

export function writePipeline(document: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-pipeline-')), 'pipeline.yaml');
  writeFileSync(path, stringify(document));
  return path;
}

export interface VigilProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  hasExited: () => boolean;
  /** Partitions in the member's latest assignment (from its log). */
  assignedPartitions: () => number;
}

/** Starts `vigil run --pipeline F` with the services' addresses in the environment. */
export function startVigil(pipelinePath: string): VigilProcess {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/vigil.js'), '--log-level', 'info', 'run', '--pipeline', pipelinePath],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        VIGIL_KAFKA_BROKERS: kafkaBrokers().join(','),
        VIGIL_CLICKHOUSE_URL: clickhouseUrl(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  let assigned: Record<string, number[]> | undefined;
  let partial = '';
  child.stderr!.on('data', (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('kafka partitions assigned')) continue;
      try {
        assigned = JSON.parse(line).assignment;
      } catch {}
    }
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      exitCode = code;
      done(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    hasExited: () => exitCode !== undefined,
    assignedPartitions: () => Object.values(assigned ?? {}).reduce((n, p) => n + p.length, 0),
  };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${context()}`);
}

/**
 * What an uninterrupted run must produce: every input partition read back
 * from Kafka and scored alone, in offset order, by a fresh engine for the
 * same pipeline. Returns the alert ids.
 */
export async function referenceAlerts(
  document: Record<string, unknown>,
  topics: string[],
): Promise<AlertRecord[]> {
  const config = parsePipeline(document);
  const alerts: AlertRecord[] = [];
  for (const topic of topics) {
    const messages = await readTopic(topic);
    const byPartition = new Map<number, RawRecord[]>();
    for (const m of messages.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))) {
      const list = byPartition.get(m.partition) ?? [];
      list.push({ value: m.value, origin: { source: topic, partition: m.partition, offset: m.offset } });
      byPartition.set(m.partition, list);
    }
    for (const records of byPartition.values()) {
      const { processor } = buildEngine(config);
      for (let i = 0; i < records.length; i += 400)
        alerts.push(...processor.process(records.slice(i, i + 400)).alerts);
    }
  }
  return alerts;
}
