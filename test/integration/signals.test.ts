/**
 * Risk → policy → Shared Signals, end to end through the replay path on
 * simulator output: account takeovers are revoked (CAEP session-revoked for
 * the victim), MFA fatigue triggers a step-up (assurance-level-change),
 * normal identities get no signal, every SET validates against the specs, and
 * a second replay yields byte-identical signals.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';
import type { DecisionRecord, SignalRecord } from '../../src/risk/decisions.js';
import { EVENT_TYPES } from '../../src/signals/set.js';
import { setProblems } from '../../src/signals/validate.js';
import { writeSimulation } from '../../src/simulator/index.js';

const NOW = () => Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), 'vigil-signals-'));
const input = join(dir, 'sim.ndjson');
const readNdjson = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

let signals: SignalRecord[];
let decisions: DecisionRecord[];
/** identity → scenarios it was attacked in */
const attacked = new Map<string, Set<string>>();

const eventTypeOf = (signal: SignalRecord) => Object.keys(signal.set.events as object)[0];
const subjectEmail = (signal: SignalRecord): string | undefined => {
  const subject = signal.set.sub_id as Record<string, unknown>;
  const user = (subject.format === 'complex' ? subject.user : subject) as Record<string, string>;
  return user.email ?? user.sub ?? user.uri;
};
const identitiesOf = (scenario: string) => [...attacked].filter(([, s]) => s.has(scenario)).map(([id]) => id);

beforeAll(async () => {
  await writeSimulation({ out: input, events: 20_000, seed: 7, format: 'canonical' });
  await replay({
    input,
    format: 'canonical',
    out: join(dir, 'a'),
    pipeline: 'pipelines/embedded.yaml',
    now: NOW,
  });
  signals = readNdjson<SignalRecord>(join(dir, 'a', 'signals.ndjson'));
  decisions = readNdjson<DecisionRecord>(join(dir, 'a', 'decisions.ndjson'));
  const identityOf = new Map<string, string>();
  for (const event of readNdjson<{ id: string; identity: string }>(input))
    identityOf.set(event.id, event.identity);
  for (const label of readNdjson<{ event_id: string; scenario: string }>(`${input}.labels.ndjson`)) {
    const identity = identityOf.get(label.event_id)!;
    if (!attacked.has(identity)) attacked.set(identity, new Set());
    attacked.get(identity)!.add(label.scenario);
  }
});

describe('signals from a replay of simulated traffic', () => {
  it('revokes the sessions of every account-takeover victim (CAEP session-revoked for that subject)', () => {
    const victims = identitiesOf('account_takeover');
    expect(victims.length).toBeGreaterThan(0);
    for (const victim of victims) {
      const revoked = signals.filter(
        (s) => eventTypeOf(s) === EVENT_TYPES.sessionRevoked && s.key === victim,
      );
      expect({ victim, revoked: revoked.length > 0 }).toEqual({ victim, revoked: true });
      expect(subjectEmail(revoked[0])).toBe(victim);
      const decision = decisions.find((d) => d.id === revoked[0].decision_id)!;
      expect(decision).toMatchObject({ action: 'revoke_sessions', mode: 'enforce', identity: victim });
    }
  });

  it('asks every MFA-fatigue victim to step up (CAEP assurance-level-change)', () => {
    const victims = identitiesOf('mfa_fatigue');
    expect(victims.length).toBeGreaterThan(0);
    for (const victim of victims) {
      const stepUps = signals.filter(
        (s) => eventTypeOf(s) === EVENT_TYPES.assuranceLevelChange && s.key === victim,
      );
      expect({ victim, stepUp: stepUps.length > 0 }).toEqual({ victim, stepUp: true });
      expect(stepUps[0].set.events).toMatchObject({
        [EVENT_TYPES.assuranceLevelChange]: { namespace: 'NIST-AAL', change_direction: 'decrease' },
      });
    }
  });

  it('quarantines compromised workloads by their SPIFFE id', () => {
    const quarantined = signals.filter((s) => eventTypeOf(s) === EVENT_TYPES.accountDisabled);
    expect(quarantined.length).toBeGreaterThan(0);
    for (const signal of quarantined) {
      expect(signal.set.sub_id).toEqual({ format: 'uri', uri: signal.key });
      expect(signal.key.startsWith('spiffe://')).toBe(true);
    }
  });

  it('sends nothing about identities that were never attacked', () => {
    const aboutNormal = signals.filter((s) => !attacked.has(s.key));
    const decidedNormal = decisions.filter((d) => !attacked.has(d.identity));
    expect(aboutNormal).toEqual([]);
    expect(decidedNormal).toEqual([]);
  });

  it('emits only SETs that satisfy RFC 8417, SSF 1.0 and the CAEP/RISC event definitions', () => {
    expect(signals.length).toBeGreaterThan(0);
    for (const signal of signals) {
      expect({ jti: signal.jti, problems: setProblems(signal.set) }).toEqual({
        jti: signal.jti,
        problems: [],
      });
      expect(signal.set.jti).toBe(signal.jti);
    }
    expect(new Set(signals.map((s) => s.jti)).size).toBe(signals.length);
  });

  it('records the rule behind every enforced decision and links its SETs', () => {
    for (const decision of decisions) {
      expect(decision.rule).toEqual(expect.any(String));
      if (decision.mode === 'enforce' && decision.action !== 'allow')
        expect(decision.signals.length).toBeGreaterThan(0);
    }
  });

  it('produces byte-identical signals and decisions when replayed again (same jti, no duplicates)', async () => {
    await replay({
      input,
      format: 'canonical',
      out: join(dir, 'b'),
      pipeline: 'pipelines/embedded.yaml',
      now: NOW,
    });
    for (const file of ['signals.ndjson', 'decisions.ndjson']) {
      expect(readFileSync(join(dir, 'b', file)).equals(readFileSync(join(dir, 'a', file)))).toBe(true);
    }
  });
});
