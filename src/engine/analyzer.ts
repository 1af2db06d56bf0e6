/**
 * The per-event core of the engine: for one canonical event, update the
 * identity's short-window counters, run the detectors against the baseline
 * as it stood before the event, fuse their findings into a risk, and let the
 * event teach the baseline only if that risk is below the learning
 * threshold. Events of one identity must be analysed in time order.
 *
 * Model scorers that work on whole batches (Isolation Forest, LSTM) add their
 * components afterwards; this module stays free of I/O and of batching.
 */
import { AccountProfile } from '../baseline/account-profile.js';
import type { IdentityState } from '../baseline/identity-state.js';
import type { StateStore } from '../baseline/state-store.js';
import type { DetectorEnvironment, EventFacts } from '../context/environment.js';
import type { AccountDetector, AuthDetector, Finding, ServiceDetector } from '../detectors/types.js';
import { type DeviceFacts, deviceFacts } from '../devices/facts.js';
import { IdentityPosture } from '../devices/identity-posture.js';
import type { AccountEvent, AuthEvent, VigilEvent } from '../events/schema.js';
import type { FeatureBatch } from '../features/feature-batch.js';
import { intelFactOf } from '../intel/facts.js';
import { type FusionWeights, fuseRisk, noisyOr } from '../risk/fusion.js';

export interface AnalyzerOptions {
  authDetectors: readonly AuthDetector[];
  serviceDetectors: readonly ServiceDetector[];
  /** Detectors of account changes; none when absent. */
  accountDetectors?: readonly AccountDetector[];
  /** Events whose detector risk reaches this (0–100) do not teach the baseline. */
  learnBelowRisk: number;
  weights: FusionWeights;
  /**
   * Feature stage: when set, each auth and service event's feature row is
   * written here after detect and before learn (the baseline as it stood
   * before the event), for batch scorers such as the Isolation Forest.
   */
  features?: FeatureBatch;
  /** Analyst feedback: drops findings of patterns marked false positive (src/risk/policy-suppressions.ts). */
  findingFilter?: { filter(event: VigilEvent, findings: Finding[]): Finding[] };
  /** Intel lists, devices, peer groups handed to every detector (src/context/build.ts). */
  environment?: DetectorEnvironment;
}

export interface Analysis {
  findings: Finding[];
  /** Detector-only risk 0–100; the batch stage may raise it with model components. */
  risk: number;
  components: Record<string, number>;
  learned: boolean;
  /** What the environment says about this event (intel categories, device posture), for the policy. */
  facts?: EventFacts;
}

const NO_FINDINGS: Finding[] = [];

function detectorComponent(findings: readonly Finding[]): number {
  const severities = findings.map((finding) => finding.severity);
  return Math.round(noisyOr(severities) * 1000) / 1000;
}

export class Analyzer {
  constructor(
    readonly store: StateStore,
    readonly options: AnalyzerOptions,
  ) {}

  analyze(event: VigilEvent): Analysis {
    let findings =
      event.kind === 'auth'
        ? this.analyzeAuth(event)
        : event.kind === 'service'
          ? this.analyzeService(event)
          : this.analyzeAccount(event);
    if (this.options.findingFilter) findings = this.options.findingFilter.filter(event, findings);
    const components = { detectors: findings.length === 0 ? 0 : detectorComponent(findings) };
    const risk = fuseRisk(components, this.options.weights);
    const learned = risk < this.options.learnBelowRisk;
    // Device facts come from the device book as it stood before this event; then the book learns.
    const deviceFacts = event.kind === 'auth' ? this.observeDevice(event, learned) : undefined;
    if (learned) this.learn(event);
    // Remembered for account detectors: a privilege or MFA change right after a risky event weighs more.
    if (
      !learned ||
      (event.kind === 'auth' && (event.provider_risk === 'high' || event.provider_risk === 'medium'))
    ) {
      const state = this.store.get(event.identity);
      if (state && event.time > state.lastRiskyAt) state.lastRiskyAt = event.time;
    }
    const analysis: Analysis = { findings, risk, components, learned };
    if (deviceFacts) analysis.facts = { device: deviceFacts };
    const intel = intelFactOf(this.options.environment?.intel, event);
    if (intel) analysis.facts = { ...analysis.facts, intel };
    return analysis;
  }

