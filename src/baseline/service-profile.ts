/**
 * Behavioural baseline of one workload's east-west traffic: which services it
 * calls, on which routes, how many bytes each edge usually sends, how often
 * it is denied, and which destinations it touched in the last minutes.
 *
 * Per destination (edge) it keeps an EWMA of log(bytes_out) and its variance
 * so an exfiltration-sized response stands out as a z-score. Same
 * track/learn split as the auth profile.
 */
import type { ServiceEvent } from '../events/schema.js';
import { type BaselineSettings, DAY_MS, HOURS_PER_WEEK } from './config.js';
import { fnv1a } from './hash.js';
import { KnownSet, SLOT_WIDTH } from './known-set.js';
import { COMMON_SLOTS, ProfileBase } from './profile-base.js';
import { RecentRing } from './recent-ring.js';
import { SlabLayout } from './slab-layout.js';

/** Scalar slots in the slab, after the ones every profile shares. */
const S = {
  deniedEwma: COMMON_SLOTS,
  errorEwma: COMMON_SLOTS + 1,
  /** Learned calls that were refused (401/403): with the learned count, the long-run denied share. */
  deniedLearned: COMMON_SLOTS + 2,
} as const;
const SCALARS = COMMON_SLOTS + 3;

const DESTINATION_RING = 32;
const DENIED_RING = 32;
/** Per-edge numbers: mean and variance of log(1 + bytes_out), and samples seen. */
const EDGE_WIDTH = 3;

export class ServiceLayout {
  readonly slabSize: number;
  readonly keyCount: number;
  readonly destinations: { offset: number; capacity: number; keyOffset: number };
  readonly routes: { offset: number; capacity: number; keyOffset: number };
  readonly edgeStats: number;
  readonly recentDestinations: number;
  readonly denied: number;

  constructor(readonly settings: BaselineSettings) {
    const slab = new SlabLayout();
    slab.reserve(SCALARS);
    const caps = settings.caps;
    this.destinations = {
      offset: slab.reserve(caps.destinations * SLOT_WIDTH),
      capacity: caps.destinations,
      keyOffset: 0,
    };
    this.routes = {
      offset: slab.reserve(caps.routes * SLOT_WIDTH),
      capacity: caps.routes,
      keyOffset: caps.destinations,
    };
    this.edgeStats = slab.reserve(caps.destinations * EDGE_WIDTH);
    this.recentDestinations = slab.reserve(RecentRing.width(DESTINATION_RING, true));
    this.denied = slab.reserve(RecentRing.width(DENIED_RING));
    this.slabSize = slab.size;
    this.keyCount = caps.destinations + caps.routes;
  }
}

/** Key of a route in the routes set: destination, method and template. */
export const routeKey = (event: ServiceEvent): string =>
  `${event.destination} ${event.method} ${event.route}`;

export const isDenied = (status: number): boolean => status === 401 || status === 403;

export interface EdgeBytes {
  mean: number;
  std: number;
  samples: number;
}

export class ServiceProfile extends ProfileBase {
  readonly keys: (string | undefined)[];
  readonly destinations: KnownSet;
  readonly routes: KnownSet;
  readonly recentDestinations: RecentRing;
  readonly denied: RecentRing;

  constructor(
    readonly layout: ServiceLayout,
    slab?: Float64Array,
    keys?: (string | undefined)[],
    hours?: Uint16Array,
  ) {
    super(
      slab ?? new Float64Array(layout.slabSize),
      hours ?? new Uint16Array(HOURS_PER_WEEK),
      layout.settings,
    );
    this.keys = keys ?? new Array<string | undefined>(layout.keyCount).fill(undefined);
    const halfLife = layout.settings.halfLifeDays * DAY_MS;
    const d = layout.destinations;
    const r = layout.routes;
    this.destinations = new KnownSet(this.slab, d.offset, d.capacity, this.keys, d.keyOffset, halfLife);
    this.routes = new KnownSet(this.slab, r.offset, r.capacity, this.keys, r.keyOffset, halfLife);
    this.destinations.recount();
    this.routes.recount();
    this.recentDestinations = new RecentRing(this.slab, layout.recentDestinations, DESTINATION_RING, true);
    this.denied = new RecentRing(this.slab, layout.denied, DENIED_RING);
  }

  get deniedRate(): number {
    return this.slab[S.deniedEwma];
  }
  /**
   * Share of all learned calls that were refused: the slow habit, which a burst
   * of a few minutes barely moves (unlike the EWMA `deniedRate`).
   */
  get deniedShare(): number {
    const learned = this.learnedEvents;
    return learned === 0 ? 0 : this.slab[S.deniedLearned] / learned;
  }

  get errorRate(): number {
    return this.slab[S.errorEwma];
  }

  /** Learned bytes_out statistics of the edge to `destination`, in log(1 + bytes) space. */
  edgeBytes(destination: string): EdgeBytes | undefined {
    const slot = this.destinations.indexOf(destination);
    if (slot < 0) return undefined;
    const at = this.layout.edgeStats + slot * EDGE_WIDTH;
    return { mean: this.slab[at], std: Math.sqrt(this.slab[at + 1]), samples: this.slab[at + 2] };
  }

  /**
   * Allocation-free form of `edgeBytes` for the hot path, by the edge's slot in
   * `destinations` (`destinations.indexOf`): mean and standard deviation of
   * log(1 + bytes_out), and samples seen.
   */
  edgeMean(slot: number): number {
    return this.slab[this.layout.edgeStats + slot * EDGE_WIDTH];
  }

  edgeStd(slot: number): number {
    return Math.sqrt(this.slab[this.layout.edgeStats + slot * EDGE_WIDTH + 1]);
  }

  edgeSamples(slot: number): number {
    return this.slab[this.layout.edgeStats + slot * EDGE_WIDTH + 2];
  }

  track(event: ServiceEvent): void {
    this.trackSeen(event.time);
    this.recentDestinations.push(event.time, fnv1a(event.destination));
    if (isDenied(event.status)) this.denied.push(event.time);
  }

  learn(event: ServiceEvent): void {
    const slab = this.slab;
    const alpha = this.layout.settings.ewmaAlpha;
    this.countLearned();
    slab[S.deniedEwma] += alpha * ((isDenied(event.status) ? 1 : 0) - slab[S.deniedEwma]);
    slab[S.errorEwma] += alpha * ((event.status >= 500 ? 1 : 0) - slab[S.errorEwma]);
    this.learnHour(event.time);
    if (isDenied(event.status)) {
      slab[S.deniedLearned] += 1;
      return;
    }
    const known = this.destinations.has(event.destination);
    const slot = this.destinations.observe(event.destination, event.time);
    this.learnEdgeBytes(slot, known, event.bytes_out, alpha);
    this.routes.observe(routeKey(event), event.time);
  }

  private learnEdgeBytes(slot: number, known: boolean, bytesOut: number, alpha: number): void {
    const at = this.layout.edgeStats + slot * EDGE_WIDTH;
    const x = Math.log1p(bytesOut);
    if (!known) {
      this.slab[at] = x;
      this.slab[at + 1] = 0;
      this.slab[at + 2] = 1;
      return;
    }
    // Exponentially weighted mean and variance (West 1979 / Finch 2009 incremental form).
    const samples = this.slab[at + 2] + 1;
    const weight = Math.max(alpha, 1 / samples);
    const delta = x - this.slab[at];
    this.slab[at] += weight * delta;
    this.slab[at + 1] = (1 - weight) * (this.slab[at + 1] + weight * delta * delta);
    this.slab[at + 2] = samples;
  }
}
