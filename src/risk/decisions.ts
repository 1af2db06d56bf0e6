/**
 * The response stage, run for every analysed event after alerts: folds the
 * event's risk into the identity's accumulated risk, asks the policy which
 * rule (if any) decides, applies cool-downs, and records the decision; a
 * decision that is enforced (not dry-run, not allowlisted, not `allow`) and
 * every reportable change of the identity's risk level become signals via
 * the injected SignalFactory.
 *
 * Decision ids are content-derived: identity, rule, action and the cool-down
 * window the decision falls in (two decisions of one rule for one identity are
 * at least a cool-down apart, so they never share a window). Re-processing the
 * same events after a crash yields the same decision and the same SET jti.
 * Never does I/O.
 */
import { createHash } from 'node:crypto';
import type { IdentityState } from '../baseline/identity-state.js';
import type { EventFacts } from '../context/environment.js';
import type { Finding } from '../detectors/types.js';
import type { BatchOutput } from '../engine/types.js';
import type { IdentityType, VigilEvent } from '../events/schema.js';
import { type AccumulatorSettings, accumulate, levelRank, type RiskLevel } from './accumulator.js';
import { applicationOf, type Policy, type PolicyRule } from './policy.js';
import type { PolicyAction } from './policy-config.js';
import { patternAttribute } from './policy-suppressions.js';

export type DecisionMode = 'enforce' | 'dry_run' | 'allowlisted';

export interface DecisionRecord {
  id: string;
  /** Event time of the deciding event (epoch ms). */
  time: number;
  identity: string;
  identity_type: IdentityType;
  rule: string;
  action: PolicyAction;
  mode: DecisionMode;
  /** Accumulated risk level after the deciding event, and before it. */
  level: RiskLevel;
  previous_level: RiskLevel;
  /** Accumulated risk 0–100 after the deciding event. */
  score: number;
  event_id: string;
  event_risk: number;
  detectors: string[];
  reason: string;
  /** How long an enforcement point should hold the action (ms). */
  hold_ms: number;
  session_id?: string;
  device_id?: string;
  application?: string;
  /** jti of each SET this decision produced (none unless enforced). */
  signals: string[];
  /** Risk components of the deciding event (detectors, iforest, lstm), as fused into event_risk. */
  components: Record<string, number>;
  /** Alerts the deciding event raised (the same batch). */
  alert_ids: string[];
  /** Hash of the policy and risk settings that decided (src/risk/policy.ts `Policy.version`). */
  policy_version: string;
  /** Who decided: `engine`, or the role of the analyst who acted through the API. */
  actor: string;
}

/** Rules of analyst actions (POST /api/identities/:id/revoke and /reset). */
export const MANUAL_REVOKE_RULE = 'manual_revoke';
export const MANUAL_RESET_RULE = 'manual_reset';

/** An analyst's action on an identity, applied by the engine between batches (src/engine/inbox.ts). */
export interface ManualAction {
  identity: string;
  action: 'revoke' | 'reset';
  /** Role of the analyst (actor). */
  by: string;
  reason?: string;
  /** Wall-clock epoch ms of the request. */
  time: number;
  /** How long the check endpoint holds a manual revoke (ms). */
  holdMs: number;
}

/** A SET ready for the signals stream: unsigned payload, keyed by subject. */
export interface SignalRecord {
  jti: string;
  /** Partitioning key (the subject identity). */
  key: string;
  event_type: string;
  decision_id?: string;
  set: Record<string, unknown>;
}

export const CAEP_RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type CaepRiskLevel = (typeof CAEP_RISK_LEVELS)[number];

/** CAEP risk-level-change has three levels: none/low → LOW, medium → MEDIUM, high/critical → HIGH. */
export function caepRiskLevel(level: RiskLevel): CaepRiskLevel {
  const rank = levelRank(level);
  return rank >= levelRank('high') ? 'HIGH' : rank === levelRank('medium') ? 'MEDIUM' : 'LOW';
}

export interface RiskLevelChange {
  identity: string;
  identity_type: IdentityType;
  time: number;
  current: CaepRiskLevel;
  previous: CaepRiskLevel;
  score: number;
  reason: string;
  event_id: string;
}

export interface SignalFactory {
  forDecision(decision: DecisionRecord, event: VigilEvent): SignalRecord[];
  forRiskLevelChange(change: RiskLevelChange, event: VigilEvent): SignalRecord;
}

