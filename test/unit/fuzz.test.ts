/**
 * Property-based: whatever arrives on the input, the engine never throws and
 * every record ends up either scored or dead-lettered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/cli/components.js';
import { parsePipeline } from '../../src/config/pipeline.js';
import { runPipeline } from '../../src/engine/runner.js';
import { authEvent, serviceEvent } from '../support/events.js';
import { MemorySink, MemorySource } from '../support/memory.js';

const NOW = Date.UTC(2026, 5, 1);

/** Valid events with some fields replaced by arbitrary JSON values: near-misses exercise the validators hardest. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(authEvent(), serviceEvent()),
    fc.dictionary(
      fc.constantFrom(
        'id',
        'time',
        'identity',
        'kind',
        'geo',
        'asn',
        'device',
        'status',
        'bytes_out',
        'action',
        'outcome',
        'mfa_result',
        'extra',
      ),
      fc.jsonValue(),
      { maxKeys: 3 },
    ),
  )
  .map(([event, patch]) => JSON.stringify({ ...event, ...patch }));

const line = fc.oneof(
  fc.string(),
  fc.json(),
  mutatedEvent,
  fc.constant(JSON.stringify(authEvent())),
  fc.constant(JSON.stringify(serviceEvent())),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

async function runLines(format: string, lines: string[]) {
  const engine = buildEngine(parsePipeline({ source: { type: 'file', path: 'unused', format } }), () => NOW);
  const sink = new MemorySink();
  const stats = await runPipeline(new MemorySource(lines), engine.processor, [sink], {
    maxBatchRecords: 7,
    maxWaitMs: 0,
  });
  return { stats, sink };
}

describe('fuzzed input', () => {
  it.each(['canonical', 'ocsf'])(
    'never crashes the engine and every %s line is scored or dead-lettered',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 40 }), async (lines) => {
          const { stats, sink } = await runLines(format, lines);
          expect(stats.records).toBe(lines.length);
          expect(sink.scores.length + sink.deadLetters.length).toBe(lines.length);
          for (const letter of sink.deadLetters) {
            expect(letter.reason).toMatch(/^[a-z_]+$/);
            expect(letter.field.startsWith('/')).toBe(true);
          }
        }),
        { numRuns: 150, seed: 20261125 },
      );
    },
  );

  it('dead-letters valid JSON of the wrong shape with a reason, not a crash', async () => {
    const { sink } = await runLines('ocsf', [
      '{"class_uid": 3002}',
      'null',
      '"text"',
      '{"class_uid": 4002, "time": "x"}',
    ]);
    expect(sink.scores).toHaveLength(0);
    expect(sink.deadLetters).toHaveLength(4);
  });
});
