/**
 * One identity's per-application (or per-service) usage and data movement:
 * which applications it has used, how many events it makes on a day, and the
 * bytes and objects it moves per application per day, with its usual daily
 * levels (EWMA over the days it was active). Numbers live in one
 * Float64Array slab (header + one slot per application), keys beside it; the
 * least recently seen application is evicted when the slots are full.
 *
 * "Today" counters include every tracked event (what is happening now); the
 * usual levels learn only from events the analyzer learned from, so an
 * attack day never becomes normal. Days are UTC days of event time. Never
 * allocates per event except when an application is first seen.
 */
import { errors } from '../errors.js';

export const DAY_MS = 86_400_000;
/** Weight of the newest day in the usual levels (about a two-week memory). */
const ALPHA = 0.15;

// header
const H_DAY = 0;
const H_EVENTS_TODAY = 1;
const H_LEARNED_TODAY = 2;
const H_USUAL_EVENTS = 3;
const H_ACTIVE_DAYS = 4;
const HEADER = 5;
// per-application slot
const S_LEARNED_EVENTS = 0;
const S_LAST_SEEN = 1;
const S_DAY = 2;
const S_BYTES_TODAY = 3;
const S_OBJECTS_TODAY = 4;
const S_BYTES_LEARNED = 5;
const S_OBJECTS_LEARNED = 6;
const S_USUAL_BYTES = 7;
const S_USUAL_BYTES_DEV = 8;
const S_USUAL_OBJECTS = 9;
const S_VOLUME_DAYS = 10;
const S_TRACKED_EVENTS = 11;
const STRIDE = 12;

export interface PeerActivitySnapshot {
  slab: string;
  keys: (string | null)[];
}

export interface VolumeToday {
  app: string;
  bytes: number;
  objects: number;
}

export class PeerActivity {
  readonly slab: Float64Array;
  readonly keys: (string | undefined)[];

  constructor(
    readonly maxApps: number,
    slab?: Float64Array,
    keys?: (string | undefined)[],
  ) {
    this.slab = slab ?? new Float64Array(HEADER + maxApps * STRIDE);
    this.keys = keys ?? new Array<string | undefined>(maxApps).fill(undefined);
  }

  static slabSize(maxApps: number): number {
    return HEADER + maxApps * STRIDE;
  }

  /** Counts an event (and the volume it moved) into today's counters. */
  track(app: string | undefined, time: number, bytes: number, objects: number): void {
    const day = Math.floor(time / DAY_MS);
    this.rollDay(day);
    this.slab[H_EVENTS_TODAY]++;
    if (app === undefined) return;
    const base = this.slotFor(app, day);
    const s = this.slab;
    if (time > s[base + S_LAST_SEEN]) s[base + S_LAST_SEEN] = time;
    s[base + S_TRACKED_EVENTS]++;
    s[base + S_BYTES_TODAY] += bytes;
    s[base + S_OBJECTS_TODAY] += objects;
  }

  /** Lets a tracked event teach the usual levels (called only for events the analyzer learns from). */
  learn(app: string | undefined, time: number, bytes: number, objects: number): void {
    const day = Math.floor(time / DAY_MS);
    this.rollDay(day);
    this.slab[H_LEARNED_TODAY]++;
    if (app === undefined) return;
    const base = this.slotFor(app, day);
    const s = this.slab;
    s[base + S_LEARNED_EVENTS]++;
    s[base + S_BYTES_LEARNED] += bytes;
    s[base + S_OBJECTS_LEARNED] += objects;
  }

  get eventsToday(): number {
    return this.slab[H_EVENTS_TODAY];
  }

  /** Usual events on an active day (EWMA); 0 before the first finished day. */
  get usualDailyEvents(): number {
    return this.slab[H_USUAL_EVENTS];
  }

  /** Finished days with at least one learned event. */
  get activeDays(): number {
    return this.slab[H_ACTIVE_DAYS];
  }

  /** Whether the identity has used `app` in events that taught the baseline. */
  uses(app: string): boolean {
    const index = this.keys.indexOf(app);
    return index >= 0 && this.slab[HEADER + index * STRIDE + S_LEARNED_EVENTS] > 0;
  }

  /** Whether the event just tracked was the identity's first with `app` (as far as the slots remember). */
  isFirstAccess(app: string): boolean {
    const base = this.slotBase(app);
    return base >= 0 && this.slab[base + S_TRACKED_EVENTS] === 1;
  }

  /** Calls `visit` for each application used (learned), with its usual daily volume; no allocation. */
  forEachUsedApp(
    visit: (app: string, usualBytes: number, usualObjects: number, volumeDays: number) => void,
  ): void {
    const s = this.slab;
    for (let i = 0; i < this.maxApps; i++) {
      const key = this.keys[i];
      const base = HEADER + i * STRIDE;
      if (key === undefined || s[base + S_LEARNED_EVENTS] === 0) continue;
      visit(key, s[base + S_USUAL_BYTES], s[base + S_USUAL_OBJECTS], s[base + S_VOLUME_DAYS]);
    }
  }

