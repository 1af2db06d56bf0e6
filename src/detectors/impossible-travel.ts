/**
 * Impossible travel (geo velocity): a successful sign-in or token event located
 * so far from the identity's last learned location that getting there in the
 * time between them needs a speed no airliner reaches.
 *
 * Distance is great-circle (haversine) minus both geolocation accuracy radii,
 * so two fuzzy city-level fixes are never "far" merely because of their
 * fuzziness. The classic false positives are handled before firing: corporate
 * and VPN egress ranges and ASNs (on either end) say nothing about where the
 * person is, so they suppress; cloud and hosting networks (privacy relays,
 * cloud desktops, jobs in another region) downgrade or suppress by choice.
 * Because high-risk events are not learned, a real traveller's first sign-in
 * abroad is judged against home until enough time has passed to make the trip
 * plausible, after which the new location is learned. Corporate egress in the
 * pipeline's threat-intel lists suppresses like trusted_cidrs; when the new
 * address is in a list, the finding's evidence names its categories.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { GeoPoint } from '../baseline/auth-profile.js';
import type { AuthAction } from '../events/schema.js';
import { TrustedNetworks, trustedNetworkParams } from './trusted-networks.js';
import { type AuthDetector, type DetectorDefinition, type Finding, severity } from './types.js';

/** Well-known cloud and hosting networks: AWS (2), Google, Microsoft, Cloudflare, DigitalOcean, OVH, Hetzner. */
export const DEFAULT_HOSTING_ASNS = [16509, 14618, 15169, 8075, 13335, 14061, 16276, 24940];

const Params = Type.Object({
  max_speed_kmh: Type.Number({
    default: 1000,
    minimum: 1,
    description: 'implied speed above which travel is impossible',
  }),
  min_distance_km: Type.Number({
    default: 500,
    minimum: 0,
    description: 'distance (after accuracy radii) below which two places count as the same area',
  }),
  default_accuracy_km: Type.Number({
    default: 50,
    minimum: 0,
    description: 'accuracy radius assumed when a geolocation reports none (or 0)',
  }),
  ...trustedNetworkParams,
  hosting_asns: Type.Array(Type.Integer({ minimum: 0 }), {
    default: DEFAULT_HOSTING_ASNS,
    description: 'cloud and hosting autonomous systems, whose geolocation is where the server is',
  }),
  hosting_asn_action: Type.Union([Type.Literal('suppress'), Type.Literal('downgrade')], {
    default: 'downgrade',
    description: 'what a hosting ASN on either end does: suppress the finding or halve its severity',
  }),
});
type Params = Static<typeof Params>;

const EARTH_RADIUS_KM = 6371;
const RADIANS = Math.PI / 180;
const HOUR_MS = 3_600_000;
/** Two fixes closer in time than this are treated as this far apart, so the speed stays finite. */
const MIN_INTERVAL_MS = 60_000;

/** Great-circle distance in km between two points (haversine formula, R. W. Sinnott 1984). */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RADIANS;
  const dLon = (lon2 - lon1) * RADIANS;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const TRAVEL_ACTIONS: ReadonlySet<AuthAction> = new Set<AuthAction>([
  'sign_in',
  'token_issue',
  'token_refresh',
  'token_use',
]);

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

export const impossibleTravel: DetectorDefinition<Params> = {
  name: 'impossible_travel',
  kind: 'auth',
  description:
    'Successful activity from a place too far from the last known location to have travelled there in time.',
  params: Params,
  create(params): AuthDetector {
    const trusted = new TrustedNetworks(params, 'impossible_travel');
    const hostingAsns: ReadonlySet<number> = new Set(params.hosting_asns);
    const defaultAccuracy = params.default_accuracy_km;
    const last: GeoPoint = { lat: 0, lon: 0, accuracyKm: 0, time: 0 };

    return {
      name: 'impossible_travel',
      kind: 'auth',
      inspect(event, { profile, environment }) {
        if (event.outcome !== 'success' || !TRAVEL_ACTIONS.has(event.action)) return undefined;
        const geo = event.geo;
        if (geo?.lat === undefined || geo.lon === undefined) return undefined;
        if (!profile.lastLocationInto(last)) return undefined;
        const rawKm = greatCircleKm(last.lat, last.lon, geo.lat, geo.lon);
        const marginKm = (last.accuracyKm || defaultAccuracy) + (geo.accuracy_km || defaultAccuracy);
        const distanceKm = rawKm - marginKm;
        if (distanceKm <= params.min_distance_km) return undefined;
        const hours = Math.max(event.time - last.time, MIN_INTERVAL_MS) / HOUR_MS;
        const speedKmh = distanceKm / hours;
        if (speedKmh <= params.max_speed_kmh) return undefined;

        // Firing path from here on: the false-positive filters.
        const previousAsn = profile.lastLocatedAsn;
        const intel = environment?.intel;
        if (
          trusted.has(event.src_ip, event.asn, intel) ||
          trusted.has(profile.lastLocatedIp, previousAsn, intel)
        )
          return undefined;
        const hosting =
          (event.asn !== undefined && hostingAsns.has(event.asn)) ||
          (previousAsn !== undefined && hostingAsns.has(previousAsn));
        if (hosting && params.hosting_asn_action === 'suppress') return undefined;
        // 0.55 just past the limit, 0.95 at eight times it (half an hour for a 4,000 km trip).
        const base = 0.55 + 0.4 * Math.min(1, Math.log2(speedKmh / params.max_speed_kmh) / 3);
        const from =
          [profile.lastCity, profile.lastCountry].filter(Boolean).join(', ') || 'the last known location';
        const to = [geo.city, geo.country].filter(Boolean).join(', ') || 'an unknown place';
        const previousEventId = profile.lastLocatedEventId;
        const finding: Finding = {
          detector: 'impossible_travel',
          severity: severity(hosting ? base / 2 : base),
          summary: `${event.action} from ${to}, ${Math.round(distanceKm)} km from ${from} within ${round(hours, 2)} hours (${Math.round(speedKmh)} km/h)`,
          evidence: {
            from_city: profile.lastCity,
            from_country: profile.lastCountry,
            to_city: geo.city,
            to_country: geo.country,
            distance_km: Math.round(distanceKm),
            great_circle_km: Math.round(rawKm),
            accuracy_margin_km: Math.round(marginKm),
            hours: round(hours, 3),
            speed_kmh: Math.round(speedKmh),
            max_speed_kmh: params.max_speed_kmh,
            src_ip: event.src_ip,
            asn: event.asn,
            previous_asn: previousAsn,
            hosting_network: hosting,
            previous_event_id: previousEventId,
          },
          relatedEventIds: previousEventId ? [previousEventId] : undefined,
        };
        const listed = intel?.matchOf(event.src_ip);
        if (listed) finding.evidence.source_intel = listed;
        return finding;
      },
    };
  },
};