  /** Updates the device baseline (when the environment keeps one) and returns the event's device facts. */
  private observeDevice(event: AuthEvent, learned: boolean): DeviceFacts | undefined {
    const devices = this.options.environment?.devices;
    if (!devices || !event.device) return undefined;
    const facts = deviceFacts(event, devices);
    devices.observe(event, learned);
    if (learned) {
      const state = this.store.get(event.identity)!;
      state.devicePosture ??= new IdentityPosture();
      state.devicePosture.learn(event);
    }
    return facts;
  }

  private analyzeAuth(event: Extract<VigilEvent, { kind: 'auth' }>): Finding[] {
    const state = this.store.obtain(event.identity, event.identity_type);
    const profile = this.store.authProfile(state);
    state.previousSeen = state.lastSeen;
    profile.track(event);
    if (event.outcome === 'failure' && event.src_ip && event.action === 'sign_in') {
      this.store.sources.recordFailure(event.src_ip, event.identity, event.time);
    }
    this.options.environment?.peers?.track(event, state, this.store);
    const context = { state, profile, sources: this.store.sources, environment: this.options.environment };
    let findings = NO_FINDINGS;
    for (const detector of this.options.authDetectors) {
      const finding = detector.inspect(event, context);
      if (finding) findings = findings === NO_FINDINGS ? [finding] : [...findings, finding];
    }
    this.options.features?.recordAuth(event, profile, this.options.environment?.intel);
    return findings;
  }

  private analyzeService(event: Extract<VigilEvent, { kind: 'service' }>): Finding[] {
    const state = this.store.obtain(event.identity, event.identity_type);
    const profile = this.store.serviceProfile(state);
    profile.track(event);
    this.options.environment?.peers?.track(event, state, this.store);
    const context = { state, profile, environment: this.options.environment };
    let findings = NO_FINDINGS;
    for (const detector of this.options.serviceDetectors) {
      const finding = detector.inspect(event, context);
      if (finding) findings = findings === NO_FINDINGS ? [finding] : [...findings, finding];
    }
    this.options.features?.recordService(event, profile);
    return findings;
  }

  private analyzeAccount(event: AccountEvent): Finding[] {
    const state = this.store.obtain(event.identity, event.identity_type);
    const profile = accountProfile(state);
    state.previousSeen = state.lastSeen;
    profile.trackReceived(event);
    let actorState: IdentityState | undefined;
    if (event.actor !== undefined) {
      actorState =
        event.actor === event.identity ? state : this.store.obtain(event.actor, event.actor_type ?? 'user');
      accountProfile(actorState).trackMade(event);
    }
    const context = {
      state,
      profile,
      actorState,
      actorProfile: actorState?.account,
      environment: this.options.environment,
    };
    let findings = NO_FINDINGS;
    for (const detector of this.options.accountDetectors ?? []) {
      const finding = detector.inspect(event, context);
      if (finding) findings = findings === NO_FINDINGS ? [finding] : [...findings, finding];
    }
    return findings;
  }

  private learn(event: VigilEvent): void {
    const state = this.store.get(event.identity)!;
    if (event.kind === 'auth') state.auth!.learn(event);
    else if (event.kind === 'service') state.service!.learn(event);
    else if (event.actor !== undefined) this.store.get(event.actor)?.account?.learnMade(event);
    this.options.environment?.peers?.learn(event, state, this.store);
  }
}

function accountProfile(state: IdentityState): AccountProfile {
  state.account ??= new AccountProfile();
  return state.account;
}
