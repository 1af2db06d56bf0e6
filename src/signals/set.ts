/**
 * Builds Security Event Tokens (RFC 8417) as profiled by the OpenID Shared
 * Signals Framework 1.0 (SSF), with CAEP 1.0 and RISC 1.0 event types, from
 * policy decisions and risk-level changes. Payloads only: signing happens at
 * delivery (src/signals/keys.ts, push.ts). Deterministic: `iat` and
 * `event_timestamp` are the deciding event's time and `jti` derives from the
 * decision id, so re-processing the same input yields the same SET.
 *
 * SSF: the subject is the top-level `sub_id` (an SSF subject identifier),
 * never `sub`; no `exp`; exactly one event per SET; `txn` correlates the SETs
 * one originating event produced (here: that event's id).
 */
import { createHash } from 'node:crypto';
import type { VigilEvent } from '../events/schema.js';
import type { DecisionRecord, RiskLevelChange, SignalFactory, SignalRecord } from '../risk/decisions.js';

export const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
export const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

export const EVENT_TYPES = {
  sessionRevoked: `${CAEP}session-revoked`,
  assuranceLevelChange: `${CAEP}assurance-level-change`,
  riskLevelChange: `${CAEP}risk-level-change`,
  credentialChange: `${CAEP}credential-change`,
  deviceComplianceChange: `${CAEP}device-compliance-change`,
  accountDisabled: `${RISC}account-disabled`,
  credentialCompromise: `${RISC}credential-compromise`,
} as const;

export type SubjectId = Record<string, unknown> & { format: string };

export interface SetPayload {
  iss: string;
  jti: string;
  iat: number;
  aud: string | string[];
  txn: string;
  sub_id: SubjectId;
  events: Record<string, Record<string, unknown>>;
}

export interface SetSettings {
  /** `iss` of every SET: this transmitter. */
  issuer: string;
  /** `aud` of SETs on the signals stream (push rewrites it per receiver). */
  audience: string;
  /** Issuer used for `iss_sub` subjects (identities that are not email addresses). */
  subjectIssuer: string;
  /** Assurance levels a step-up SET announces (CAEP assurance-level-change). */
  stepUp: { namespace: string; currentLevel: string; previousLevel: string };
  /** credential_type of credential-change / credential-compromise SETs for disable_credentials. */
  credentialType: string;
}

