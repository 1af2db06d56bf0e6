import { describe, expect, it } from 'vitest';
import { BatchProcessor } from '../../src/engine/batch-processor.js';
import { inputFormat } from '../../src/events/formats/index.js';
import type { AuthEvent } from '../../src/events/schema.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';
import { analyzerWith } from '../support/analyzer.js';
import { authEvent, DAY, MINUTE, officeHistory, T0 } from '../support/events.js';

function processorWith(detectors: string[], params: Record<string, Record<string, unknown>> = {}) {
  const analyzer = analyzerWith(detectors, params);
  return new BatchProcessor(analyzer, {
    format: inputFormat('canonical'),
    alerts: { minSeverity: 0.5, suppressMs: 60 * MINUTE },
    weights: DEFAULT_WEIGHTS,
    now: () => Date.UTC(2026, 5, 1),
  });
}
const records = (events: AuthEvent[]) => events.map((value) => ({ value, origin: { source: 'test' } }));

describe('alerts', () => {
  it('raises one alert per identity and detector within the suppression window', () => {
    const processor = processorWith(['brute_force']);
    processor.process(records(officeHistory(5, 2)));
    const attack = Array.from({ length: 30 }, (_, i) =>
      authEvent({ time: T0 + 6 * DAY + i * 10_000, outcome: 'failure', src_ip: '203.0.113.1' }),
    );
    const output = processor.process(records(attack));
    expect(output.alerts).toHaveLength(1);
    expect(output.alerts[0]).toMatchObject({ kind: 'brute_force', identity: 'alice@example.com' });
    expect(output.scores.filter((s) => s.detectors?.includes('brute_force')).length).toBeGreaterThan(10);
    const later = authEvent({
      time: T0 + 6 * DAY + 3 * 3_600_000,
      outcome: 'failure',
      src_ip: '203.0.113.1',
    });
    const again = Array.from({ length: 10 }, (_, i) => ({
      ...later,
      id: `late-${i}`,
      time: later.time + i * 1000,
    }));
    expect(processor.process(records(again)).alerts).toHaveLength(1);
  });

  it('raises one alert for a spray across many identities, while every target carries the risk', () => {
    const processor = processorWith(['password_spray']);
    const spray = Array.from({ length: 30 }, (_, i) =>
      authEvent({
        identity: `user${i}@example.com`,
        time: T0 + i * 20_000,
        outcome: 'failure',
        src_ip: '192.0.2.44',
      }),
    );
    const output = processor.process(records(spray));
    expect(output.alerts).toHaveLength(1);
    expect(output.alerts[0].evidence.src_ip).toBe('192.0.2.44');
    const flagged = output.scores.filter((s) => s.detectors?.includes('password_spray'));
    expect(new Set(flagged.map((s) => s.identity)).size).toBe(21);
  });

  it('gives the same alert the same id on a replay', () => {
    const run = () => {
      const processor = processorWith(['brute_force']);
      const attack = Array.from({ length: 12 }, (_, i) =>
        authEvent({ id: `f-${i}`, time: T0 + i * 1000, outcome: 'failure', src_ip: '203.0.113.1' }),
      );
      return processor.process(records(attack)).alerts.map((a) => a.id);
    };
    expect(run()).toEqual(run());
    expect(run()[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});
