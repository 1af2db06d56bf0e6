/**
 * The response policy: declarative rules (from the pipeline YAML) matched in
 * order against one event, its findings and the identity's accumulated risk
 * level; the first matching rule decides. The allowlist turns any decision for
 * an allowlisted identity into `allow`. Pure matching: cool-downs and the
 * records of what was decided live in decisions.ts.
 */
import { createHash } from 'node:crypto';
import type { EventFacts } from '../context/environment.js';
import type { VigilEvent } from '../events/schema.js';
import { atLeast, type RiskLevel } from './accumulator.js';
import type { PolicyAction, PolicyConfig, PolicyRuleConfig } from './policy-config.js';

export interface PolicyRule {
  name: string;
  action: PolicyAction;
  dryRun: boolean;
  cooldownMs: number;
  holdMs: number;
  matches(input: PolicyInput): boolean;
}

/** What a rule looks at. */
export interface PolicyInput {
  event: VigilEvent;
  /** Detectors that produced a finding for this event. */
  detectors: readonly string[];
  eventRisk: number;
  level: RiskLevel;
  /** What the environment says about the event (intel categories, device posture); absent when unknown. */
  facts?: EventFacts;
}

type Test = (input: PolicyInput) => boolean;

function compileRule(rule: PolicyRuleConfig, sensitive: ReadonlySet<string>): PolicyRule {
  const tests: Test[] = [];
  const when = rule.when;
  const minimum = when.identity_level_at_least;
  if (minimum) tests.push((input) => atLeast(input.level, minimum));
  if (when.detectors_any) {
    const wanted = new Set(when.detectors_any);
    tests.push((input) => input.detectors.some((name) => wanted.has(name)));
  }
  if (when.outcome) {
    const outcome = when.outcome;
    tests.push((input) => input.event.kind !== 'service' && input.event.outcome === outcome);
  }
  if (when.identity_type) {
    const types = new Set(Array.isArray(when.identity_type) ? when.identity_type : [when.identity_type]);
    tests.push((input) => types.has(input.event.identity_type));
  }
  if (when.application_sensitivity === 'sensitive') {
    tests.push((input) => sensitive.has(applicationOf(input.event) ?? ''));
  }
  if (when.applications) {
    const applications = new Set(when.applications);
    tests.push((input) => applications.has(applicationOf(input.event) ?? ''));
  }
  if (when.min_event_risk !== undefined) {
    const min = when.min_event_risk;
    tests.push((input) => input.eventRisk >= min);
  }
  if (when.device_compliant !== undefined) {
    const compliant = when.device_compliant;
    tests.push((input) => input.facts?.device?.compliant === compliant);
  }
  if (when.device_managed !== undefined) {
    const managed = when.device_managed;
    tests.push((input) => input.facts?.device?.managed === managed);
  }
  if (when.device_detectors_any) {
    const wanted = new Set(when.device_detectors_any);
    tests.push(
      (input) => input.facts?.device !== undefined && input.detectors.some((name) => wanted.has(name)),
    );
  }
  if (when.source_intel_any) {
    const wanted = when.source_intel_any;
    tests.push((input) => input.facts?.intel?.categories.some((name) => wanted.includes(name)) === true);
  }
  const cooldownMs = rule.cooldown_minutes * 60_000;
  return {
    name: rule.name,
    action: rule.action,
    dryRun: rule.dry_run,
    cooldownMs,
    holdMs: (rule.hold_minutes ?? rule.cooldown_minutes) * 60_000,
    matches: (input) => tests.every((test) => test(input)),
  };
}

/** The application (auth) or destination service (east-west) an event touches. */
export function applicationOf(event: VigilEvent): string | undefined {
  return event.kind === 'service' ? event.destination : event.application;
}

/** Exact identity, or a glob where `*` matches any run of characters. */
function allowlistMatcher(patterns: readonly string[]): (identity: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`));
  return (identity) => exact.has(identity) || globs.some((glob) => glob.test(identity));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Policy {
  readonly rules: readonly PolicyRule[];
  readonly isAllowlisted: (identity: string) => boolean;
  /** Short hash of the policy (and of `settings`, e.g. risk levels): recorded with every decision. */
  readonly version: string;

  constructor(
    readonly config: PolicyConfig,
    settings: unknown = {},
  ) {
    this.version = createHash('sha256')
      .update(JSON.stringify({ policy: config, settings }))
      .digest('hex')
      .slice(0, 12);
    const sensitive = new Set(config.sensitive_applications);
    this.rules = config.enabled ? config.rules.map((rule) => compileRule(rule, sensitive)) : [];
    this.isAllowlisted = allowlistMatcher(config.allowlist);
  }

  /** The first rule that matches, if any. */
  match(input: PolicyInput): PolicyRule | undefined {
    for (const rule of this.rules) if (rule.matches(input)) return rule;
    return undefined;
  }
}
