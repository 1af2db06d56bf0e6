/**
 * The LSTM as a batch scorer. Each auth or service event is one step of its
 * identity's sequence: the step consumes the identity's previous token (BOS
 * at the start) with the event's context, advances the identity's (h, c),
 * and reads back the surprise (−log p) of the event's own token and the top-k
 * tokens the model expected. All identities of a batch advance together in
 * ONE batched step per round; an identity with several events in the batch
 * takes them in order, one per round. The component `lstm` is the surprise's
 * calibrated percentile among training surprises; at or above
 * `alertPercentile` an `lstm_sequence_anomaly` finding names the observed
 * action and the expected ones.
 *
 * State lives in IdentityState.sequence (snapshotted with the state store)
 * and is tied to the model version: a state from another model restarts the
 * sequence. Account events are not part of the language and are skipped.
 */
import type { SequenceState } from '../../baseline/sequence-state.js';
import { SequenceState as SequenceStateClass } from '../../baseline/sequence-state.js';
import type { StateStore } from '../../baseline/state-store.js';
import { type Finding, severity } from '../../detectors/types.js';
import type { Analysis } from '../../engine/analyzer.js';
import type { BatchScorer } from '../../engine/batch-processor.js';
import type { VigilEvent } from '../../events/schema.js';
import type { LstmModel } from './model.js';
import { allocateStepInput, type LstmStep, type StepInput } from './step.js';
import { actionToken, BOS_ID, DEVICE_MEMORY, writeContext } from './tokens.js';

export const LSTM_COMPONENT = 'lstm';
export const LSTM_FINDING = 'lstm_sequence_anomaly';

export interface LstmScorerOptions {
  /** Calibrated percentile (0..1) at or above which a finding is raised. */
  alertPercentile: number;
}

export class LstmScorer implements BatchScorer {
  readonly name = LSTM_COMPONENT;
  private input: StepInput;
  private capacity = 0;
  /** Per event of the current batch: its round (occurrence index of its identity), -1 = skipped. */
  private rounds = new Int32Array(0);
  private rowEvents = new Int32Array(0);
  private readonly units: number;
  private readonly contextSize: number;

  constructor(
    readonly model: LstmModel,
    readonly step: LstmStep,
    private readonly store: StateStore,
    readonly options: LstmScorerOptions,
  ) {
    this.units = model.weights.shape.units;
    this.contextSize = model.weights.shape.contextSize;
    this.input = allocateStepInput(0, this.units, this.contextSize);
  }

  /** Which serving backend is active: 'onnxruntime' or 'tfjs-<backend>'. */
  get servingBackend(): string {
    return this.step.backend;
  }

  score(events: readonly VigilEvent[], analyses: readonly Analysis[]): void {
    if (this.step.ready === false) return;
    const maxRound = this.assignRounds(events);
    for (let round = 0; round <= maxRound; round++) this.stepRound(round, events, analyses);
  }

  async beforeBatch(): Promise<void> {
    await this.step.loaded;
  }

  async close(): Promise<void> {
    this.step.close();
  }

  private assignRounds(events: readonly VigilEvent[]): number {
    if (this.rounds.length < events.length) {
      this.rounds = new Int32Array(events.length);
      this.rowEvents = new Int32Array(events.length);
    }
    const seen = new Map<string, number>();
    let maxRound = -1;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.kind !== 'auth' && event.kind !== 'service') {
        this.rounds[i] = -1;
        continue;
      }
      const round = seen.get(event.identity) ?? 0;
      seen.set(event.identity, round + 1);
      this.rounds[i] = round;
      if (round > maxRound) maxRound = round;
    }
    return maxRound;
  }

  private stepRound(round: number, events: readonly VigilEvent[], analyses: readonly Analysis[]): void {
    const { units, contextSize } = this;
    let n = 0;
    for (let i = 0; i < events.length; i++) if (this.rounds[i] === round) n++;
    this.ensureCapacity(n);
    const input = this.input;
    const states: SequenceState[] = new Array(n);
    let row = 0;
    for (let i = 0; i < events.length; i++) {
      if (this.rounds[i] !== round) continue;
      const event = events[i];
      const state = this.sequenceOf(event);
      states[row] = state;
      this.rowEvents[row] = i;
      input.ids[row] = state.lastToken;
      input.nextIds[row] = this.model.vocabulary.idOf(actionToken(event, state));
      writeContext(event.time, state, input.context, row * contextSize);
      input.h.set(state.h, row * units);
      input.c.set(state.c, row * units);
      row++;
    }
    const out = this.step.step(n, input);
    const k = this.step.topK;
    for (let r = 0; r < n; r++) {
      const state = states[r];
      state.h.set(out.h.subarray(r * units, (r + 1) * units));
      state.c.set(out.c.subarray(r * units, (r + 1) * units));
      state.lastToken = input.nextIds[r];
      const eventIndex = this.rowEvents[r];
      const percentile = round3(this.model.calibration.cdf(out.surprise[r]));
      const analysis = analyses[eventIndex];
      analysis.components[LSTM_COMPONENT] = percentile;
      if (percentile >= this.options.alertPercentile) {
        const expected = out.expectedIds.subarray(r * k, (r + 1) * k);
        const logp = out.expectedLogp.subarray(r * k, (r + 1) * k);
        analysis.findings = [
          ...analysis.findings,
          this.finding(events[eventIndex], input.nextIds[r], out.surprise[r], percentile, expected, logp),
        ];
      }
    }
  }

  private finding(
    event: VigilEvent,
    observedId: number,
    surprise: number,
    percentile: number,
    expectedIds: Int32Array,
    expectedLogp: Float32Array,
  ): Finding {
    const vocabulary = this.model.vocabulary;
    const observed = vocabulary.nameOf(observedId);
    const expected = [...expectedIds].map((id, j) => ({
      action: vocabulary.nameOf(id),
      probability: round3(Math.exp(expectedLogp[j])),
    }));
    const threshold = this.options.alertPercentile;
    const excess = threshold >= 1 ? 1 : (percentile - threshold) / (1 - threshold);
    return {
      detector: LSTM_FINDING,
      severity: severity(0.55 + 0.35 * excess),
      summary: `${event.identity} did "${observed}" where its sequence model expected ${expected
        .map((e) => `"${e.action}"`)
        .join(' or ')} (LSTM surprise percentile ${percentile})`,
      evidence: {
        observed,
        observed_probability: round3(Math.exp(-surprise)),
        expected,
        surprise: round3(surprise),
        percentile,
        model_version: this.model.manifest.modelVersion,
      },
    };
  }

  private sequenceOf(event: VigilEvent): SequenceState {
    const identity = this.store.obtain(event.identity, event.identity_type);
    const version = this.model.manifest.modelVersion;
    const current = identity.sequence;
    if (current && current.model === version && current.h.length === this.units) return current;
    const fresh = new SequenceStateClass(
      version,
      new Float32Array(this.units),
      new Float32Array(this.units),
      BOS_ID,
      new Uint32Array(DEVICE_MEMORY),
      0,
      -1,
    );
    identity.sequence = fresh;
    return fresh;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = Math.max(n, this.capacity * 2, 64);
    this.input = allocateStepInput(this.capacity, this.units, this.contextSize);
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
