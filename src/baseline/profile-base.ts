/**
 * What every behavioural profile shares: event counts and first/last seen
 * (tracked for every event), learned events and the hour-of-week histogram
 * (learned only from events below the risk threshold), and maturity. Its
 * numbers sit in the first `COMMON_SLOTS` numbers of the profile's slab;
 * subclasses lay out their own after them.
 */
import { type BaselineSettings, DAY_MS, hourOfWeek } from './config.js';
import { countHour } from './hour-histogram.js';

const EVENTS = 0;
const FIRST_SEEN = 1;
const LAST_SEEN = 2;
const LEARNED = 3;
const HOUR_TOTAL = 4;
export const COMMON_SLOTS = 5;

export abstract class ProfileBase {
  constructor(
    readonly slab: Float64Array,
    readonly hours: Uint16Array,
    private readonly settings: BaselineSettings,
  ) {}

  get events(): number {
    return this.slab[EVENTS];
  }
  get learnedEvents(): number {
    return this.slab[LEARNED];
  }
  get firstSeen(): number {
    return this.slab[FIRST_SEEN];
  }
  get lastSeen(): number {
    return this.slab[LAST_SEEN];
  }
  /** Learned events counted in the hour-of-week histogram (after any halving). */
  get hourTotal(): number {
    return this.slab[HOUR_TOTAL];
  }

  /** Mature: enough learned history, over enough days, to judge novelty. */
  get isMature(): boolean {
    return (
      this.slab[LEARNED] >= this.settings.matureEvents &&
      this.slab[LAST_SEEN] - this.slab[FIRST_SEEN] >= this.settings.matureDays * DAY_MS
    );
  }

  /** Share of learned activity in the hour-of-week of `time` (0..1). */
  hourShare(time: number): number {
    const total = this.slab[HOUR_TOTAL];
    return total === 0 ? 0 : this.hours[hourOfWeek(time)] / total;
  }

  /** Counts an event seen, risky or not. */
  protected trackSeen(time: number): void {
    const slab = this.slab;
    if (slab[EVENTS] === 0) slab[FIRST_SEEN] = time;
    slab[EVENTS] += 1;
    if (time > slab[LAST_SEEN]) slab[LAST_SEEN] = time;
  }

  /** Counts an event learned. */
  protected countLearned(): void {
    this.slab[LEARNED] += 1;
  }

  /** Adds a learned event's time to the hour-of-week histogram. */
  protected learnHour(time: number): void {
    countHour(this.hours, this.slab, HOUR_TOTAL, time);
  }
}
