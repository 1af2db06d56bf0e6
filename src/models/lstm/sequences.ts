/**
 * Training data for the LSTM: per-identity token sequences from events (in
 * input order), the vocabulary they define, and fixed-length windows. Window
 * w of a sequence s covers steps [w·T, (w+1)·T): step j consumes s[j-1] (BOS
 * for j = 0) with the context of event j and must predict s[j]. Short tails
 * are padded and masked out of the loss.
 */
import type { VigilEvent } from '../../events/schema.js';
import {
  actionToken,
  BOS_ID,
  CONTEXT_SIZE,
  newTokenMemory,
  type TokenMemory,
  Vocabulary,
  writeContext,
} from './tokens.js';

export interface IdentitySequence {
  identity: string;
  /** Token id of each event. */
  ids: Int32Array;
  /** CONTEXT_SIZE values per event. */
  context: Float32Array;
}

/** Tokenises events per identity and builds the vocabulary (capped at maxVocab including OOV and BOS). */
export function sequencesFromEvents(
  events: Iterable<VigilEvent>,
  maxVocab: number,
): { vocabulary: Vocabulary; sequences: IdentitySequence[] } {
  const perIdentity = new Map<string, { memory: TokenMemory; tokens: string[]; context: number[] }>();
  const counts = new Map<string, number>();
  const scratch = new Float32Array(CONTEXT_SIZE);
  for (const event of events) {
    let entry = perIdentity.get(event.identity);
    if (!entry) {
      entry = { memory: newTokenMemory(), tokens: [], context: [] };
      perIdentity.set(event.identity, entry);
    }
    const token = actionToken(event, entry.memory);
    writeContext(event.time, entry.memory, scratch, 0);
    entry.tokens.push(token);
    for (let k = 0; k < CONTEXT_SIZE; k++) entry.context.push(scratch[k]);
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const vocabulary = Vocabulary.fromCounts(counts, maxVocab);
  const sequences: IdentitySequence[] = [];
  for (const [identity, entry] of perIdentity) {
    sequences.push({
      identity,
      ids: Int32Array.from(entry.tokens, (token) => vocabulary.idOf(token)),
      context: Float32Array.from(entry.context),
    });
  }
  return { vocabulary, sequences };
}

export interface Windows {
  count: number;
  steps: number;
  contextSize: number;
  /** [count, steps] token consumed at each step */
  inputIds: Int32Array;
  /** [count, steps] token to predict */
  targets: Int32Array;
  /** [count, steps, contextSize] */
  context: Float32Array;
  /** [count, steps] 1 where the step is real, 0 for padding */
  mask: Float32Array;
}

export function windowsOf(
  sequences: readonly IdentitySequence[],
  steps: number,
  contextSize = CONTEXT_SIZE,
): Windows {
  let count = 0;
  for (const sequence of sequences) count += Math.ceil(sequence.ids.length / steps);
  const windows: Windows = {
    count,
    steps,
    contextSize,
    inputIds: new Int32Array(count * steps),
    targets: new Int32Array(count * steps),
    context: new Float32Array(count * steps * contextSize),
    mask: new Float32Array(count * steps),
  };
  let w = 0;
  for (const sequence of sequences) {
    const n = sequence.ids.length;
    for (let start = 0; start < n; start += steps, w++) {
      for (let t = 0; t < steps && start + t < n; t++) {
        const j = start + t;
        const row = w * steps + t;
        windows.inputIds[row] = j === 0 ? BOS_ID : sequence.ids[j - 1];
        windows.targets[row] = sequence.ids[j];
        windows.mask[row] = 1;
        for (let k = 0; k < contextSize; k++)
          windows.context[row * contextSize + k] = sequence.context[j * CONTEXT_SIZE + k];
      }
    }
  }
  return windows;
}

/** Gathers the chosen windows into time-major buffers (row t·batch + b). */
export function timeMajorBatch(
  windows: Windows,
  chosen: ArrayLike<number>,
): { inputIds: Int32Array; targets: Int32Array; context: Float32Array; mask: Float32Array } {
  const { steps, contextSize } = windows;
  const batch = chosen.length;
  const inputIds = new Int32Array(steps * batch);
  const targets = new Int32Array(steps * batch);
  const context = new Float32Array(steps * batch * contextSize);
  const mask = new Float32Array(steps * batch);
  for (let b = 0; b < batch; b++) {
    const w = chosen[b];
    for (let t = 0; t < steps; t++) {
      const from = w * steps + t;
      const to = t * batch + b;
      inputIds[to] = windows.inputIds[from];
      targets[to] = windows.targets[from];
      mask[to] = windows.mask[from];
      for (let k = 0; k < contextSize; k++)
        context[to * contextSize + k] = windows.context[from * contextSize + k];
    }
  }
  return { inputIds, targets, context, mask };
}
