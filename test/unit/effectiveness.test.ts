/**
 * Effectiveness metrics on a small labelled replay built by hand: twelve
 * events of four identities over exactly one day, three incidents (two
 * caught, one missed), four alerts and six decisions. Every expected value
 * is worked out in the comments from the table below, not by calling the
 * code under test.
 */
import { describe, expect, it } from 'vitest';
import type { AlertFacts, DecisionFacts } from '../../src/evaluation/effectiveness.js';
import {
  EffectivenessTally,
  nearestRankPercentile,
  summarizeDurations,
  timesToEnforce,
} from '../../src/evaluation/effectiveness.js';
import { DetectionTally, type EventLabel } from '../../src/evaluation/labels.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const minute = (m: number) => T0 + m * 60_000;

interface HandEvent {
  id: string;
  minute: number;
  identity: string;
  signIn: boolean;
  incident?: string;
}

// id    min  identity  action     label
const EVENTS: HandEvent[] = [
  { id: 'e1', minute: 0, identity: 'alice', signIn: true },
  { id: 'e2', minute: 10, identity: 'bob', signIn: true },
  { id: 'e3', minute: 20, identity: 'carol', signIn: true },
  { id: 'e4', minute: 30, identity: 'alice', signIn: true, incident: 'travel-1' },
  { id: 'e5', minute: 35, identity: 'alice', signIn: false, incident: 'travel-1' }, // mfa
  { id: 'e6', minute: 60, identity: 'bob', signIn: true, incident: 'spray-1' },
  { id: 'e7', minute: 62, identity: 'bob', signIn: true, incident: 'spray-1' },
  { id: 'e8', minute: 90, identity: 'dave', signIn: true, incident: 'fatigue-1' }, // never alerted
  { id: 'e9', minute: 120, identity: 'carol', signIn: true },
  { id: 'e10', minute: 150, identity: 'dave', signIn: false }, // token use
  { id: 'e11', minute: 180, identity: 'alice', signIn: true },
  { id: 'e12', minute: 1440, identity: 'bob', signIn: true }, // exactly one day after e1
];

const SCENARIO: Record<string, string> = {
  'travel-1': 'impossible_travel',
  'spray-1': 'password_spray',
  'fatigue-1': 'mfa_fatigue',
};

const labelsOf = (events: readonly HandEvent[]) =>
  new Map<string, EventLabel>(
    events
      .filter((e) => e.incident !== undefined)
      .map((e) => [e.id, { incident: e.incident!, scenario: SCENARIO[e.incident!] }]),
  );

const alert = (id: string, m: number, identity: string, eventIds: string[]): AlertFacts => ({
  id,
  time: minute(m),
  identity,
  event_ids: eventIds,
});

const ALERTS: AlertFacts[] = [
  alert('a1', 35, 'alice', ['e4', 'e5']), // touches travel-1
  alert('a2', 62, 'bob', ['e7']), // touches spray-1
  alert('a3', 120, 'carol', ['e9']), // false alert
  alert('a4', 180, 'alice', ['e11']), // false alert
];

const decision = (
  m: number,
  identity: string,
  action: DecisionFacts['action'],
  mode: DecisionFacts['mode'],
  eventId: string,
  alertIds?: string[],
): DecisionFacts => ({
  time: minute(m),
  identity,
  action,
  mode,
  event_id: eventId,
  ...(alertIds ? { alert_ids: alertIds } : {}),
});

const DECISIONS: DecisionFacts[] = [
  decision(35, 'alice', 'step_up', 'enforce', 'e5'), // enforced, on an attack event
  decision(62, 'bob', 'revoke_sessions', 'dry_run', 'e7'), // not enforced
  decision(120, 'carol', 'step_up', 'enforce', 'e9'), // enforced step-up on a benign event
  decision(150, 'dave', 'allow', 'enforce', 'e10'), // allow is never an enforcement
  decision(180, 'alice', 'step_up', 'enforce', 'e11'), // benign step-up
  decision(1440, 'bob', 'step_up', 'enforce', 'e12'), // benign step-up, bob's first enforcement
];

function replayTally(events: readonly HandEvent[], alerts = ALERTS, decisions = DECISIONS) {
  const labels = labelsOf(events);
  const detection = new DetectionTally(labels);
  const effectiveness = new EffectivenessTally(labels, 0.6);
  for (const e of events) {
    detection.addScore(e.id, e.incident ? 80 : 5);
    effectiveness.addEvent(e.id, minute(e.minute), e.identity);
    if (e.signIn) effectiveness.addSignIn(e.id);
  }
  for (const a of alerts) {
    detection.addAlert('hand', a.event_ids);
    effectiveness.addAlert(a);
  }
  for (const d of decisions) effectiveness.addDecision(d);
  return { detection: detection.report(), effectiveness };
}

