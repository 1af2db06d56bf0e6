/**
 * Ground truth for labelled replays: the simulator's `FILE.labels.ndjson`
 * (one line per attack event: event_id, scenario, incident), and the
 * detection report computed from it and a replay's alerts and scores.
 */
import { existsSync } from 'node:fs';
import { readLines } from '../sources/file.js';

export interface EventLabel {
  scenario: string;
  incident: string;
}

export async function readLabels(path: string): Promise<Map<string, EventLabel>> {
  const labels = new Map<string, EventLabel>();
  if (!existsSync(path)) return labels;
  for await (const line of readLines(path)) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { event_id: string; scenario: string; incident: string };
    labels.set(row.event_id, { scenario: row.scenario, incident: row.incident });
  }
  return labels;
}

export interface ScenarioDetection {
  incidents: number;
  detected: number;
  rate: number;
  /** Alert kinds that caught incidents of this scenario. */
  by: Record<string, number>;
  /** ROC AUC of per-event risk: this scenario's events against all normal events. */
  riskAuc?: number;
  /** The same for each model component present (e.g. `iforest`). */
  componentAuc?: Record<string, number>;
}

export interface DetectionReport {
  scenarios: Record<string, ScenarioDetection>;
  incidents: number;
  detectedIncidents: number;
  alerts: number;
  /** Alerts none of whose events is labelled as an attack. */
  falseAlerts: number;
  normalEvents: number;
  /** False alerts per 1,000 normal events. */
  falseAlertsPer1k: number;
  /** ROC AUC of per-event risk against attack labels (NaN without both classes). */
  riskAuc: number;
  /**
   * ROC AUC of each model component alone (e.g. `iforest`), over the events
   * that carry it; the `detectors` component is left out (risk covers it).
   */
  componentAuc?: Record<string, number>;
}

/**
 * ROC AUC by the rank-sum (Mann–Whitney U) statistic, ties counted half.
 * `scores[i]` belongs to `positive[i]`.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPositive = 0;
  let positives = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]]) {
        rankSumPositive += averageRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Accumulates alerts and per-event risks of a replay, then reports against the labels. */
export class DetectionTally {
  private readonly detectedIncidents = new Map<string, Set<string>>();
  private alerts = 0;
  private falseAlerts = 0;
  private risks: number[] = [];
  private positives: number[] = [];
  /** Scenario of each scored event ('' = normal), for per-scenario AUC. */
  private scenarioOf: string[] = [];
  /** Per model component: its value per scored event (NaN where the event lacks it). */
  private components = new Map<string, number[]>();

  constructor(private readonly labels: Map<string, EventLabel>) {}

  addScore(eventId: string, risk: number, components?: Readonly<Record<string, number>>): void {
    const index = this.risks.length;
    this.risks.push(risk);
    const label = this.labels.get(eventId);
    this.positives.push(label ? 1 : 0);
    this.scenarioOf.push(label?.scenario ?? '');
    if (!components) return;
    for (const name in components) {
      if (name === 'detectors') continue;
      let values = this.components.get(name);
      if (!values) {
        values = new Array<number>(index).fill(Number.NaN);
        this.components.set(name, values);
      }
      values[index] = components[name];
    }
  }

  /** ROC AUC of `values` over events selected by `keep` (events lacking the value are left out). */
  private aucWhere(values: readonly number[], keep: (i: number) => boolean): number {
    const scores: number[] = [];
    const positive: number[] = [];
    for (let i = 0; i < this.risks.length; i++) {
      const value = values[i];
      if (value === undefined || Number.isNaN(value) || !keep(i)) continue;
      scores.push(value);
      positive.push(this.positives[i]);
    }
    return rocAuc(scores, positive);
  }

  private scenarioAucs(scenario: string): Pick<ScenarioDetection, 'riskAuc' | 'componentAuc'> {
    const keep = (i: number) => this.scenarioOf[i] === '' || this.scenarioOf[i] === scenario;
    const out: Pick<ScenarioDetection, 'riskAuc' | 'componentAuc'> = {
      riskAuc: this.aucWhere(this.risks, keep),
    };
    if (this.components.size > 0) {
      out.componentAuc = {};
      for (const [name, values] of this.components) out.componentAuc[name] = this.aucWhere(values, keep);
    }
    return out;
  }

  addAlert(kind: string, eventIds: readonly string[]): void {
    this.alerts += 1;
    let matched = false;
    for (const id of eventIds) {
      const label = this.labels.get(id);
      if (!label) continue;
      matched = true;
      const kinds = this.detectedIncidents.get(label.incident) ?? new Set<string>();
      this.detectedIncidents.set(label.incident, kinds.add(kind));
    }
    if (!matched) this.falseAlerts += 1;
  }

  report(): DetectionReport {
    const incidentsByScenario = new Map<string, Set<string>>();
    for (const label of this.labels.values()) {
      const set = incidentsByScenario.get(label.scenario) ?? new Set<string>();
      incidentsByScenario.set(label.scenario, set.add(label.incident));
    }
    const scenarios: Record<string, ScenarioDetection> = {};
    let incidents = 0;
    let detected = 0;
    for (const [scenario, set] of [...incidentsByScenario].sort(([a], [b]) => a.localeCompare(b))) {
      const row: ScenarioDetection = { incidents: set.size, detected: 0, rate: 0, by: {} };
      for (const incident of set) {
        const kinds = this.detectedIncidents.get(incident);
        if (!kinds) continue;
        row.detected += 1;
        for (const kind of kinds) row.by[kind] = (row.by[kind] ?? 0) + 1;
      }
      row.rate = row.incidents === 0 ? 0 : row.detected / row.incidents;
      Object.assign(row, this.scenarioAucs(scenario));
      scenarios[scenario] = row;
      incidents += row.incidents;
      detected += row.detected;
    }
    const normalEvents = this.positives.length - this.positives.reduce((a, b) => a + b, 0);
    let componentAuc: Record<string, number> | undefined;
    for (const [name, values] of this.components) {
      componentAuc ??= {};
      componentAuc[name] = this.aucWhere(values, () => true);
    }
    return {
      ...(componentAuc ? { componentAuc } : {}),
      scenarios,
      incidents,
      detectedIncidents: detected,
      alerts: this.alerts,
      falseAlerts: this.falseAlerts,
      normalEvents,
      falseAlertsPer1k: normalEvents === 0 ? 0 : (this.falseAlerts / normalEvents) * 1000,
      riskAuc: rocAuc(this.risks, this.positives),
    };
  }
}