export const DEFAULT_SET_SETTINGS: SetSettings = {
  issuer: 'https://vigil.example.com/',
  audience: 'urn:vigil:signals',
  subjectIssuer: 'https://idp.example.com/',
  stepUp: { namespace: 'NIST-AAL', currentLevel: 'nist-aal1', previousLevel: 'nist-aal2' },
  credentialType: 'password',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

export const jtiFor = (seed: string, eventType: string): string =>
  createHash('sha256').update(`${seed}\u0000${eventType}`).digest('hex').slice(0, 32);

/** SSF simple subject for an identity: `uri` for workloads (SPIFFE ids), `email` where it is one, else `iss_sub`. */
export function identitySubject(identity: string, identityType: string, settings: SetSettings): SubjectId {
  if (identityType === 'workload') {
    return URI.test(identity) ? { format: 'uri', uri: identity } : { format: 'opaque', id: identity };
  }
  if (EMAIL.test(identity)) return { format: 'email', email: identity };
  return { format: 'iss_sub', iss: settings.subjectIssuer, sub: identity };
}

/** A complex subject (user + session + device) when the deciding event names a session or device. */
export function decisionSubject(decision: DecisionRecord, settings: SetSettings): SubjectId {
  const base = identitySubject(decision.identity, decision.identity_type, settings);
  if (decision.identity_type === 'workload' || (!decision.session_id && !decision.device_id)) return base;
  const subject: SubjectId = { format: 'complex', user: base };
  if (decision.session_id) subject.session = { format: 'opaque', id: decision.session_id };
  if (decision.device_id) subject.device = { format: 'opaque', id: decision.device_id };
  return subject;
}

/**
 * The subject of a device decision: a complex subject naming the device (and
 * the user whose event implicated it), as in the CAEP device-compliance-change
 * examples; undefined when the decision names no device.
 */
export function deviceSubject(decision: DecisionRecord, settings: SetSettings): SubjectId | undefined {
  if (!decision.device_id) return undefined;
  return {
    format: 'complex',
    device: { format: 'opaque', id: decision.device_id },
    user: identitySubject(decision.identity, decision.identity_type, settings),
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export class SetBuilder implements SignalFactory {
  constructor(readonly settings: SetSettings = DEFAULT_SET_SETTINGS) {}

  forDecision(decision: DecisionRecord, _event: VigilEvent): SignalRecord[] {
    const common = {
      event_timestamp: seconds(decision.time),
      initiating_entity: 'policy',
      reason_admin: { en: decision.reason },
    };
    const subject = decisionSubject(decision, this.settings);
    const plain = identitySubject(decision.identity, decision.identity_type, this.settings);
    switch (decision.action) {
      case 'revoke_sessions':
        return [this.record(decision, EVENT_TYPES.sessionRevoked, subject, common)];
      case 'step_up': {
        const { namespace, currentLevel, previousLevel } = this.settings.stepUp;
        return [
          this.record(decision, EVENT_TYPES.assuranceLevelChange, subject, {
            namespace,
            current_level: currentLevel,
            previous_level: previousLevel,
            change_direction: 'decrease',
            ...common,
          }),
        ];
      }
      case 'disable_credentials':
        return [
          this.record(decision, EVENT_TYPES.credentialChange, plain, {
            credential_type: this.settings.credentialType,
            change_type: 'revoke',
            ...common,
          }),
          this.record(decision, EVENT_TYPES.credentialCompromise, plain, {
            credential_type: this.settings.credentialType,
            ...common,
          }),
        ];
      case 'quarantine_device': {
        const device = deviceSubject(decision, this.settings);
        if (!device) return [];
        // Vigil's verdict: the device no longer meets policy, whatever it reported before.
        return [
          this.record(decision, EVENT_TYPES.deviceComplianceChange, device, {
            previous_status: 'compliant',
            current_status: 'not-compliant',
            ...common,
          }),
        ];
      }
      case 'quarantine_workload':
        return [
          this.record(decision, EVENT_TYPES.sessionRevoked, plain, common),
          this.record(decision, EVENT_TYPES.accountDisabled, plain, { reason: 'hijacking', ...common }),
        ];
      default:
        return [];
    }
  }

  forRiskLevelChange(change: RiskLevelChange, _event: VigilEvent): SignalRecord {
    const seed = `${change.identity}\u0000risk-level-change\u0000${change.event_id}`;
    const jti = jtiFor(seed, EVENT_TYPES.riskLevelChange);
    const set = this.payload(
      jti,
      change.time,
      change.event_id,
      identitySubject(change.identity, change.identity_type, this.settings),
      EVENT_TYPES.riskLevelChange,
      {
        principal: change.identity_type === 'workload' ? 'WORKLOAD' : 'USER',
        current_level: change.current,
        previous_level: change.previous,
        risk_reason: change.reason,
        event_timestamp: seconds(change.time),
        initiating_entity: 'policy',
        reason_admin: {
          en: `accumulated identity risk ${change.score}: ${change.previous} → ${change.current}`,
        },
      },
    );
    return {
      jti,
      key: change.identity,
      event_type: EVENT_TYPES.riskLevelChange,
      set: set as unknown as Record<string, unknown>,
    };
  }

  private record(
    decision: DecisionRecord,
    eventType: string,
    subject: SubjectId,
    claims: Record<string, unknown>,
  ): SignalRecord {
    const jti = jtiFor(decision.id, eventType);
    const set = this.payload(jti, decision.time, decision.event_id, subject, eventType, claims);
    return {
      jti,
      key: decision.identity,
      event_type: eventType,
      decision_id: decision.id,
      set: set as unknown as Record<string, unknown>,
    };
  }

  private payload(
    jti: string,
    time: number,
    txn: string,
    subject: SubjectId,
    eventType: string,
    claims: Record<string, unknown>,
  ): SetPayload {
    return {
      iss: this.settings.issuer,
      jti,
      iat: seconds(time),
      aud: this.settings.audience,
      txn,
      sub_id: subject,
      events: { [eventType]: claims },
    };
  }
}
