/**
 * Hour-of-week activity histogram (168 Uint16 buckets) whose total is kept in
 * the owner's slab. Buckets halve together when one saturates, so the shape
 * is kept and old activity slowly weighs less.
 */
import { HOURS_PER_WEEK, hourOfWeek } from './config.js';

export function countHour(hours: Uint16Array, slab: Float64Array, totalSlot: number, time: number): void {
  const bucket = hourOfWeek(time);
  if (hours[bucket] === 0xffff) {
    let total = 0;
    for (let i = 0; i < HOURS_PER_WEEK; i++) {
      hours[i] >>= 1;
      total += hours[i];
    }
    slab[totalSlot] = total;
  }
  hours[bucket] += 1;
  slab[totalSlot] += 1;
}
