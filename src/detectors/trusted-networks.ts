/**
 * Corporate and VPN egress, as detectors configure it: address ranges and
 * autonomous systems whose geolocation and network say where the company's
 * concentrator is, not where the person is. Detectors that judge location
 * (impossible_travel, new_device_location) share these two parameters, with
 * the same names and meaning, so one pipeline setting reads the same for both.
 */
import { Type } from '@sinclair/typebox';
import { CidrSet } from './cidr.js';

/** Parameter members to spread into a detector's TypeBox params. */
export const trustedNetworkParams = {
  trusted_cidrs: Type.Array(Type.String(), {
    default: [],
    description:
      'corporate / VPN egress ranges (IPv4 or IPv6 CIDR) that say nothing about where the person is',
  }),
  trusted_asns: Type.Array(Type.Integer({ minimum: 0 }), {
    default: [],
    description: 'corporate / VPN autonomous systems that say nothing about where the person is',
  }),
};

export class TrustedNetworks {
  private readonly cidrs: CidrSet;
  private readonly asns: ReadonlySet<number>;

  /** `detector` names the configuration key in errors. */
  constructor(
    params: { trusted_cidrs: readonly string[]; trusted_asns: readonly number[] },
    detector: string,
  ) {
    this.cidrs = CidrSet.parse(params.trusted_cidrs, `/detectors/${detector}/trusted_cidrs`);
    this.asns = new Set(params.trusted_asns);
  }

  /** Whether an address or ASN is corporate / VPN egress; either may be unknown. */
  has(ip: string | undefined, asn: number | undefined): boolean {
    return (asn !== undefined && this.asns.has(asn)) || (ip !== undefined && this.cidrs.has(ip));
  }
}
