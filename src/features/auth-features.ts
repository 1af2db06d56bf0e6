/**
 * Named features of one authentication event, relative to the identity's own
 * baseline as it stood before the event taught it anything (the Analyzer
 * calls this after track + detect, before learn). Relative features let one
 * Isolation Forest serve the whole population: "a device this person never
 * used" looks the same for every person.
 *
 * Writes into a caller-owned row of a Float64Array; allocates nothing beyond
 * the key strings the profile's own lookups need. Must never mutate the profile.
 */
import type { AuthProfile, GeoPoint } from '../baseline/auth-profile.js';
import { fnv1a } from '../baseline/hash.js';
import type { KnownSet } from '../baseline/known-set.js';
import { greatCircleKm } from '../detectors/impossible-travel.js';
import type { AuthEvent } from '../events/schema.js';
import { ANONYMISER, CORPORATE_EGRESS, HOSTING, KNOWN_BAD } from '../intel/categories.js';
import type { IntelLookup } from '../intel/lookup.js';

/** Column order of an auth feature row; stored with every model and checked when one is loaded. */
export const AUTH_FEATURES = [
  'hour_of_week_rarity',
  'hour_of_day_rarity',
  'device_novel',
  'device_rarity',
  'ip_novel',
  'ip_rarity',
  'asn_novel',
  'asn_rarity',
  'country_novel',
  'country_rarity',
  'user_agent_novel',
  'user_agent_rarity',
  'application_novel',
  'application_rarity',
  'geo_velocity_log_kmh',
  'log_seconds_since_last_success',
  'failed',
  'failure_rate_ewma',
  'failure_surprise',
  'failures_10m_log',
  'mfa_denials_10m_log',
  'mfa_deny_surprise',
  'device_untrusted',
  'session_ip_mismatch',
  'baseline_maturity',
  // Threat-intel categories of the source address (0 without intel lists; src/intel/).
  'src_anonymiser',
  'src_hosting',
  'src_known_bad',
  'src_corporate_egress',
] as const;

export const AUTH_FEATURE_COUNT = AUTH_FEATURES.length;

const WINDOW_MS = 10 * 60_000;
/** Fixes closer in time than this count as this far apart, so the speed stays finite (as impossible_travel). */
const MIN_INTERVAL_MS = 60_000;
/** Learned events (in multiples of `mature_events`) at which maturity saturates at 1. */
const MATURITY_SPAN = 5;

const lastPoint: GeoPoint = { lat: 0, lon: 0, accuracyKm: 0, time: 0 };

/**
 * Novelty (1 when the value was never learned, else 0) and rarity
 * (1 − the value's share of the identity's observations) into two columns.
 * A missing attribute says nothing new: both 0.
 */
function writeKnown(set: KnownSet, value: string | undefined, out: Float64Array, at: number): void {
  if (value === undefined || value === '') {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  const slot = set.indexOf(value);
  out[at] = slot < 0 ? 1 : 0;
  out[at + 1] = slot < 0 || set.total === 0 ? 1 : 1 - set.count(slot) / set.total;
}

/** log(1 + km/h) from the last trusted location, net of both accuracy radii; 0 without two fixes. */
export function geoVelocityLogKmh(event: AuthEvent, profile: AuthProfile): number {
  const geo = event.geo;
  if (geo?.lat === undefined || geo.lon === undefined) return 0;
  if (!profile.lastLocationInto(lastPoint)) return 0;
  const km = greatCircleKm(lastPoint.lat, lastPoint.lon, geo.lat, geo.lon);
  const distance = Math.max(0, km - lastPoint.accuracyKm - (geo.accuracy_km ?? 0));
  const hours = Math.max(MIN_INTERVAL_MS, Math.abs(event.time - lastPoint.time)) / 3_600_000;
  return Math.log1p(distance / hours);
}

/** Fills `out[offset .. offset + AUTH_FEATURE_COUNT)`; `intel` is the pipeline's lists, when it has any. */
export function extractAuthFeatures(
  event: AuthEvent,
  profile: AuthProfile,
  out: Float64Array,
  offset: number,
  intel?: IntelLookup,
): void {
  const time = event.time;
  out[offset] = 1 / (1 + 168 * profile.hourShare(time));
  // ±1 hour of the same hour of day covers 3 of 24 hours: a uniform habit gives 1/8.
  out[offset + 1] = 1 / (1 + 8 * profile.hourOfDayShare(time));
  writeKnown(profile.devices, event.device?.id, out, offset + 2);
  writeKnown(profile.ips, event.src_ip, out, offset + 4);
  writeKnown(profile.asns, event.asn === undefined ? undefined : String(event.asn), out, offset + 6);
  writeKnown(profile.countries, event.geo?.country, out, offset + 8);
  writeKnown(
    profile.userAgents,
    event.user_agent ? String(fnv1a(event.user_agent)) : undefined,
    out,
    offset + 10,
  );
  writeKnown(profile.applications, event.application, out, offset + 12);
  out[offset + 14] = geoVelocityLogKmh(event, profile);
  const lastSuccess = profile.lastSuccessTime;
  out[offset + 15] = lastSuccess === 0 ? 0 : Math.log1p(Math.max(0, time - lastSuccess) / 1000);
  const failed = event.outcome === 'failure' ? 1 : 0;
  const failureRate = profile.failureRate;
  out[offset + 16] = failed;
  out[offset + 17] = failureRate;
  out[offset + 18] = failed - failureRate;
  out[offset + 19] = Math.log1p(profile.failures.countSince(time - WINDOW_MS));
  out[offset + 20] = Math.log1p(profile.mfaDenials.countSince(time - WINDOW_MS));
  out[offset + 21] = mfaDenySurprise(event, profile);
  const device = event.device;
  out[offset + 22] = device && (device.managed === false || device.compliant === false) ? 1 : 0;
  out[offset + 23] = sessionIpMismatch(event, profile);
  const mature = profile.layout.settings.matureEvents * MATURITY_SPAN;
  out[offset + 24] = Math.min(1, profile.learnedEvents / mature);
  const categories = intel === undefined ? 0 : intel.categoriesOf(event.src_ip);
  out[offset + 25] = categories & ANONYMISER ? 1 : 0;
  out[offset + 26] = categories & HOSTING ? 1 : 0;
  out[offset + 27] = categories & KNOWN_BAD ? 1 : 0;
  out[offset + 28] = categories & CORPORATE_EGRESS ? 1 : 0;
}

function mfaDenySurprise(event: AuthEvent, profile: AuthProfile): number {
  if (event.action !== 'mfa') return 0;
  const denied = event.mfa_result === 'denied' || event.mfa_result === 'timeout' ? 1 : 0;
  return denied - profile.mfaDenyRate;
}

/** 1 when the event's session was established from another address; 0 when unknown or the same. */
function sessionIpMismatch(event: AuthEvent, profile: AuthProfile): number {
  if (!event.session_id || !event.src_ip) return 0;
  const slot = profile.sessions.indexOf(event.session_id);
  if (slot < 0) return 0;
  const established = profile.sessionIpHash(slot);
  return established !== 0 && established !== fnv1a(event.src_ip) ? 1 : 0;
}
