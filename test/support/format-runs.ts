/** Runs lines through a real engine (default pipeline, the given input format) into a memory sink. */
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { MemorySink, MemorySource } from './memory.js';

export const RUN_NOW = Date.UTC(2026, 5, 1);

export async function runLines(format: string, lines: readonly (string | object)[]) {
  const engine = buildEngine(
    parsePipeline({ source: { type: 'file', path: 'unused', format } }),
    () => RUN_NOW,
  );
  const sink = new MemorySink();
  const stats = await runPipeline(new MemorySource(lines), engine.processor, [sink], {
    maxBatchRecords: 7,
    maxWaitMs: 0,
  });
  return { stats, sink };
}