export interface ResponseOptions {
  accumulator: AccumulatorSettings;
  policy: Policy;
  riskLevelChanges: { enabled: boolean; minLevel: 'MEDIUM' | 'HIGH' };
  /** Absent: decisions are recorded but no SETs are built. */
  signals?: SignalFactory;
}

export const decisionId = (identity: string, rule: string, action: string, window: string): string =>
  createHash('sha256')
    .update(`${identity}\u0000${rule}\u0000${action}\u0000${window}`)
    .digest('hex')
    .slice(0, 32);

const NO_DETECTORS: string[] = [];
const NO_ALERTS: readonly string[] = [];

export class ResponseStage {
  constructor(readonly options: ResponseOptions) {}

  respond(
    event: VigilEvent,
    analysis: {
      risk: number;
      findings: readonly Finding[];
      facts?: EventFacts;
      components?: Record<string, number>;
    },
    state: IdentityState,
    output: BatchOutput,
  ): void {
    const alertIds = annotateAlerts(event, output);
    const previous = state.risk;
    const previousLevel = previous?.level ?? 'none';
    const risk = accumulate(previous, analysis.risk, event.time, this.options.accumulator);
    state.risk = risk;
    const detectors =
      analysis.findings.length === 0 ? NO_DETECTORS : analysis.findings.map((finding) => finding.detector);
    if (risk.level !== previousLevel)
      this.levelChanged(event, previousLevel, risk.level, risk.score, detectors, output);
    const rule = this.options.policy.match({
      event,
      detectors,
      eventRisk: analysis.risk,
      level: risk.level,
      facts: analysis.facts,
    });
    if (!rule) return;
    const mode: DecisionMode = this.options.policy.isAllowlisted(event.identity)
      ? 'allowlisted'
      : rule.dryRun
        ? 'dry_run'
        : 'enforce';
    const memoryKey = mode === 'enforce' ? rule.action : `${mode}:${rule.name}`;
    if (state.decidedWithin(memoryKey, event.time, rule.cooldownMs)) return;
    state.recordDecision(memoryKey, event.time);
    const decision = this.decision(
      event,
      rule,
      mode,
      risk.score,
      risk.level,
      previousLevel,
      analysis.risk,
      detectors,
    );
    decision.components = { ...analysis.components };
    decision.alert_ids = [...alertIds];
    output.decisions ??= [];
    output.decisions.push(decision);
    if (mode !== 'enforce' || rule.action === 'allow' || !this.options.signals) return;
    const signals = this.options.signals.forDecision(decision, event);
    for (const signal of signals) decision.signals.push(signal.jti);
    output.signals ??= [];
    output.signals.push(...signals);
  }

  /**
   * An analyst's revoke or reset, applied in the engine's order between
   * batches. Revoke: an enforced revoke_sessions decision with its SETs (the
   * check endpoint holds it for `holdMs`). Reset: the identity's accumulated
   * risk, alert and decision memory are cleared, holds are lifted, and a
   * risk-level-change to LOW goes out when the level was reportable. Returns
   * false when the engine does not know the identity.
   */
  manual(action: ManualAction, state: IdentityState | undefined, output: BatchOutput): boolean {
    if (!state) return false;
    const reset = action.action === 'reset';
    const previousLevel = state.risk?.level ?? 'none';
    const rule = reset ? MANUAL_RESET_RULE : MANUAL_REVOKE_RULE;
    const policyAction: PolicyAction = reset ? 'allow' : 'revoke_sessions';
    const decision: DecisionRecord = {
      id: decisionId(action.identity, rule, policyAction, `${action.by}:${action.time}`),
      time: action.time,
      identity: action.identity,
      identity_type: state.type,
      rule,
      action: policyAction,
      mode: 'enforce',
      level: reset ? 'none' : previousLevel,
      previous_level: previousLevel,
      score: reset ? 0 : (state.risk?.score ?? 0),
      event_id: '',
      event_risk: 0,
      detectors: [],
      reason: `${rule} by ${action.by}${action.reason ? `: ${action.reason}` : ''}`,
      hold_ms: reset ? 0 : action.holdMs,
      signals: [],
      components: {},
      alert_ids: [],
      policy_version: this.options.policy.version,
      actor: action.by,
    };
    output.decisions ??= [];
    output.decisions.push(decision);
    if (reset) {
      state.risk = undefined;
      state.lastDecisionAt = undefined;
      state.lastAlertAt = undefined;
      state.lastRiskyAt = 0;
      if (previousLevel !== 'none') {
        const marker = {
          id: decision.id,
          time: action.time,
          identity: action.identity,
          identity_type: state.type,
        } as VigilEvent;
        this.levelChanged(marker, previousLevel, 'none', 0, ['ANALYST_RESET'], output);
      }
      return true;
    }
    if (!this.options.signals) return true;
    const signals = this.options.signals.forDecision(decision, {
      id: decision.id,
      time: action.time,
      identity: action.identity,
      identity_type: state.type,
    } as VigilEvent);
    for (const signal of signals) decision.signals.push(signal.jti);
    output.signals ??= [];
    output.signals.push(...signals);
    return true;
  }

