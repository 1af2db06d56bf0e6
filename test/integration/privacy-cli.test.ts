import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import { SqliteAuditStore } from '../../src/audit/sqlite-store.js';
import { buildEngine } from '../../src/cli/components.js';
import { main } from '../../src/cli/main.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { SqliteSink } from '../../src/sinks/sqlite.js';
import { openSqliteStore } from '../../src/store/sqlite-database.js';
import { MemorySource } from '../support/memory.js';
import { simulatedLines } from '../support/services-clients.js';

const KEY = 'cli-test-pseudonym-key-0123456789';

describe('vigil identity export | forget', () => {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-privacy-cli-'));
  const dbPath = join(directory, 'vigil.db');
  const pipelinePath = join(directory, 'pipeline.yaml');
  let target = '';

  beforeAll(async () => {
    writeFileSync(
      pipelinePath,
      [
        'name: cli-test',
        'source: { type: file, path: unused }',
        `sinks: { sqlite: { type: sqlite, path: ${JSON.stringify(dbPath)} } }`,
        `checkpoints: { store: local, path: ${JSON.stringify(join(directory, 'checkpoints'))} }`,
        `signals: { keys_dir: ${JSON.stringify(join(directory, 'keys'))} }`,
      ].join('\n'),
    );
    const { lines, identities } = simulatedLines(1500, 5);
    target = identities[0];
    const engine = buildEngine(parsePipeline({ source: { type: 'file', path: 'unused' } }));
    await runPipeline(
      new MemorySource(lines),
      engine.processor,
      [new SqliteSink({ path: dbPath, pipeline: 'cli-test' })],
      {
        maxBatchRecords: 500,
        maxWaitMs: 0,
      },
    );
    vi.stubEnv('VIGIL_PSEUDONYM_KEY', KEY);
  }, 60_000);
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(directory, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const eventsOf = (identity: string) => {
    const db = openSqliteStore(dbPath);
    try {
      return (
        db.prepare('SELECT count(*) AS n FROM events WHERE identity = ?').get(identity) as { n: number }
      ).n;
    } finally {
      db.close();
    }
  };

  it('exports the identity as JSON to a file', async () => {
    const out = join(directory, 'export.json');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(
      await main(['node', 'vigil', 'identity', 'export', target, '--pipeline', pipelinePath, '--out', out]),
    ).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported.identity).toBe(target);
    expect(exported.events.count).toBe(eventsOf(target));
  });

  it('without --yes only reports, exits 2 and erases nothing', async () => {
    const before = eventsOf(target);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['node', 'vigil', 'identity', 'forget', target, '--pipeline', pipelinePath])).toBe(2);
    expect(JSON.parse(String(stdout.mock.calls.at(-1)?.[0])).would_erase.events).toBe(before);
    expect(eventsOf(target)).toBe(before);
  });

  it('with --yes erases and records the erasure on the pipeline audit trail by hash', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(
      await main([
        'node',
        'vigil',
        'identity',
        'forget',
        target,
        '--pipeline',
        pipelinePath,
        '--yes',
        '--actor',
        'dpo',
      ]),
    ).toBe(0);
    expect(eventsOf(target)).toBe(0);
    const store = new SqliteAuditStore(dbPath);
    const log = await AuditLog.open(store, { chain: 'cli-test' });
    const records = await store.records('cli-test', 1, 100);
    await log.close();
    await store.close();
    const erasure = records.find((record) => record.kind === 'erasure');
    expect(erasure?.subject).toBe(new Pseudonymizer(KEY).pseudonym(target));
    expect(erasure?.actor).toBe('dpo');
    expect(JSON.stringify(records)).not.toContain(target);
    expect(readFileSync(dbPath).includes(Buffer.from(target))).toBe(false);
  });
});
