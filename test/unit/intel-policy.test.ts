import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/config/pipeline.js';
import { VigilError } from '../../src/errors.js';
import type { VigilEvent } from '../../src/events/schema.js';
import type { IntelMatch } from '../../src/intel/lookup.js';
import { Policy, type PolicyInput } from '../../src/risk/policy.js';

const signIn: VigilEvent = {
  kind: 'auth',
  id: 'e-1',
  time: Date.UTC(2026, 2, 2, 10),
  identity: 'alice@example.com',
  identity_type: 'user',
  action: 'sign_in',
  outcome: 'success',
  src_ip: '185.220.101.34',
};

const TOR: IntelMatch = {
  categories: ['anonymiser', 'hosting'],
  prefix: '185.220.101.34/32',
  list: 'tor-exits',
};

function policyOf(rules: unknown[]): Policy {
  return new Policy(parsePipeline({ source: { type: 'simulator' }, policy: { rules } }).policy);
}

const input = (intel: IntelMatch | undefined, detectors: string[] = []): PolicyInput => ({
  event: signIn,
  detectors,
  eventRisk: 40,
  level: 'low',
  facts: intel ? { intel } : undefined,
});

describe('policy condition source_intel_any', () => {
  const policy = policyOf([
    { name: 'step_up_anonymous', when: { source_intel_any: ['anonymiser', 'known_bad'] }, action: 'step_up' },
  ]);

  it('matches when the source address has one of the listed categories', () => {
    expect(policy.match(input(TOR))?.name).toBe('step_up_anonymous');
    expect(policy.match(input({ ...TOR, categories: ['known_bad'] }))?.name).toBe('step_up_anonymous');
  });

  it('does not match other categories, or an address in no list', () => {
    expect(policy.match(input({ ...TOR, categories: ['hosting'] }))).toBeUndefined();
    expect(policy.match(input({ ...TOR, categories: ['corporate_egress'] }))).toBeUndefined();
    expect(policy.match(input(undefined))).toBeUndefined();
  });

  it('is part of the default policy: a sign-in from a Tor exit that the detector flagged steps up', () => {
    const defaults = new Policy(parsePipeline({ source: { type: 'simulator' } }).policy);
    expect(defaults.match(input(TOR, ['threat_intel_source']))?.name).toBe('step_up_listed_source');
    expect(defaults.match(input(undefined, ['threat_intel_source']))).toBeUndefined();
  });

  it('refuses a category name that cannot be one, naming the key', () => {
    try {
      policyOf([{ name: 'x', when: { source_intel_any: ['Tor Exit'] }, action: 'step_up' }]);
      expect.unreachable('an invalid category must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(VigilError);
      expect((error as VigilError).field).toBe('policy.rules.0.when.source_intel_any.0');
    }
  });
});
