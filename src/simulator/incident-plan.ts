/**
 * When attack incidents start and how large they are. Incidents are due by
 * progress through the event count, so they fall in the last 35% of the
 * timeline whatever the traffic rate: between 68% and 92% of `events`, each
 * scenario `perScenario` times, in shuffled order. Sizes are scaled (the
 * `intensity`) so that labelled events stay near 2% of the total at most.
 * With unbounded events, incidents start after about eight simulated days and
 * follow at a spacing that keeps the attack share near 1.5%.
 */
import type { ScenarioName } from './labels.js';
import type { ResolvedOptions } from './options.js';
import type { Random } from './random.js';
import { SCENARIO_REGISTRY } from './scenarios/index.js';

const FIRST_SHARE = 0.68;
const LAST_SHARE = 0.92;
const ATTACK_BUDGET_SHARE = 0.02;
const STREAMING_ATTACK_SHARE = 0.015;
const STREAMING_WARMUP_DAYS = 8;
const MAX_RETRIES = 8;

interface PendingIncident {
  scenario: ScenarioName;
  dueAt: number;
  retries: number;
}

const rangeTotals = (scenarios: readonly ScenarioName[]): { min: number; max: number } => {
  let min = 0;
  let max = 0;
  for (const name of scenarios) {
    min += SCENARIO_REGISTRY[name].eventRange[0];
    max += SCENARIO_REGISTRY[name].eventRange[1];
  }
  return { min, max };
};

/** Incidents of each scenario for a finite run: 2 at 20k events, growing with the square root beyond. */
export function incidentsPerScenario(events: number): number {
  if (events < 15_000) return 1;
  return Math.max(2, Math.round(Math.sqrt(events / 1000) / 2));
}

export class IncidentPlan {
  readonly intensity: number;
  private readonly pending: PendingIncident[] = [];
  private readonly occurrences = new Map<ScenarioName, number>();
  private cycle: ScenarioName[] = [];
  private readonly streamingGap: number;
  private launched = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly rng: Random,
  ) {
    const totals = rangeTotals(options.scenarios);
    if (Number.isFinite(options.events)) {
      const perScenario = incidentsPerScenario(options.events);
      const budget = ATTACK_BUDGET_SHARE * options.events;
      this.intensity = clamp01(
        (budget - perScenario * totals.min) / (perScenario * (totals.max - totals.min)),
      );
      this.streamingGap = 0;
      this.planFinite(perScenario);
    } else {
      this.intensity = 0.5;
      const meanIncident =
        (totals.min + (this.intensity / 2) * (totals.max - totals.min)) / options.scenarios.length;
      this.streamingGap = Math.round(meanIncident / STREAMING_ATTACK_SHARE);
      this.pending.push({
        scenario: this.nextInCycle(),
        dueAt: Math.round(options.eventsPerDay * STREAMING_WARMUP_DAYS),
        retries: 0,
      });
    }
  }

  /** The next scenario whose incident is due once `emitted` events have gone out, if any. */
  due(emitted: number): ScenarioName | undefined {
    const next = this.pending[0];
    return next !== undefined && emitted >= next.dueAt ? next.scenario : undefined;
  }

  /** Records the outcome of the due incident: counted when launched, retried a little later when not. */
  settle(emitted: number, launched: boolean): void {
    const incident = this.pending.shift()!;
    if (launched) {
      this.occurrences.set(incident.scenario, this.occurrence(incident.scenario) + 1);
      this.launched++;
    } else if (incident.retries < MAX_RETRIES) {
      const delay = Number.isFinite(this.options.events)
        ? this.options.events * 0.004
        : this.streamingGap / 4;
      this.insert({
        ...incident,
        dueAt: emitted + Math.max(1, Math.round(delay)),
        retries: incident.retries + 1,
      });
    }
    if (!Number.isFinite(this.options.events) && this.pending.length === 0) {
      const jitter = 0.5 + this.rng.float();
      this.insert({
        scenario: this.nextInCycle(),
        dueAt: emitted + Math.round(this.streamingGap * jitter),
        retries: 0,
      });
    }
  }

  /** How many incidents of `scenario` were launched before. */
  occurrence(scenario: ScenarioName): number {
    return this.occurrences.get(scenario) ?? 0;
  }

  /** Incident id for the next launch, e.g. `inc-0007`. */
  nextIncidentId(): string {
    return `inc-${String(this.launched + 1).padStart(4, '0')}`;
  }

  private planFinite(perScenario: number): void {
    const order = this.rng.shuffled(
      this.options.scenarios.flatMap((name) => Array.from({ length: perScenario }, () => name)),
    );
    const step = (LAST_SHARE - FIRST_SHARE) / order.length;
    order.forEach((scenario, i) => {
      const share = FIRST_SHARE + step * (i + this.rng.float());
      this.pending.push({ scenario, dueAt: Math.round(share * this.options.events), retries: 0 });
    });
  }

  private nextInCycle(): ScenarioName {
    if (this.cycle.length === 0) this.cycle = this.rng.shuffled(this.options.scenarios);
    return this.cycle.shift()!;
  }

  private insert(incident: PendingIncident): void {
    let index = this.pending.findIndex((other) => other.dueAt > incident.dueAt);
    if (index < 0) index = this.pending.length;
    this.pending.splice(index, 0, incident);
  }
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
