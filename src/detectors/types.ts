/**
 * The detector contract. A detector looks at one event and the identity's
 * baseline as it was before this event taught it anything, and either stays
 * quiet or returns a Finding: a severity in [0, 1], a one-line explanation,
 * and the evidence an analyst needs to check it. Detectors never mutate state;
 * the engine tracks and learns around them.
 */
import type { TObject } from '@sinclair/typebox';
import type { AccountProfile } from '../baseline/account-profile.js';
import type { AuthProfile } from '../baseline/auth-profile.js';
import type { IdentityState } from '../baseline/identity-state.js';
import type { ServiceProfile } from '../baseline/service-profile.js';
import type { SourceTracker } from '../baseline/source-tracker.js';
import type { DetectorEnvironment } from '../context/environment.js';
import type { AccountEvent, AuthEvent, EventKind, ServiceEvent } from '../events/schema.js';

export interface Finding {
  detector: string;
  /** 0..1; the risk stage turns it into points. */
  severity: number;
  /** One sentence an analyst can read without the evidence. */
  summary: string;
  evidence: Record<string, unknown>;
  /** Earlier events that belong to the same finding (the current event is implied). */
  relatedEventIds?: string[];
  /**
   * Set when one incident spans identities (a spray from one address): alerts
   * are then suppressed per detector and key rather than per identity, so the
   * incident yields one alert while every targeted identity still carries the risk.
   */
  incidentKey?: string;
}

export interface AuthContext {
  state: IdentityState;
  profile: AuthProfile;
  sources: SourceTracker;
  /** Intel lists, devices, peer groups (src/context/environment.ts); absent in bare unit tests. */
  environment?: DetectorEnvironment;
}

export interface ServiceContext {
  state: IdentityState;
  profile: ServiceProfile;
  environment?: DetectorEnvironment;
}

export interface AuthDetector {
  readonly name: string;
  readonly kind: 'auth';
  inspect(event: AuthEvent, context: AuthContext): Finding | undefined;
}

export interface ServiceDetector {
  readonly name: string;
  readonly kind: 'service';
  inspect(event: ServiceEvent, context: ServiceContext): Finding | undefined;
}

/**
 * An account change seen from both sides: the target's state and account
 * profile, and the actor's (the same objects when an identity changes itself;
 * undefined when the source names no actor).
 */
export interface AccountContext {
  state: IdentityState;
  profile: AccountProfile;
  actorState: IdentityState | undefined;
  actorProfile: AccountProfile | undefined;
  environment?: DetectorEnvironment;
}

export interface AccountDetector {
  readonly name: string;
  readonly kind: 'account';
  inspect(event: AccountEvent, context: AccountContext): Finding | undefined;
}

export type Detector = AuthDetector | ServiceDetector | AccountDetector;

/**
 * How a detector is registered: its name, what it looks at, its parameters as a
 * TypeBox object schema whose members all carry a `default` (the pipeline YAML
 * overrides them by name), and a factory.
 */
export interface DetectorDefinition<Params = Record<string, unknown>> {
  readonly name: string;
  readonly kind: EventKind;
  readonly description: string;
  readonly params: TObject;
  create(params: Params): Detector;
}

/** Rounds a severity to 3 decimals and clamps it to [0, 1] so outputs stay byte-stable. */
export const severity = (value: number): number => Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
