import { describe, expect, it } from 'vitest';
import {
  type AccumulatorSettings,
  accumulate,
  DEFAULT_ACCUMULATOR,
  decayedScore,
  levelFor,
} from '../../src/risk/accumulator.js';

const HOUR = 3_600_000;
const settings: AccumulatorSettings = DEFAULT_ACCUMULATOR;

describe('identity risk accumulation', () => {
  it('halves the accumulated risk after one half-life without new risk', () => {
    const risk = accumulate(undefined, 80, 0, settings);
    expect(risk.score).toBe(80);
    expect(decayedScore(risk, HOUR, settings.halfLifeMs)).toBeCloseTo(40, 6);
    expect(accumulate(risk, 0, 2 * HOUR, settings).score).toBe(20);
  });

  it('adds several moderate risks up (noisy-OR) but never past 100', () => {
    let risk = accumulate(undefined, 50, 0, settings);
    risk = accumulate(risk, 50, 1000, settings);
    expect(risk.score).toBeGreaterThan(74.9);
    expect(risk.score).toBeLessThan(75.1);
    for (let i = 0; i < 20; i++) risk = accumulate(risk, 90, 2000 + i, settings);
    expect(risk.score).toBeLessThanOrEqual(100);
    expect(risk.level).toBe('critical');
  });

  it('does not decay backwards when an event arrives slightly out of order', () => {
    const risk = accumulate(undefined, 60, HOUR, settings);
    expect(decayedScore(risk, HOUR - 60_000, settings.halfLifeMs)).toBe(60);
  });

  it('maps the score to levels at the configured thresholds', () => {
    expect(levelFor(10, 'none', settings)).toBe('none');
    expect(levelFor(20, 'none', settings)).toBe('low');
    expect(levelFor(40, 'none', settings)).toBe('medium');
    expect(levelFor(65, 'none', settings)).toBe('high');
    expect(levelFor(85, 'none', settings)).toBe('critical');
  });

  it('keeps a level until the score is the hysteresis below its threshold (no flapping)', () => {
    expect(levelFor(60, 'high', settings)).toBe('high');
    expect(levelFor(55.1, 'high', settings)).toBe('high');
    expect(levelFor(54.9, 'high', settings)).toBe('medium');
    expect(levelFor(20, 'critical', settings)).toBe('low');
  });
});
