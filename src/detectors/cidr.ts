/**
 * A set of IPv4 and IPv6 address ranges in CIDR notation (RFC 4632, RFC 4291
 * §2.3), parsed once when a detector is created and matched against event
 * source addresses. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, RFC 4291
 * §2.5.5.2) match IPv4 ranges. Matching never throws: an address that does not
 * parse is simply not in the set. It must never resolve names or touch the
 * network.
 */
import { errors } from '../errors.js';

/** Scratch for parsing the address being matched; the engine is single-threaded. */
const scratch = new Uint16Array(8);

/** Parses dotted-quad IPv4 into an unsigned 32-bit number, or -1. */
function parseIpv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : 46; // a virtual '.' closes the last octet
    if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1; // no leading zeros (RFC 6943 §3.1.1 ambiguity)
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (code === 46) {
      if (digits === 0 || ++parts > 4) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * Parses one run of colon-separated hex groups (the part of an IPv6 address on
 * one side of `::`) into `out` from index `at`; the last group may be a dotted
 * IPv4 address when `allowIpv4Tail`. Returns the number of groups written, or -1.
 */
function parseGroups(
  text: string,
  start: number,
  end: number,
  out: Uint16Array,
  at: number,
  allowIpv4Tail: boolean,
): number {
  if (start === end) return 0;
  let written = 0;
  let groupStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 58) continue; // ':'
    const group = text.slice(groupStart, i);
    if (i === end && allowIpv4Tail && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (v4 < 0 || at + written + 2 > 8) return -1;
      out[at + written++] = v4 >>> 16;
      out[at + written++] = v4 & 0xffff;
      return written;
    }
    if (!HEX_GROUP.test(group) || at + written >= 8) return -1;
    out[at + written++] = Number.parseInt(group, 16);
    groupStart = i + 1;
  }
  return written;
}

/** Parses IPv6 text (with optional `::` and zone id) into 8 groups; returns false when it is not IPv6. */
function parseIpv6(text: string, out: Uint16Array): boolean {
  const zone = text.indexOf('%');
  const end = zone >= 0 ? zone : text.length;
  const gap = text.indexOf('::');
  out.fill(0);
  if (gap < 0 || gap >= end) return parseGroups(text, 0, end, out, 0, true) === 8;
  if (text.indexOf('::', gap + 1) >= 0 && text.indexOf('::', gap + 1) < end) return false;
  const head = parseGroups(text, 0, gap, out, 0, false);
  if (head < 0) return false;
  const tail = new Uint16Array(8);
  const tailCount = parseGroups(text, gap + 2, end, tail, 0, true);
  if (tailCount < 0 || head + tailCount > 7) return false;
  out.set(tail.subarray(0, tailCount), 8 - tailCount);
  return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, or -1. */
function mappedIpv4(groups: Uint16Array): number {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return -1;
  if (groups[5] !== 0xffff) return -1;
  return groups[6] * 65536 + groups[7];
}

const maskV4 = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

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
