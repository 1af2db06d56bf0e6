/**
 * Live distributions over a sliding window of the last `capacity` scored
 * rows, binned on a model's reference edges: one channel per feature, then
 * the raw score on its decile bins and on its percentile bins. Each row's
 * bin indices sit in a ring (one byte per channel), so when the window is
 * full the oldest row's counts are taken out as the new row's go in.
 *
 * Bin indices fit a byte (at most MAX_BINS = 101 bins per channel).
 * Allocation-free per row: the edges, the ring and the counts are typed
 * arrays laid out once per model version, and a bin is found by binary
 * search. Never judges drift itself (monitor.ts does).
 */
import type { ModelReference } from './reference.js';

export class LiveWindow {
  /** Channels: the features, then the score (deciles), then the score (percentiles). */
  readonly channels: number;
  /** Offset of each channel's bins in `counts`. */
  readonly offsets: Int32Array;
  readonly counts: Uint32Array;
  /** Every channel's edges back to back; channel c's are edges[edgeStart[c] .. edgeStart[c + 1]). */
  private readonly edges: Float64Array;
  private readonly edgeStart: Int32Array;
  private readonly ring: Uint8Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly reference: ModelReference,
    readonly capacity: number,
  ) {
    const edges = [
      ...reference.features.map((f) => f.edges),
      reference.score.edges,
      reference.score_fine.edges,
    ];
    this.channels = edges.length;
    this.edges = Float64Array.from(edges.flat());
    this.edgeStart = new Int32Array(this.channels + 1);
    this.offsets = new Int32Array(this.channels + 1);
    for (let c = 0; c < this.channels; c++) {
      this.edgeStart[c + 1] = this.edgeStart[c] + edges[c].length;
      this.offsets[c + 1] = this.offsets[c] + edges[c].length + 1;
    }
    this.counts = new Uint32Array(this.offsets[this.channels]);
    this.ring = new Uint8Array(capacity * this.channels);
  }

  /** Rows currently in the window. */
  get rows(): number {
    return this.filled;
  }

  /** Adds one row: features at `data[offset ..]`, its raw score `score`. */
  add(data: Float64Array, offset: number, score: number): void {
    const { channels, edges, edgeStart, offsets, ring, counts } = this;
    const at = this.next * channels;
    const features = channels - 2;
    if (this.filled === this.capacity) {
      for (let c = 0; c < channels; c++) counts[offsets[c] + ring[at + c]]--;
    } else {
      this.filled++;
    }
    for (let c = 0; c < channels; c++) {
      const value = c < features ? data[offset + c] : score;
      // binary search for the first edge at or above the value (monomorphic: Float64Array only)
      const first = edgeStart[c];
      let lo = first;
      let hi = edgeStart[c + 1];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (value > edges[mid]) lo = mid + 1;
        else hi = mid;
      }
      const bin = lo - first;
      ring[at + c] = bin;
      counts[offsets[c] + bin]++;
    }
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }
}
