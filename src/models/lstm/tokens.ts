/**
 * Turns events into the LSTM's language: one token per event naming what the
 * identity did (auth: application × action × outcome × MFA result × new-device
 * flag; service: destination × method × route template × status class), plus
 * numeric context about when (hour-of-week on the unit circle, log gap since
 * the identity's previous event). Ids 0 and 1 are reserved for unknown (OOV)
 * and begin-of-stream tokens. Pure functions and small per-identity memory;
 * never reads the baseline, so training from a file and serving agree exactly.
 */
import type { AuthEvent, VigilEvent } from '../../events/schema.js';

export const OOV_ID = 0;
export const BOS_ID = 1;
export const OOV_TOKEN = '<oov>';
export const BOS_TOKEN = '<bos>';
export const CONTEXT_SIZE = 3;
/** Devices remembered per identity for the new-device flag. */
export const DEVICE_MEMORY = 8;

const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;
/** Epoch hour 0 was a Thursday; shift so hour-of-week 0 is Monday 00:00 UTC. */
const EPOCH_HOUR_OF_WEEK = 72;
const MAX_GAP_LOG = Math.log1p(7 * 24 * 3600);

/** What the tokenizer remembers about one identity between events. */
export interface TokenMemory {
  /** Hashes of recently seen device ids (ring). */
  devices: Uint32Array;
  deviceCursor: number;
  /** Time of the previous event, or -1 before the first. */
  lastTime: number;
}

export function newTokenMemory(): TokenMemory {
  return { devices: new Uint32Array(DEVICE_MEMORY), deviceCursor: 0, lastTime: -1 };
}

/** The event's action as a token string; updates the device memory. */
export function actionToken(event: VigilEvent, memory: TokenMemory): string {
  if (event.kind === 'service') {
    return `svc ${event.destination} ${event.method} ${event.route} ${Math.floor(event.status / 100)}xx`;
  }
  const auth = event as AuthEvent;
  const app = auth.application ?? '-';
  const mfa = auth.mfa_result ?? '-';
  return `auth ${app} ${auth.action} ${auth.outcome} mfa:${mfa} ${deviceFlag(auth.device?.id, memory)}`;
}

function deviceFlag(deviceId: string | undefined, memory: TokenMemory): string {
  if (!deviceId) return 'dev:none';
  const hash = fnv1a(deviceId) || 1;
  if (memory.devices.includes(hash)) return 'dev:known';
  memory.devices[memory.deviceCursor] = hash;
  memory.deviceCursor = (memory.deviceCursor + 1) % DEVICE_MEMORY;
  return 'dev:new';
}

/** Writes the context features of an event at `time` into `out[offset..offset+3)`; updates lastTime. */
export function writeContext(time: number, memory: TokenMemory, out: Float32Array, offset: number): void {
  const hourOfWeek = (Math.floor(time / HOUR_MS) + EPOCH_HOUR_OF_WEEK) % WEEK_HOURS;
  const angle = (2 * Math.PI * hourOfWeek) / WEEK_HOURS;
  out[offset] = Math.sin(angle);
  out[offset + 1] = Math.cos(angle);
  const gapSeconds =
    memory.lastTime < 0 ? Number.POSITIVE_INFINITY : Math.max(0, time - memory.lastTime) / 1000;
  out[offset + 2] = Math.min(1, Math.log1p(gapSeconds) / MAX_GAP_LOG);
  memory.lastTime = time;
}

/** Token strings ↔ ids; built from training data, capped, most frequent first (ties by name). */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  constructor(readonly tokens: readonly string[]) {
    for (let id = 0; id < tokens.length; id++) this.ids.set(tokens[id], id);
  }

  static fromCounts(counts: ReadonlyMap<string, number>, maxSize: number): Vocabulary {
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = ranked.slice(0, Math.max(0, maxSize - 2)).map(([token]) => token);
    return new Vocabulary([OOV_TOKEN, BOS_TOKEN, ...kept]);
  }

  get size(): number {
    return this.tokens.length;
  }

  idOf(token: string): number {
    return this.ids.get(token) ?? OOV_ID;
  }

  nameOf(id: number): string {
    return this.tokens[id] ?? OOV_TOKEN;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
