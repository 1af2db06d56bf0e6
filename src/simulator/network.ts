/**
 * Network locations: an IP address with the autonomous system and geolocation
 * a GeoIP database would report for it. Residential and hosting ASNs each own
 * a /18 of the shared address space 100.64.0.0/10 (RFC 6598), so addresses
 * look ordinary, never collide between networks and never point at real hosts.
 * Datacenter and VPN egress use the documentation ranges (RFC 5737).
 */
import type { Geo } from '../events/schema.js';
import { CITIES, type City, CORPORATE_VPN, HOSTING_NETWORKS, type HostingNetwork } from './geography.js';
import type { Random } from './random.js';

export interface Place {
  ip: string;
  asn: number;
  geo: Geo;
}

const ASN_BLOCK = new Map<number, number>();
for (const asn of [...CITIES.flatMap((city) => city.isps), ...HOSTING_NETWORKS.map((net) => net.asn)]) {
  if (!ASN_BLOCK.has(asn)) ASN_BLOCK.set(asn, ASN_BLOCK.size);
}

/** Geolocation accuracy radius reported for consumer and hosting addresses. */
const ACCURACY_KM = 25;

function geoOf(rng: Random, city: City): Geo {
  return {
    country: city.country,
    city: city.name,
    lat: Math.round((city.lat + rng.between(-0.05, 0.05)) * 1e4) / 1e4,
    lon: Math.round((city.lon + rng.between(-0.05, 0.05)) * 1e4) / 1e4,
    accuracy_km: ACCURACY_KM,
  };
}

/** A random host address inside the ASN's /18. */
export function addressIn(rng: Random, asn: number): string {
  const block = ASN_BLOCK.get(asn);
  if (block === undefined) throw new Error(`simulator: no address block for AS${asn}`);
  const second = 64 + (block >> 2);
  const third = (block & 3) * 64 + rng.int(0, 63);
  return `100.${second}.${third}.${rng.int(1, 254)}`;
}

/** A consumer connection in `city`, on one of its ISPs unless `asn` is given. */
export function residentialPlace(rng: Random, city: City, asn: number = rng.pick(city.isps)): Place {
  return { ip: addressIn(rng, asn), asn, geo: geoOf(rng, city) };
}

export function hostingPlace(rng: Random, network: HostingNetwork): Place {
  return { ip: addressIn(rng, network.asn), asn: network.asn, geo: geoOf(rng, network.city) };
}

/** A datacenter egress address (documentation range 203.0.113.0/24). */
export function datacenterPlace(rng: Random, network: HostingNetwork, host: number): Place {
  return { ip: `203.0.113.${host}`, asn: network.asn, geo: geoOf(rng, network.city) };
}

/** The corporate VPN egress addresses, each a fixed place. */
export function corporateVpnPlaces(rng: Random): Place[] {
  return CORPORATE_VPN.ips.map((ip) => ({ ip, asn: CORPORATE_VPN.asn, geo: geoOf(rng, CORPORATE_VPN.city) }));
}

/** A copy that callers may hand out inside an event without sharing objects between events. */
export function geoCopy(place: Place): Geo {
  return { ...place.geo };
}
