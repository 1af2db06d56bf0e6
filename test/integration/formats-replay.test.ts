/**
 * Replay over simulator output rendered in the vendor formats (Okta, Entra,
 * Windows, Envoy, and a per-line mix), read back with `--format auto` and the
 * embedded pipeline's settings: every line is scored, nothing is
 * dead-lettered, and every labelled scenario, the account-change ones
 * included, is detected. Windows Security logs carry no geolocation, network
 * or user agent, so from a Windows-only rendering the scenarios that rest on
 * them (impossible travel, new device and location, account takeover) cannot
 * be seen; they are exempt there, and only there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';
import { DEFAULT_SCENARIOS, writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const EVENTS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'vigil-formats-replay-'));
const GEO_SCENARIOS = new Set(['impossible_travel', 'new_device_location', 'account_takeover']);

describe('replay over simulator output in vendor formats', () => {
  it.each(['okta', 'entra', 'windows', 'envoy', 'mixed'] as const)(
    'reads every %s line back and detects every labelled incident',
    async (format) => {
      const input = join(dir, `${format}.ndjson`);
      await writeSimulation({ out: input, events: EVENTS, seed: 7, format });
      const result = await replay({
        input,
        format: 'auto',
        out: join(dir, format),
        pipeline: 'pipelines/embedded.yaml',
        now: NOW,
      });
      expect(result.stats.deadLetters).toBe(0);
      expect(result.stats.scored).toBe(EVENTS);
      const detection = result.detection!;
      expect(Object.keys(detection.scenarios).sort()).toEqual([...DEFAULT_SCENARIOS].sort());
      for (const [scenario, row] of Object.entries(detection.scenarios)) {
        if (format === 'windows' && GEO_SCENARIOS.has(scenario)) continue;
        expect({ scenario, missed: row.incidents - row.detected }).toEqual({ scenario, missed: 0 });
      }
      expect(detection.falseAlertsPer1k).toBeLessThan(0.5);
    },
    120_000,
  );

  it('renders each line in the chosen vendor format where it can express the event', async () => {
    const out = join(dir, 'small-okta.ndjson');
    await writeSimulation({ out, events: 2_000, seed: 3, format: 'okta' });
    const records = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(records.some((record) => typeof record.eventType === 'string')).toBe(true);
    // Service calls have no Okta form: they are Envoy access log entries.
    expect(records.some((record) => 'response_code' in record)).toBe(true);
    expect(records.every((record) => 'eventType' in record || 'response_code' in record)).toBe(true);
  });
});