  private decision(
    event: VigilEvent,
    rule: PolicyRule,
    mode: DecisionMode,
    score: number,
    level: RiskLevel,
    previousLevel: RiskLevel,
    eventRisk: number,
    detectors: string[],
  ): DecisionRecord {
    const window = rule.cooldownMs > 0 ? String(Math.floor(event.time / rule.cooldownMs)) : event.id;
    const application = applicationOf(event);
    const decision: DecisionRecord = {
      id: decisionId(event.identity, rule.name, rule.action, window),
      time: event.time,
      identity: event.identity,
      identity_type: event.identity_type,
      rule: rule.name,
      action: rule.action,
      mode,
      level,
      previous_level: previousLevel,
      score,
      event_id: event.id,
      event_risk: eventRisk,
      detectors: [...detectors],
      reason: describe(rule, level, score, detectors, application),
      hold_ms: rule.holdMs,
      signals: [],
      components: {},
      alert_ids: [],
      policy_version: this.options.policy.version,
      actor: 'engine',
    };
    if (event.kind === 'auth') {
      if (event.session_id) decision.session_id = event.session_id;
      if (event.device?.id) decision.device_id = event.device.id;
    }
    if (application) decision.application = application;
    return decision;
  }

  private levelChanged(
    event: VigilEvent,
    before: RiskLevel,
    after: RiskLevel,
    score: number,
    detectors: readonly string[],
    output: BatchOutput,
  ): void {
    const settings = this.options.riskLevelChanges;
    if (!settings.enabled || !this.options.signals) return;
    const previous = caepRiskLevel(before);
    const current = caepRiskLevel(after);
    if (previous === current) return;
    const minRank = CAEP_RISK_LEVELS.indexOf(settings.minLevel);
    if (Math.max(CAEP_RISK_LEVELS.indexOf(previous), CAEP_RISK_LEVELS.indexOf(current)) < minRank) return;
    const change: RiskLevelChange = {
      identity: event.identity,
      identity_type: event.identity_type,
      time: event.time,
      current,
      previous,
      score,
      event_id: event.id,
      reason: detectors.length > 0 ? detectors.join(',').toUpperCase() : 'RISK_DECAYED',
    };
    output.signals ??= [];
    output.signals.push(this.options.signals.forRiskLevelChange(change, event));
  }
}

/**
 * Gives this event's alerts (the last ones raised) what analyst feedback needs
 * to suppress and learn; returns their ids (oldest first).
 */
function annotateAlerts(event: VigilEvent, output: BatchOutput): readonly string[] {
  let first = output.alerts.length;
  for (let i = output.alerts.length - 1; i >= 0; i--) {
    const alert = output.alerts[i];
    if (alert.event_ids[alert.event_ids.length - 1] !== event.id || alert.feedback) break;
    alert.feedback = { attribute: patternAttribute(alert.kind, event), event };
    first = i;
  }
  return first === output.alerts.length ? NO_ALERTS : output.alerts.slice(first).map((alert) => alert.id);
}

function describe(
  rule: PolicyRule,
  level: RiskLevel,
  score: number,
  detectors: readonly string[],
  application: string | undefined,
): string {
  const found = detectors.length > 0 ? `; detectors: ${detectors.join(', ')}` : '';
  const app = application ? `; application: ${application}` : '';
  return `${rule.name} → ${rule.action}: identity risk ${level} (${score})${found}${app}`;
}
