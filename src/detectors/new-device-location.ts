/**
 * New device from a new place: a successful sign-in on a device this identity
 * has never used, from a country or network it has never used either. Each
 * alone is ordinary (a new phone at home, a trip with the usual laptop);
 * together they are how a stolen credential looks from the outside. Only
 * judged on a mature baseline, where "never seen" means something. Corporate
 * and VPN egress (trusted_cidrs / trusted_asns) is not a new place: a new
 * laptop's first sign-in through the company VPN stays quiet, and for someone
 * only ever seen through the VPN, the VPN's country is not theirs, so only a
 * new network counts. Corporate egress in the pipeline's threat-intel lists
 * counts as trusted too; when the address is in a list, the evidence names
 * its categories.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { AuthProfile } from '../baseline/auth-profile.js';
import type { IntelLookup } from '../intel/lookup.js';
import { TrustedNetworks, trustedNetworkParams } from './trusted-networks.js';
import { type AuthDetector, type DetectorDefinition, type Finding, severity } from './types.js';

const Params = Type.Object({
  ...trustedNetworkParams,
  severity_all_new: Type.Number({
    default: 0.7,
    minimum: 0,
    maximum: 1,
    description: 'severity when device, country and network are all new',
  }),
  severity_new_country: Type.Number({
    default: 0.45,
    minimum: 0,
    maximum: 1,
    description: 'severity when the device and the country are new but the network is known',
  }),
  severity_new_network: Type.Number({
    default: 0.35,
    minimum: 0,
    maximum: 1,
    description: 'severity when the device and the network (ASN) are new in a known country',
  }),
});
type Params = Static<typeof Params>;

/** Whether every network this identity is known to use is corporate / VPN egress. */
function onlyEgressHistory(profile: AuthProfile, trusted: TrustedNetworks, intel?: IntelLookup): boolean {
  const asns = profile.asns.entries();
  if (asns.length > 0 && asns.every((entry) => trusted.has(undefined, Number(entry.value)))) return true;
  const ips = profile.ips.entries();
  return ips.length > 0 && ips.every((entry) => trusted.has(entry.value, undefined, intel));
}

export const newDeviceLocation: DetectorDefinition<Params> = {
  name: 'new_device_location',
  kind: 'auth',
  description: 'Successful sign-in from a never-seen device in a never-seen country or network.',
  params: Params,
  create(params): AuthDetector {
    const trusted = new TrustedNetworks(params, 'new_device_location');
    return {
      name: 'new_device_location',
      kind: 'auth',
      inspect(event, { profile, environment }) {
        if (event.action !== 'sign_in' || event.outcome !== 'success') return undefined;
        const device = event.device?.id;
        if (!device || !profile.isMature || profile.devices.has(device)) return undefined;
        const country = event.geo?.country;
        const unseenCountry = country !== undefined && !profile.countries.has(country);
        const newAsn = event.asn !== undefined && !profile.asns.has(String(event.asn));
        const intel = environment?.intel;
        if ((!unseenCountry && !newAsn) || trusted.has(event.src_ip, event.asn, intel)) return undefined;
        // Countries learned only through corporate egress are the concentrator's, not the person's.
        const newCountry = unseenCountry && !onlyEgressHistory(profile, trusted, intel);
        if (!newCountry && !newAsn) return undefined;
        const level =
          newCountry && newAsn
            ? params.severity_all_new
            : newCountry
              ? params.severity_new_country
              : params.severity_new_network;
        const what = newCountry && newAsn ? 'country and network' : newCountry ? 'country' : 'network';
        const finding: Finding = {
          detector: 'new_device_location',
          severity: severity(level),
          summary: `Sign-in from a new device ${device} in a new ${what} (${country ?? 'unknown country'}, AS${event.asn ?? '?'})`,
          evidence: {
            device,
            device_managed: event.device?.managed,
            country,
            city: event.geo?.city,
            asn: event.asn,
            new_country: newCountry,
            only_seen_through_egress: unseenCountry && !newCountry,
            new_asn: newAsn,
            known_devices: profile.devices.size,
            known_countries: profile.countries.entries().map((entry) => entry.value),
            known_asns: profile.asns.entries().map((entry) => Number(entry.value)),
            src_ip: event.src_ip,
          },
        };
        const listed = intel?.matchOf(event.src_ip);
        if (listed) finding.evidence.source_intel = listed;
        return finding;
      },
    };
  },
};