  /** Applications used (learned), in slot order. */
  usedApps(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.maxApps; i++) {
      const key = this.keys[i];
      if (key !== undefined && this.slab[HEADER + i * STRIDE + S_LEARNED_EVENTS] > 0) out.push(key);
    }
    return out;
  }

  /** Today's bytes and objects moved with `app` (all tracked events). */
  volumeToday(app: string, time: number): { bytes: number; objects: number } {
    const base = this.slotBase(app);
    if (base < 0 || this.slab[base + S_DAY] !== Math.floor(time / DAY_MS)) return { bytes: 0, objects: 0 };
    return { bytes: this.slab[base + S_BYTES_TODAY], objects: this.slab[base + S_OBJECTS_TODAY] };
  }

  /** Usual bytes, their mean absolute deviation and usual objects on a day `app` moved data, and over how many days. */
  usualVolume(app: string): { bytes: number; deviation: number; objects: number; days: number } {
    const base = this.slotBase(app);
    if (base < 0) return { bytes: 0, deviation: 0, objects: 0, days: 0 };
    const s = this.slab;
    return {
      bytes: s[base + S_USUAL_BYTES],
      deviation: s[base + S_USUAL_BYTES_DEV],
      objects: s[base + S_USUAL_OBJECTS],
      days: s[base + S_VOLUME_DAYS],
    };
  }

  /** The applications that moved the most bytes today, largest first. */
  topToday(time: number, count: number): VolumeToday[] {
    const day = Math.floor(time / DAY_MS);
    const rows: VolumeToday[] = [];
    for (let i = 0; i < this.maxApps; i++) {
      const key = this.keys[i];
      const base = HEADER + i * STRIDE;
      if (key === undefined || this.slab[base + S_DAY] !== day) continue;
      const bytes = this.slab[base + S_BYTES_TODAY];
      if (bytes > 0) rows.push({ app: key, bytes, objects: this.slab[base + S_OBJECTS_TODAY] });
    }
    rows.sort((a, b) => b.bytes - a.bytes || (a.app < b.app ? -1 : 1));
    return rows.slice(0, count);
  }

  snapshot(): PeerActivitySnapshot {
    return {
      slab: Buffer.from(this.slab.buffer, this.slab.byteOffset, this.slab.byteLength).toString('base64'),
      keys: this.keys.map((key) => key ?? null),
    };
  }

  /** Restores a snapshot at the size it was taken with (a changed cap applies to identities seen afterwards). */
  static restore(snapshot: PeerActivitySnapshot, what: string): PeerActivity {
    const maxApps = Array.isArray(snapshot?.keys) ? snapshot.keys.length : -1;
    const bytes = Buffer.from(snapshot.slab, 'base64');
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    const slab = new Float64Array(copy);
    if (maxApps < 1 || slab.length !== PeerActivity.slabSize(maxApps)) {
      throw errors.stateCorrupt(
        `${what}: peer activity has ${slab.length} numbers for ${maxApps} applications`,
      );
    }
    return new PeerActivity(
      maxApps,
      slab,
      snapshot.keys.map((key) => key ?? undefined),
    );
  }

  private slotBase(app: string): number {
    const index = this.keys.indexOf(app);
    return index < 0 ? -1 : HEADER + index * STRIDE;
  }

  /** Finishes the identity's previous day (folding its learned events into the usual level). */
  private rollDay(day: number): void {
    const s = this.slab;
    if (day <= s[H_DAY]) return;
    const learned = s[H_LEARNED_TODAY];
    if (s[H_DAY] > 0 && learned > 0) {
      s[H_USUAL_EVENTS] =
        s[H_ACTIVE_DAYS] === 0 ? learned : s[H_USUAL_EVENTS] + ALPHA * (learned - s[H_USUAL_EVENTS]);
      s[H_ACTIVE_DAYS]++;
    }
    s[H_DAY] = day;
    s[H_EVENTS_TODAY] = 0;
    s[H_LEARNED_TODAY] = 0;
  }

  private slotFor(app: string, day: number): number {
    let index = this.keys.indexOf(app);
    if (index < 0) index = this.claimSlot(app);
    const base = HEADER + index * STRIDE;
    this.rollSlot(base, day);
    return base;
  }

  private claimSlot(app: string): number {
    let index = this.keys.indexOf(undefined);
    if (index < 0) {
      index = 0;
      for (let i = 1; i < this.maxApps; i++) {
        if (this.slab[HEADER + i * STRIDE + S_LAST_SEEN] < this.slab[HEADER + index * STRIDE + S_LAST_SEEN])
          index = i;
      }
    }
    this.keys[index] = app;
    this.slab.fill(0, HEADER + index * STRIDE, HEADER + (index + 1) * STRIDE);
    return index;
  }

  private rollSlot(base: number, day: number): void {
    const s = this.slab;
    if (day <= s[base + S_DAY]) return;
    const bytes = s[base + S_BYTES_LEARNED];
    const objects = s[base + S_OBJECTS_LEARNED];
    if (s[base + S_DAY] > 0 && (bytes > 0 || objects > 0)) {
      if (s[base + S_VOLUME_DAYS] === 0) {
        s[base + S_USUAL_BYTES] = bytes;
        s[base + S_USUAL_BYTES_DEV] = bytes / 2;
        s[base + S_USUAL_OBJECTS] = objects;
      } else {
        const deviation = Math.abs(bytes - s[base + S_USUAL_BYTES]);
        s[base + S_USUAL_BYTES] += ALPHA * (bytes - s[base + S_USUAL_BYTES]);
        s[base + S_USUAL_BYTES_DEV] += ALPHA * (deviation - s[base + S_USUAL_BYTES_DEV]);
        s[base + S_USUAL_OBJECTS] += ALPHA * (objects - s[base + S_USUAL_OBJECTS]);
      }
      s[base + S_VOLUME_DAYS]++;
    }
    s[base + S_DAY] = day;
    s[base + S_BYTES_TODAY] = 0;
    s[base + S_OBJECTS_TODAY] = 0;
    s[base + S_BYTES_LEARNED] = 0;
    s[base + S_OBJECTS_LEARNED] = 0;
  }
}
