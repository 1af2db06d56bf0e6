import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountEvent, AuthEvent, ServiceEvent, type VigilEvent } from '../../src/events/schema.js';
import { distanceKm } from '../../src/simulator/geography.js';
import {
  DEFAULT_SCENARIOS,
  SCENARIOS,
  type SimulatedEvent,
  simulate,
  toOcsf,
  writeSimulation,
} from '../../src/simulator/index.js';

const take = (seed: number, events: number, attacks = true): SimulatedEvent[] => [
  ...simulate({ seed, events, attacks }),
];

const incidentsOf = (items: readonly SimulatedEvent[]): Map<string, SimulatedEvent[]> => {
  const incidents = new Map<string, SimulatedEvent[]>();
  for (const item of items) {
    if (!item.label) continue;
    const members = incidents.get(item.label.incident) ?? [];
    members.push(item);
    incidents.set(item.label.incident, members);
  }
  return incidents;
};

const geoOf = (event: VigilEvent) =>
  event.kind === 'auth' && event.geo?.lat !== undefined
    ? { lat: event.geo.lat, lon: event.geo.lon! }
    : undefined;

describe('simulator', () => {
  let run: SimulatedEvent[];
  let incidents: Map<string, SimulatedEvent[]>;
  beforeAll(() => {
    run = take(11, 20_000);
    incidents = incidentsOf(run);
  });

  it('is deterministic for a seed', () => {
    const first = take(11, 3_000);
    const again = take(11, 3_000);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(take(12, 3_000).map((item) => item.event.id)).not.toEqual(again.map((item) => item.event.id));
  });

  it('emits exactly the requested number of events, in non-decreasing time order', () => {
    expect(run).toHaveLength(20_000);
    for (let i = 1; i < run.length; i++)
      expect(run[i]!.event.time).toBeGreaterThanOrEqual(run[i - 1]!.event.time);
  });

  it('produces only events that match the canonical schemas', () => {
    for (const { event } of run) {
      const schema =
        event.kind === 'auth' ? AuthEvent : event.kind === 'account' ? AccountEvent : ServiceEvent;
      if (!Value.Check(schema, event)) throw new Error(`invalid event ${JSON.stringify(event)}`);
    }
  });

  it('spreads about three weeks of mixed auth and service traffic', () => {
    const days = (run.at(-1)!.event.time - run[0]!.event.time) / 86_400_000;
    expect(days).toBeGreaterThan(14);
    expect(days).toBeLessThan(30);
    const authShare = run.filter((item) => item.event.kind === 'auth').length / run.length;
    expect(authShare).toBeGreaterThan(0.4);
    expect(authShare).toBeLessThan(0.6);
  });

  it('injects at least two incidents of every scenario in 20,000 events, under 3% of them', () => {
    const perScenario = new Map<string, number>();
    for (const [, members] of incidents) {
      const scenario = members[0]!.label!.scenario;
      perScenario.set(scenario, (perScenario.get(scenario) ?? 0) + 1);
    }
    for (const scenario of DEFAULT_SCENARIOS)
      expect(perScenario.get(scenario) ?? 0, scenario).toBeGreaterThanOrEqual(2);
    const attackEvents = run.filter((item) => item.label).length;
    expect(attackEvents / run.length).toBeLessThan(0.03);
  });

  it('attacks only in the last 35% of the timeline, and only mature identities', () => {
    const start = run[0]!.event.time;
    const span = run.at(-1)!.event.time - start;
    const seen = new Map<string, { events: number; days: Set<number> }>();
    for (const { event, label } of run) {
      const history = seen.get(event.identity) ?? { events: 0, days: new Set<number>() };
      // An account change is the actor's doing: the actor is the attacked (mature) identity.
      const subject = event.kind === 'account' ? (event.actor ?? event.identity) : event.identity;
      const attacked = seen.get(subject) ?? { events: 0, days: new Set<number>() };
      if (label) {
        expect(event.time - start).toBeGreaterThanOrEqual(0.65 * span);
        if (label.scenario !== 'password_spray') {
          expect(attacked.events, `${label.incident} ${label.scenario}`).toBeGreaterThanOrEqual(25);
          expect(attacked.days.size, label.incident).toBeGreaterThanOrEqual(3);
        }
      }
      history.events++;
      history.days.add(Math.floor(event.time / 86_400_000));
      seen.set(event.identity, history);
    }
  });

  it('never reveals a label inside an event', () => {
    const giveaways = [...SCENARIOS, 'attack', 'incident', 'inc-', 'malicious', 'evil'];
    for (const { event } of run) {
      const json = JSON.stringify(event).toLowerCase();
      for (const word of giveaways) if (json.includes(word)) throw new Error(`"${word}" in ${json}`);
    }
  });

  it('keeps ordinary traffic free of the patterns the scenarios create', () => {
    const sessionOrigin = new Map<string, string>();
    const lastPlace = new Map<string, { time: number; lat: number; lon: number }>();
    for (const { event, label } of run) {
      if (label) continue;
      if (event.kind === 'service') {
        expect(event.route).not.toMatch(/admin|internal|actuator|debug/);
        continue;
      }
      if (event.kind === 'account') continue;
      const origin = `${event.src_ip}|${event.device?.id}`;
      if (event.session_id && event.identity_type === 'user') {
        expect(sessionOrigin.get(event.session_id) ?? origin).toBe(origin);
        sessionOrigin.set(event.session_id, origin);
      }
      const geo = geoOf(event);
      const previous = lastPlace.get(event.identity);
      if (geo && previous) {
        const hours = (event.time - previous.time) / 3_600_000;
        const km = distanceKm(previous, geo);
        if (km > 100)
          expect(km / 800 + 2, `${event.identity} moved ${Math.round(km)} km`).toBeLessThanOrEqual(hours);
      }
      if (geo) lastPlace.set(event.identity, { time: event.time, ...geo });
    }
  });

  describe('scenarios', () => {
    const membersOf = (scenario: string) =>
      [...incidents.values()].filter((members) => members[0]!.label!.scenario === scenario);

    it('brute force: 15-40 failures against one user from one address within 10 minutes', () => {
      for (const members of membersOf('brute_force')) {
        const failures = members.filter((m) => m.event.kind === 'auth' && m.event.outcome === 'failure');
        expect(failures.length).toBeGreaterThanOrEqual(15);
        expect(failures.length).toBeLessThanOrEqual(40);
        expect(new Set(members.map((m) => m.event.identity)).size).toBe(1);
        expect(new Set(members.map((m) => (m.event.kind === 'auth' ? m.event.src_ip : '')))).toHaveProperty(
          'size',
          1,
        );
        expect(failures.at(-1)!.event.time - failures[0]!.event.time).toBeLessThanOrEqual(10 * 60_000);
      }
    });

    it('password spray: one address, at least 25 distinct users', () => {
      for (const members of membersOf('password_spray')) {
        expect(new Set(members.map((m) => m.event.identity)).size).toBeGreaterThanOrEqual(25);
        expect(new Set(members.map((m) => (m.event.kind === 'auth' ? m.event.src_ip : '')))).toHaveProperty(
          'size',
          1,
        );
      }
    });

    it('impossible travel: a sign-in over 5000 km from the previous one, within an hour', () => {
      for (const members of membersOf('impossible_travel')) {
        const foreign = members[0]!.event;
        const before = run.filter(
          (item) =>
            !item.label && item.event.identity === foreign.identity && item.event.time <= foreign.time,
        );
        const home = before
          .filter((item) => item.event.kind === 'auth' && item.event.action === 'sign_in')
          .at(-1)!.event;
        expect(foreign.time - home.time).toBeLessThanOrEqual(60 * 60_000);
        expect(distanceKm(geoOf(home)!, geoOf(foreign)!)).toBeGreaterThan(5000);
      }
    });

    it('exfiltration: bytes_out at least 50 times the edge median', () => {
      for (const members of membersOf('exfiltration')) {
        const first = members[0]!.event;
        if (first.kind !== 'service') throw new Error('exfiltration must be service traffic');
        const usual = run
          .filter((item) => !item.label && item.event.identity === first.identity)
          .map((item) => item.event)
          .filter((event) => event.kind === 'service' && event.destination === first.destination)
          .map((event) => (event.kind === 'service' ? event.bytes_out : 0))
          .sort((a, b) => a - b);
        const median = usual[usual.length >> 1]!;
        for (const { event } of members)
          if (event.kind === 'service') expect(event.bytes_out).toBeGreaterThan(20 * median);
      }
    });

    it('probing: at least 30 authorization failures within 5 minutes', () => {
      for (const members of membersOf('probing')) {
        expect(members.length).toBeGreaterThanOrEqual(30);
        for (const { event } of members)
          if (event.kind === 'service') expect([401, 403]).toContain(event.status);
        expect(members.at(-1)!.event.time - members[0]!.event.time).toBeLessThanOrEqual(5 * 60_000);
      }
    });
  });

  describe('OCSF encoding', () => {
    it('maps auth events to Authentication (3002)', () => {
      const signIn = run.find(
        (item) => item.event.kind === 'auth' && item.event.action === 'sign_in' && item.event.device,
      )!;
      const event = signIn.event as AuthEvent;
      const record = toOcsf(event);
      expect(record).toMatchObject({
        class_uid: 3002,
        category_uid: 3,
        activity_id: 1,
        type_uid: 300201,
        time: event.time,
        metadata: { uid: event.id, version: '1.1.0' },
        user: { name: event.identity, type_id: 1 },
        status_id: event.outcome === 'success' ? 1 : 2,
        src_endpoint: {
          ip: event.src_ip,
          location: {
            country: event.geo!.country,
            city: event.geo!.city,
            coordinates: [event.geo!.lon, event.geo!.lat],
          },
          autonomous_system: { number: event.asn },
        },
        device: { uid: event.device!.id, is_managed: event.device!.managed, os: { name: event.device!.os } },
        http_request: { user_agent: event.user_agent },
        service: { name: event.application },
        session: { uid: event.session_id, credential_uid: event.token_id },
      });
    });

    it('maps MFA prompts to activity 99 with their factor and result', () => {
      const denied = run.find(
        (item) =>
          item.event.kind === 'auth' && item.event.action === 'mfa' && item.event.outcome === 'failure',
      )!;
      const record = toOcsf(denied.event);
      expect(record).toMatchObject({
        activity_id: 99,
        activity_name: 'mfa',
        type_uid: 300299,
        status_id: 2,
        is_mfa: true,
      });
      expect(['denied', 'timeout']).toContain(record.status_detail);
      expect(record.auth_factors).toEqual([{ factor_type: (denied.event as AuthEvent).mfa_factor }]);
    });

    it('maps service calls to HTTP Activity (4002)', () => {
      const call = run.find((item) => item.event.kind === 'service' && item.event.method === 'GET')!
        .event as ServiceEvent;
      expect(toOcsf(call)).toMatchObject({
        class_uid: 4002,
        category_uid: 4,
        activity_id: 3,
        type_uid: 400203,
        metadata: { uid: call.id },
        src_endpoint: { svc_name: call.identity },
        dst_endpoint: { svc_name: call.destination },
        http_request: { http_method: 'GET', url: { path: call.route } },
        http_response: { code: call.status },
        traffic: { bytes_in: call.bytes_in, bytes_out: call.bytes_out },
        duration: call.latency_ms,
        unmapped: { mtls_verified: true },
      });
    });
  });

  describe('writeSimulation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sim-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes byte-identical events and labels for the same options', async () => {
      const options = { seed: 5, events: 8_000, format: 'canonical' as const };
      const first = await writeSimulation({ ...options, out: join(dir, 'a.ndjson') });
      await writeSimulation({ ...options, out: join(dir, 'b.ndjson') });
      const sameBytes = (a: string, b: string) =>
        readFileSync(join(dir, a)).equals(readFileSync(join(dir, b)));
      expect(sameBytes('a.ndjson', 'b.ndjson')).toBe(true);
      expect(sameBytes('a.ndjson.labels.ndjson', 'b.ndjson.labels.ndjson')).toBe(true);

      const lines = readFileSync(join(dir, 'a.ndjson'), 'utf8').trimEnd().split('\n');
      const labels = readFileSync(first.labelsPath, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(8_000);
      expect(first).toMatchObject({ events: 8_000, attackEvents: labels.length });
      expect(first.incidents).toBe(new Set(labels.map((label) => label.incident)).size);
      const ids = new Set(lines.map((line) => JSON.parse(line).id));
      for (const label of labels) {
        expect(Object.keys(label)).toEqual(['event_id', 'scenario', 'incident']);
        expect(ids.has(label.event_id)).toBe(true);
      }
    });

    it('writes OCSF records when asked', async () => {
      const out = join(dir, 'ocsf.ndjson');
      await writeSimulation({ seed: 5, events: 500, format: 'ocsf', out });
      const classes = new Set(
        readFileSync(out, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line).class_uid),
      );
      expect([...classes]).toEqual(expect.arrayContaining([3002, 4002]));
      // Account changes: Account Change (3001) and Group Management (3006).
      for (const uid of classes) expect([3001, 3002, 3006, 4002]).toContain(uid);
    });
  });
});