describe('effectiveness of a hand-built labelled replay', () => {
  const { detection, effectiveness } = replayTally(EVENTS);
  const report = effectiveness.report(detection, { sent: 5, acknowledged: 4 });

  it('reports alert-level precision and incident-level recall at the operating threshold', () => {
    // a1 and a2 touch labelled events, a3 and a4 do not: 2 / 4.
    expect(report.true_alerts).toBe(2);
    expect(report.false_alerts).toBe(2);
    expect(report.precision).toBe(0.5);
    // travel-1 and spray-1 have an alert, fatigue-1 none: 2 / 3.
    expect(report.incidents).toBe(3);
    expect(report.detected_incidents).toBe(2);
    expect(report.recall).toBeCloseTo(2 / 3, 12);
    expect(report.operating_threshold).toBe(0.6);
  });

  it('reports alerts per day of event time and per 1,000 identities', () => {
    // e1 → e12 is 1,440 minutes = 1 day; 4 alerts. Identities alice, bob, carol, dave.
    expect(report.span_ms).toBe(86_400_000);
    expect(report.alerts_per_day).toBe(4);
    expect(report.identities).toBe(4);
    expect(report.alerts_per_1000_identities).toBe(1000);
  });

  it('measures time to detect from the first attack event to the first alert on the incident', () => {
    // travel-1: e4 at 30 min → a1 at 35 min = 300 s; spray-1: e6 at 60 → a2 at 62 = 120 s.
    // Mean 210 s; nearest-rank median of [120, 300] is rank ⌈1⌉ = 1 → 120 s, p95 rank ⌈1.9⌉ = 2 → 300 s.
    expect(report.time_to_detect).toEqual({
      count: 2,
      mean_seconds: 210,
      median_seconds: 120,
      p95_seconds: 300,
    });
  });

  it('measures time from alert to the first enforced decision for the identity at or after it', () => {
    // a1 → alice step-up at 35 min: 0 s. a2 → bob's dry run does not count; his step-up at
    // 1,440 min: 1,378 min = 82,680 s. a3 → carol at 120: 0 s. a4 → alice at 180: 0 s.
    // Mean 82,680 / 4 = 20,670 s; of [0, 0, 0, 82680] the median is rank 2 → 0 s, p95 rank ⌈3.8⌉ = 4 → 82,680 s.
    expect(report.time_to_enforce).toEqual({
      count: 4,
      mean_seconds: 20_670,
      median_seconds: 0,
      p95_seconds: 82_680,
    });
  });

  it('measures step-up friction on benign sign-ins', () => {
    // Benign sign-ins: e1, e2, e3, e9, e11, e12 = 6 (e10 is a token use, the rest are attacks).
    // Enforced step-ups on benign events: e9, e11, e12 = 3 (e5 is an attack). 3 / 6 × 1000 = 500.
    expect(report.benign_sign_ins).toBe(6);
    expect(report.benign_step_ups).toBe(3);
    expect(report.stepup_friction_per_1000).toBe(500);
  });

  it('reports the share of signals acknowledged when delivery state is known', () => {
    expect(report.signals_sent).toBe(5);
    expect(report.signals_acknowledged).toBe(4);
    expect(report.signals_acknowledged_ratio).toBe(0.8);
  });

  it('leaves acknowledgement null, not 0, when delivery state is unknown', () => {
    const unknown = effectiveness.report(detection);
    expect(unknown.signals_acknowledged_ratio).toBeNull();
    expect(unknown.signals_sent).toBeNull();
  });
});

describe('effectiveness without enough to measure', () => {
  it('gives null precision, recall and time to detect without labels', () => {
    const events = EVENTS.map(({ incident: _ignored, ...rest }) => rest);
    const { effectiveness } = replayTally(events);
    const report = effectiveness.report(undefined);
    expect(report.precision).toBeNull();
    expect(report.recall).toBeNull();
    expect(report.incidents).toBeNull();
    expect(report.time_to_detect).toEqual({
      count: 0,
      mean_seconds: null,
      median_seconds: null,
      p95_seconds: null,
    });
    // Without labels every sign-in is benign: 10 sign-ins; step-ups on e5, e9, e11, e12 = 4 → 400.
    expect(report.benign_sign_ins).toBe(10);
    expect(report.stepup_friction_per_1000).toBe(400);
  });

  it('gives null precision and rates when there are no alerts and a single instant', () => {
    const labels = labelsOf(EVENTS);
    const tally = new EffectivenessTally(labels);
    tally.addEvent('e4', T0, 'alice');
    const report = tally.report(new DetectionTally(labels).report());
    expect(report.precision).toBeNull();
    expect(report.alerts_per_day).toBeNull();
    expect(report.recall).toBe(0);
    expect(report.stepup_friction_per_1000).toBeNull();
  });
});

describe('time to enforce', () => {
  it('prefers the decision that names the alert over the identity fallback', () => {
    // bob's alert a2 at 62 min is named by a step-up at 70 min: 8 min = 480 s, not 82,680 s.
    const decisions = [...DECISIONS, decision(70, 'bob', 'step_up', 'enforce', 'e7', ['a2'])];
    expect(timesToEnforce([ALERTS[1]], decisions)).toEqual([480_000]);
  });

  it('leaves out alerts never followed by an enforced decision', () => {
    // carol's only enforcement is at 120 min; an alert at 121 min has none after it.
    expect(timesToEnforce([alert('late', 121, 'carol', ['e9'])], DECISIONS)).toEqual([]);
  });
});

describe('nearest-rank percentile', () => {
  it('takes rank ⌈p/100 · n⌉ of the ascending values', () => {
    const values = Float64Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRankPercentile(values, 95)).toBe(19);
    expect(nearestRankPercentile(values, 100)).toBe(20);
    expect(nearestRankPercentile([7], 95)).toBe(7);
    expect(nearestRankPercentile([], 95)).toBeNull();
  });

  it('summarises durations in seconds whatever their input order', () => {
    // Sorted [1, 2, 3] s: median rank ⌈1.5⌉ = 2 → 2 s; p95 rank ⌈2.85⌉ = 3 → 3 s.
    expect(summarizeDurations([3000, 1000, 2000])).toEqual({
      count: 3,
      mean_seconds: 2,
      median_seconds: 2,
      p95_seconds: 3,
    });
  });
});
