/**
 * Corporate and VPN egress, as detectors configure it: address ranges and
 * autonomous systems whose geolocation and network say where the company's
 * concentrator is, not where the person is. Detectors that judge location
 * (impossible_travel, new_device_location) share these two parameters, with
 * the same names and meaning, so one pipeline setting reads the same for both.
 * Ranges in the pipeline's threat-intel lists with the category
 * `corporate_egress` (src/intel/) count too, when the detector passes the lists.
 */
import { Type } from '@sinclair/typebox';
import { CORPORATE_EGRESS } from '../intel/categories.js';
import type { IntelLookup } from '../intel/lookup.js';
import { CidrSet } from './cidr.js';

/** Parameter members to spread into a detector's TypeBox params. */
export const trustedNetworkParams = {
  trusted_cidrs: Type.Array(Type.String(), {
    default: [],
    description:
      'corporate / VPN egress ranges (IPv4 or IPv6 CIDR) that say nothing about where the person is; ranges of category corporate_egress in the intel lists count too (docs/intel.md)',
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

  /**
   * Whether an address or ASN is corporate / VPN egress; either may be unknown.
   * `intel` (the detector context's `environment.intel`) adds the lists' corporate_egress ranges.
   */
  has(ip: string | undefined, asn: number | undefined, intel?: IntelLookup): boolean {
    return (
      (asn !== undefined && this.asns.has(asn)) ||
      (ip !== undefined && this.cidrs.has(ip)) ||
      (intel !== undefined && (intel.categoriesOf(ip) & CORPORATE_EGRESS) !== 0)
    );
  }
}
