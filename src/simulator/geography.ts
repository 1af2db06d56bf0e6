/**
 * The simulator's map: real cities with their country, coordinates, a fixed
 * UTC offset (daylight saving is ignored on purpose, so local hours are stable)
 * and the residential ISPs (autonomous systems) that serve them, plus the
 * hosting networks attackers rent. Great-circle distance is the haversine
 * formula. This module owns geography only; it never draws random numbers.
 */

export interface City {
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lon: number;
  /** Fixed offset from UTC in minutes. */
  utcOffsetMinutes: number;
  /** Residential ISP autonomous system numbers. */
  isps: readonly number[];
  /** Relative chance of being a user's home (0 = never a home). */
  homeWeight: number;
}

const c = (
  name: string,
  country: string,
  lat: number,
  lon: number,
  utcOffsetHours: number,
  isps: readonly number[],
  homeWeight: number,
): City => ({ name, country, lat, lon, utcOffsetMinutes: utcOffsetHours * 60, isps, homeWeight });

export const CITIES: readonly City[] = [
  c('London', 'GB', 51.5074, -0.1278, 0, [2856, 5089], 12),
  c('Manchester', 'GB', 53.4808, -2.2426, 0, [2856, 5607], 3),
  c('Dublin', 'IE', 53.3498, -6.2603, 0, [5466, 6830], 3),
  c('Lisbon', 'PT', 38.7223, -9.1393, 0, [3243, 12353], 2),
  c('Paris', 'FR', 48.8566, 2.3522, 1, [3215, 12322], 6),
  c('Berlin', 'DE', 52.52, 13.405, 1, [3320, 6805], 8),
  c('Munich', 'DE', 48.1351, 11.582, 1, [3320, 8881], 4),
  c('Amsterdam', 'NL', 52.3676, 4.9041, 1, [1136, 33915], 4),
  c('Madrid', 'ES', 40.4168, -3.7038, 1, [3352, 12479], 3),
  c('Milan', 'IT', 45.4642, 9.19, 1, [3269, 30722], 2),
  c('Zurich', 'CH', 47.3769, 8.5417, 1, [3303, 6730], 2),
  c('Stockholm', 'SE', 59.3293, 18.0686, 1, [3301, 1257], 2),
  c('Warsaw', 'PL', 52.2297, 21.0122, 1, [5617, 12741], 3),
  c('New York', 'US', 40.7128, -74.006, -5, [701, 12271], 10),
  c('Boston', 'US', 42.3601, -71.0589, -5, [7922, 701], 4),
  c('Toronto', 'CA', 43.6532, -79.3832, -5, [577, 812], 3),
  c('Chicago', 'US', 41.8781, -87.6298, -6, [7922, 7018], 4),
  c('Austin', 'US', 30.2672, -97.7431, -6, [7018, 11427], 3),
  c('Mexico City', 'MX', 19.4326, -99.1332, -6, [8151, 13999], 1),
  c('Denver', 'US', 39.7392, -104.9903, -7, [7922, 209], 2),
  c('San Francisco', 'US', 37.7749, -122.4194, -8, [7018, 7922], 8),
  c('Seattle', 'US', 47.6062, -122.3321, -8, [7922, 20115], 3),
  c('Vancouver', 'CA', 49.2827, -123.1207, -8, [852, 6327], 2),
  c('Sao Paulo', 'BR', -23.5505, -46.6333, -3, [28573, 18881], 2),
  c('Buenos Aires', 'AR', -34.6037, -58.3816, -3, [7303, 22927], 1),
  c('Johannesburg', 'ZA', -26.2041, 28.0473, 2, [5713, 36994], 1),
  c('Dubai', 'AE', 25.2048, 55.2708, 4, [5384, 15802], 1),
  c('Bangalore', 'IN', 12.9716, 77.5946, 5.5, [24560, 55836], 6),
  c('Singapore', 'SG', 1.3521, 103.8198, 8, [9506, 4657], 4),
  c('Seoul', 'KR', 37.5665, 126.978, 9, [4766, 9318], 1),
  c('Tokyo', 'JP', 35.6762, 139.6503, 9, [2516, 4713], 3),
  c('Sydney', 'AU', -33.8688, 151.2093, 10, [1221, 4804], 3),
  c('Ho Chi Minh City', 'VN', 10.8231, 106.6297, 7, [7552, 45899], 0),
  c('Jakarta', 'ID', -6.2088, 106.8456, 7, [7713, 17974], 0),
  c('Lagos', 'NG', 6.5244, 3.3792, 1, [36873, 29465], 0),
  c('Istanbul', 'TR', 41.0082, 28.9784, 3, [9121, 34984], 0),
  c('Kyiv', 'UA', 50.4501, 30.5234, 2, [3326, 15895], 0),
  c('Lima', 'PE', -12.0464, -77.0428, -5, [6147, 12252], 0),
];

/** Hosting networks (cloud and VPS providers) and where their addresses geolocate. */
export interface HostingNetwork {
  asn: number;
  city: City;
}

const cityNamed = (name: string): City => CITIES.find((city) => city.name === name)!;

export const HOSTING_NETWORKS: readonly HostingNetwork[] = [
  { asn: 14061, city: cityNamed('Amsterdam') },
  { asn: 16276, city: cityNamed('Paris') },
  { asn: 24940, city: cityNamed('Munich') },
  { asn: 63949, city: cityNamed('Singapore') },
  { asn: 20473, city: cityNamed('Sao Paulo') },
  { asn: 45102, city: cityNamed('Jakarta') },
  { asn: 9009, city: cityNamed('Kyiv') },
];

/** Where service accounts' jobs run: a cloud region per entry. */
export const DATACENTERS: readonly HostingNetwork[] = [
  { asn: 16509, city: c('Ashburn', 'US', 39.0438, -77.4874, -5, [], 0) },
  { asn: 16509, city: c('Frankfurt', 'DE', 50.1109, 8.6821, 1, [], 0) },
  { asn: 15169, city: c('Council Bluffs', 'US', 41.2619, -95.8608, -6, [], 0) },
];

/** The company's own VPN concentrators: one AS, one country, a few egress addresses. */
export const CORPORATE_VPN = {
  asn: 64500,
  city: c('Frankfurt', 'DE', 50.1109, 8.6821, 1, [], 0),
  ips: ['198.51.100.10', '198.51.100.11', '198.51.100.12'],
} as const;

const EARTH_RADIUS_KM = 6371;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Cruising speed used for plausible travel, and the fixed overhead (airports, transfers). */
export const FLIGHT_KMH = 800;
export const TRAVEL_OVERHEAD_MS = 2 * 3600_000;

/** Shortest plausible door-to-door time between two places. */
export function plausibleTravelMs(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const km = distanceKm(a, b);
  if (km < 50) return 0;
  return (km / FLIGHT_KMH) * 3600_000 + TRAVEL_OVERHEAD_MS;
}

export const HOME_CITIES: readonly City[] = CITIES.filter((city) => city.homeWeight > 0);
