/**
 * Time-ordered queue of pending events (binary min-heap on time, then on
 * insertion order so ties keep a deterministic order). Planning pushes a day
 * of traffic ahead; the generator pops in order, which makes the merged
 * stream non-decreasing in time without holding the whole simulation.
 */
import type { SimulatedEvent } from './labels.js';

interface Entry {
  seq: number;
  item: SimulatedEvent;
}

export class EventQueue {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest pending event (Infinity when empty). */
  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.item.event.time : Infinity;
  }

  push(item: SimulatedEvent): void {
    const heap = this.heap;
    const entry: Entry = { seq: this.seq++, item };
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  pop(): SimulatedEvent | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let index = 0;
      const length = heap.length;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= length) break;
        const right = left + 1;
        const child = right < length && before(heap[right]!, heap[left]!) ? right : left;
        if (!before(heap[child]!, last)) break;
        heap[index] = heap[child]!;
        index = child;
      }
      heap[index] = last;
    }
    return top.item;
  }
}

function before(a: Entry, b: Entry): boolean {
  const ta = a.item.event.time;
  const tb = b.item.event.time;
  return ta < tb || (ta === tb && a.seq < b.seq);
}
