/**
 * A set of IPv4 and IPv6 address ranges in CIDR notation (RFC 4632, RFC 4291
 * §2.3), parsed once when a detector is created and matched against event
 * source addresses. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, RFC 4291
 * §2.5.5.2) match IPv4 ranges. Matching never throws: an address that does not
 * parse is simply not in the set. It must never resolve names or touch the
 * network. The address parsers live in src/intel/address.ts.
 */
import { errors } from '../errors.js';
import { mappedIpv4, maskV4, parseIpv4, parseIpv6 } from '../intel/address.js';

/** Scratch for parsing the address being matched; the engine is single-threaded. */
const scratch = new Uint16Array(8);

export class CidrSet {
  private constructor(
    /** Per IPv4 range: network and mask, unsigned. */
    private readonly v4: Uint32Array,
    /** Per IPv6 range: 8 groups of the network, then its prefix length in a separate array. */
    private readonly v6: Uint16Array,
    private readonly v6Prefixes: Uint8Array,
  ) {}

  /** Number of ranges. */
  get size(): number {
    return this.v4.length / 2 + this.v6Prefixes.length;
  }

  /**
   * Parses ranges such as `10.0.0.0/8`, `2001:db8::/32` or a bare address
   * (a /32 or /128). `field` names the configuration key in errors.
   */
  static parse(ranges: readonly string[], field: string): CidrSet {
    const v4: number[] = [];
    const v6: number[] = [];
    const v6Prefixes: number[] = [];
    const groups = new Uint16Array(8);
    ranges.forEach((range, index) => {
      const invalid = () =>
        errors.configInvalid(
          `${field}/${index}`,
          `"${range}" is not an IPv4 or IPv6 range in CIDR notation (e.g. 10.0.0.0/8, 2001:db8::/32)`,
        );
      const slash = range.indexOf('/');
      const address = slash >= 0 ? range.slice(0, slash) : range;
      const prefixText = slash >= 0 ? range.slice(slash + 1) : undefined;
      if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw invalid();
      const ipv4 = parseIpv4(address);
      if (ipv4 >= 0) {
        const prefix = prefixText === undefined ? 32 : Number(prefixText);
        if (prefix > 32) throw invalid();
        const mask = maskV4(prefix);
        v4.push((ipv4 & mask) >>> 0, mask);
        return;
      }
      if (!parseIpv6(address, groups)) throw invalid();
      const prefix = prefixText === undefined ? 128 : Number(prefixText);
      if (prefix > 128) throw invalid();
      for (let g = 0; g < 8; g++) {
        const bits = Math.min(16, Math.max(0, prefix - g * 16));
        v6.push(groups[g] & (bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff));
      }
      v6Prefixes.push(prefix);
    });
    return new CidrSet(Uint32Array.from(v4), Uint16Array.from(v6), Uint8Array.from(v6Prefixes));
  }

  /** Whether `ip` lies in one of the ranges; false for anything that does not parse. */
  has(ip: string): boolean {
    if (this.size === 0) return false;
    const ipv4 = parseIpv4(ip);
    if (ipv4 >= 0) return this.hasV4(ipv4);
    if (!parseIpv6(ip, scratch)) return false;
    const mapped = mappedIpv4(scratch);
    if (mapped >= 0 && this.hasV4(mapped)) return true;
    return this.hasV6(scratch);
  }

  private hasV4(address: number): boolean {
    const v4 = this.v4;
    for (let i = 0; i < v4.length; i += 2) {
      if ((address & v4[i + 1]) >>> 0 === v4[i]) return true;
    }
    return false;
  }

  private hasV6(groups: Uint16Array): boolean {
    for (let r = 0; r < this.v6Prefixes.length; r++) {
      const prefix = this.v6Prefixes[r];
      let inside = true;
      for (let g = 0; g < 8 && inside; g++) {
        const bits = Math.min(16, Math.max(0, prefix - g * 16));
        if (bits === 0) break;
        const mask = (0xffff << (16 - bits)) & 0xffff;
        inside = (groups[g] & mask) === this.v6[r * 8 + g];
      }
      if (inside) return true;
    }
    return false;
  }
}
