/**
 * The feature stage's output for one micro-batch: one preallocated row-major
 * Float64Array per event kind (auth, service), filled by the Analyzer for
 * each event after track + detect and before learn, so every row describes
 * the event against the baseline as it stood before the event. Batch scorers
 * (Isolation Forest) then read whole matrices at once.
 *
 * Rows are appended in event order per kind: the i-th auth event of the batch
 * is auth row i. Matrices grow (doubling) only when a batch is larger than
 * any before; otherwise nothing is allocated per batch or per event.
 */
import type { AuthProfile } from '../baseline/auth-profile.js';
import type { ServiceProfile } from '../baseline/service-profile.js';
import type { AuthEvent, ServiceEvent } from '../events/schema.js';
import type { IntelLookup } from '../intel/lookup.js';
import { AUTH_FEATURE_COUNT, AUTH_FEATURES, extractAuthFeatures } from './auth-features.js';
import { extractServiceFeatures, SERVICE_FEATURE_COUNT, SERVICE_FEATURES } from './service-features.js';

export type FeatureKind = 'auth' | 'service';
export const FEATURE_KINDS: readonly FeatureKind[] = ['auth', 'service'];

export const FEATURE_NAMES: Readonly<Record<FeatureKind, readonly string[]>> = {
  auth: AUTH_FEATURES,
  service: SERVICE_FEATURES,
};

/** One kind's matrix: `rows` rows of `cols` values, and whether each row's identity baseline was mature. */
export class FeatureMatrixBuffer {
  data: Float64Array;
  mature: Uint8Array;
  rows = 0;

  constructor(
    readonly kind: FeatureKind,
    readonly cols: number,
    capacity: number,
  ) {
    this.data = new Float64Array(capacity * cols);
    this.mature = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.mature.length;
  }

  ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    let capacity = Math.max(1, this.capacity);
    while (capacity < rows) capacity *= 2;
    const data = new Float64Array(capacity * this.cols);
    data.set(this.data.subarray(0, this.rows * this.cols));
    const mature = new Uint8Array(capacity);
    mature.set(this.mature.subarray(0, this.rows));
    this.data = data;
    this.mature = mature;
  }

  /** Offset of a new row, growing the matrix when full. */
  appendRow(mature: boolean): number {
    if (this.rows === this.capacity) this.ensureCapacity(this.rows + 1);
    this.mature[this.rows] = mature ? 1 : 0;
    return this.rows++ * this.cols;
  }

  /** A view of one row (allocates a view: for evidence and dumps, not the hot path). */
  row(index: number): Float64Array {
    return this.data.subarray(index * this.cols, (index + 1) * this.cols);
  }
}

export class FeatureBatch {
  readonly auth: FeatureMatrixBuffer;
  readonly service: FeatureMatrixBuffer;

  constructor(initialRows = 4096) {
    this.auth = new FeatureMatrixBuffer('auth', AUTH_FEATURE_COUNT, initialRows);
    this.service = new FeatureMatrixBuffer('service', SERVICE_FEATURE_COUNT, initialRows);
  }

  matrix(kind: FeatureKind): FeatureMatrixBuffer {
    return kind === 'auth' ? this.auth : this.service;
  }

  /** Starts a batch of up to `events` events: forgets the previous rows, grows once if needed. */
  startBatch(events: number): void {
    this.auth.rows = 0;
    this.service.rows = 0;
    this.auth.ensureCapacity(events);
    this.service.ensureCapacity(events);
  }

  /** `intel`: the pipeline's threat-intel lists, for the source-address category columns. */
  recordAuth(event: AuthEvent, profile: AuthProfile, intel?: IntelLookup): void {
    const offset = this.auth.appendRow(profile.isMature);
    extractAuthFeatures(event, profile, this.auth.data, offset, intel);
  }

  recordService(event: ServiceEvent, profile: ServiceProfile): void {
    const offset = this.service.appendRow(profile.isMature);
    extractServiceFeatures(event, profile, this.service.data, offset);
  }
}
