/**
 * Embedded store benchmark: how fast the SQLite sink commits the engine's
 * output, and how long the query functions take on the result. Simulated
 * traffic is processed first (not timed), then the batches are written and
 * flushed (one transaction each, as in a run) into a fresh file, timed; then
 * each query function is timed once. The last stdout line is one JSON
 * object for scripts to pick up.
 *
 *   npm run build && node dist/bench/sqlite-store.js [--events N] [--batch B]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEngine } from '../src/cli/components.js';
import { parsePipeline } from '../src/config/pipeline.js';
import type { BatchOutput, RawRecord } from '../src/engine/types.js';
import { simulate } from '../src/simulator/index.js';
import { SqliteSink } from '../src/sinks/sqlite.js';
import { openSqliteStore } from '../src/store/sqlite-database.js';
import { SqliteQueryStore } from '../src/store/sqlite-queries.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: '2048' } },
});
const events = Number(values.events);
const batchSize = Number(values.batch);

const config = parsePipeline({ source: { type: 'file', path: 'unused' } });
const { processor } = buildEngine(config);
const outputs: BatchOutput[] = [];
let pending: RawRecord[] = [];
for (const simulated of simulate({ seed: 7, events })) {
  pending.push({ value: simulated.event, origin: { source: 'bench' } });
  if (pending.length === batchSize) {
    outputs.push(processor.process(pending));
    pending = [];
  }
}
if (pending.length) outputs.push(processor.process(pending));
await processor.close();

const directory = mkdtempSync(join(tmpdir(), 'vigil-sqlite-bench-'));
const path = join(directory, 'vigil.db');
const sink = new SqliteSink({ path, pipeline: 'bench' });
const started = performance.now();
for (const output of outputs) {
  await sink.write(output);
  await sink.flush();
}
const writeMs = performance.now() - started;
const rows = sink.rowsCommitted;
await sink.close();

const db = openSqliteStore(path);
const queries = new SqliteQueryStore(db);
const range = { fromMs: 0, toMs: Date.UTC(2100, 0, 1) };
const queryMs: Record<string, number> = {};
async function timed(name: string, query: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await query();
  queryMs[name] = Math.round((performance.now() - t) * 100) / 100;
}
const top = await queries.topRiskyIdentities(range, 1);
await timed('alerts(page of 100)', () => queries.alerts({ limit: 100 }));
await timed('alerts(identity, minSeverity)', () =>
  queries.alerts({ identity: top[0].identity, minSeverity: 0.6 }),
);
await timed('identityTimeline', () => queries.identityTimeline(top[0].identity, {}));
await timed('topRiskyIdentities', () => queries.topRiskyIdentities(range, 20));
await timed('riskOverTime(1h)', () => queries.riskOverTime(range, 3600));
await timed('countsByDetector', () => queries.countsByDetector(range));
await timed('countEvents', () => queries.countEvents());
db.close();
rmSync(directory, { recursive: true, force: true });

const result = {
  events,
  batches: outputs.length,
  rows,
  write_ms: Math.round(writeMs),
  rows_per_s: Math.round(rows / (writeMs / 1000)),
  events_per_s: Math.round(events / (writeMs / 1000)),
  query_ms: queryMs,
};
process.stdout.write(
  `SQLite sink: ${rows} rows (${events} events, ${outputs.length} batches) in ${result.write_ms} ms: ` +
    `${result.rows_per_s} rows/s, ${result.events_per_s} events/s\n`,
);
for (const [name, ms] of Object.entries(queryMs)) process.stdout.write(`  ${name}: ${ms} ms\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
