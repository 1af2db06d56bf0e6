/**
 * Named features of one east-west call, relative to the calling workload's
 * own baseline as it stood before the call taught it anything (extracted
 * after track + detect, before learn). Same contract as auth-features.ts:
 * fills a caller-owned row, allocates nothing, never mutates the profile.
 */
import { isDenied, routeKey, type ServiceProfile } from '../baseline/service-profile.js';
import type { ServiceEvent } from '../events/schema.js';

/** Column order of a service feature row; stored with every model and checked when one is loaded. */
export const SERVICE_FEATURES = [
  'hour_of_week_rarity',
  'destination_novel',
  'destination_rarity',
  'route_novel',
  'route_rarity',
  'bytes_out_z',
  'log_bytes_out',
  'log_bytes_in',
  'status_class',
  'denied',
  'denied_rate_ewma',
  'denied_10m_log',
  'server_error',
  'error_rate_ewma',
  'fanout_10m_log',
  'log_seconds_since_previous_call',
  'log_latency_ms',
  'mtls_unverified',
  'baseline_maturity',
] as const;

export const SERVICE_FEATURE_COUNT = SERVICE_FEATURES.length;

const WINDOW_MS = 10 * 60_000;
/** Floor of an edge's deviation in log-bytes space, so a perfectly regular edge does not turn jitter into huge z. */
const STD_FLOOR = 0.25;
/** z-scores are clipped to ±this: beyond it "very far" is all the forest needs to know. */
const Z_CLIP = 12;
const MATURITY_SPAN = 5;

/** z-score of log(1 + bytes_out) against the edge's learned EWMA; 0 on an edge never learned. */
export function bytesOutZ(event: ServiceEvent, profile: ServiceProfile): number {
  const slot = profile.destinations.indexOf(event.destination);
  if (slot < 0 || profile.edgeSamples(slot) < 2) return 0;
  const z =
    (Math.log1p(event.bytes_out) - profile.edgeMean(slot)) / Math.max(profile.edgeStd(slot), STD_FLOOR);
  return Math.max(-Z_CLIP, Math.min(Z_CLIP, z));
}

/** Fills `out[offset .. offset + SERVICE_FEATURE_COUNT)`. */
export function extractServiceFeatures(
  event: ServiceEvent,
  profile: ServiceProfile,
  out: Float64Array,
  offset: number,
): void {
  const time = event.time;
  out[offset] = 1 / (1 + 168 * profile.hourShare(time));
  const destinations = profile.destinations;
  const destinationSlot = destinations.indexOf(event.destination);
  out[offset + 1] = destinationSlot < 0 ? 1 : 0;
  out[offset + 2] =
    destinationSlot < 0 || destinations.total === 0
      ? 1
      : 1 - destinations.count(destinationSlot) / destinations.total;
  const routes = profile.routes;
  const routeSlot = routes.indexOf(routeKey(event));
  out[offset + 3] = routeSlot < 0 ? 1 : 0;
  out[offset + 4] = routeSlot < 0 || routes.total === 0 ? 1 : 1 - routes.count(routeSlot) / routes.total;
  out[offset + 5] = bytesOutZ(event, profile);
  out[offset + 6] = Math.log1p(event.bytes_out);
  out[offset + 7] = Math.log1p(event.bytes_in);
  out[offset + 8] = Math.floor(event.status / 100);
  out[offset + 9] = isDenied(event.status) ? 1 : 0;
  out[offset + 10] = profile.deniedRate;
  out[offset + 11] = Math.log1p(profile.denied.countSince(time - WINDOW_MS));
  out[offset + 12] = event.status >= 500 ? 1 : 0;
  out[offset + 13] = profile.errorRate;
  out[offset + 14] = Math.log1p(profile.recentDestinations.distinctTagsSince(time - WINDOW_MS));
  // The ring's newest entry is this call (track ran); the one before it is the previous call.
  const previous = profile.recentDestinations.recentTime(1);
  out[offset + 15] = previous === 0 ? 0 : Math.log1p(Math.max(0, time - previous) / 1000);
  out[offset + 16] = Math.log1p(event.latency_ms);
  out[offset + 17] = event.mtls_verified === false ? 1 : 0;
  const mature = profile.layout.settings.matureEvents * MATURITY_SPAN;
  out[offset + 18] = Math.min(1, profile.learnedEvents / mature);
}
