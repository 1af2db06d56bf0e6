/**
 * The one parser of IP address text in Vigil: dotted-quad IPv4 (RFC 791, no
 * leading zeros), IPv6 with `::` compression, an embedded IPv4 tail and an
 * optional zone id (RFC 4291 §2.2), IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), and
 * CIDR prefixes (RFC 4632). Detector parameter ranges (src/detectors/cidr.ts)
 * and threat-intel lists (src/intel/) both parse with it.
 *
 * Everything here runs on the hot path (one source address per event): it
 * reads characters in place and writes into caller-owned typed arrays, so it
 * never allocates, and it never throws on bad input (it returns -1 / false).
 * It must never resolve names or touch the network.
 */

/** Parses dotted-quad IPv4 in `text[start, end)` into an unsigned 32-bit number, or -1. */
export function parseIpv4(text: string, start = 0, end = text.length): number {
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

/** Value of each hex digit by character code (ASCII), -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/**
 * Parses IPv6 text in `text[start, end)` (with optional `::`, IPv4 tail and
 * `%zone`) into 8 groups in `out`; returns false when it is not IPv6.
 */
export function parseIpv6(text: string, out: Uint16Array, start = 0, end = text.length): boolean {
  const zone = text.indexOf('%', start); // the zone id says which interface, not which address
  if (zone >= 0 && zone < end) end = zone;
  if (end - start < 2) return false;
  let count = 0;
  let gapAt = -1;
  let i = start;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false; // a lone leading ':'
    gapAt = 0;
    i += 2;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    let digits = 0;
    while (i < end) {
      const code = text.charCodeAt(i);
      const digit = code < 128 ? HEX_VALUE[code] : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // An embedded IPv4 address closes the text and fills the last two groups.
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 < 0 || count > 6) return false;
      out[count++] = v4 >>> 16;
      out[count++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4 || count >= 8) return false;
    out[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gapAt >= 0) return false; // `::` at most once
      gapAt = count;
      i++;
    } else if (i === end) {
      return false; // a lone trailing ':'
    }
  }
  if (gapAt < 0) return count === 8;
  if (count > 7) return false;
  const tail = count - gapAt;
  for (let k = tail - 1; k >= 0; k--) out[8 - tail + k] = out[gapAt + k];
  for (let k = gapAt; k < 8 - tail; k++) out[k] = 0;
  return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or -1. */
export function mappedIpv4(groups: Uint16Array): number {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return -1;
  if (groups[5] !== 0xffff) return -1;
  return groups[6] * 65536 + groups[7];
}

/** Network mask of an IPv4 prefix length, unsigned. */
export const maskV4 = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** A parsed CIDR prefix: IPv4 in `v4`, or IPv6 in `groups`; the network bits beyond `length` are zeroed. */
export interface ParsedPrefix {
  family: 4 | 6;
  /** IPv4 network, unsigned (family 4). */
  v4: number;
  /** IPv6 network, 8 groups (family 6); caller-owned, reused between calls. */
  groups: Uint16Array;
  length: number;
}

/** A reusable ParsedPrefix for `parsePrefix`. */
export function prefixScratch(): ParsedPrefix {
  return { family: 4, v4: 0, groups: new Uint16Array(8), length: 0 };
}

/**
 * Parses `address` or `address/length` (a bare address is a /32 or /128) into
 * `out`, zeroing host bits. An IPv4-mapped IPv6 prefix of length 96 or more
 * becomes the IPv4 prefix it denotes, so lists written either way match the
 * same addresses. Returns false when the text is not a prefix.
 */
export function parsePrefix(text: string, out: ParsedPrefix): boolean {
  const slash = text.indexOf('/');
  const addressEnd = slash >= 0 ? slash : text.length;
  let length = -1;
  if (slash >= 0) {
    if (text.length - slash - 1 < 1 || text.length - slash - 1 > 3) return false;
    length = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) return false;
      length = length * 10 + (code - 48);
    }
  }
  const v4 = parseIpv4(text, 0, addressEnd);
  if (v4 >= 0) {
    if (length > 32) return false;
    out.family = 4;
    out.length = length < 0 ? 32 : length;
    out.v4 = (v4 & maskV4(out.length)) >>> 0;
    return true;
  }
  if (!parseIpv6(text, out.groups, 0, addressEnd)) return false;
  if (length > 128) return false;
  out.length = length < 0 ? 128 : length;
  const mapped = mappedIpv4(out.groups);
  if (mapped >= 0 && out.length >= 96) {
    out.family = 4;
    out.length -= 96;
    out.v4 = (mapped & maskV4(out.length)) >>> 0;
    return true;
  }
  out.family = 6;
  for (let g = 0; g < 8; g++) {
    const bits = Math.min(16, Math.max(0, out.length - g * 16));
    out.groups[g] &= bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
  }
  return true;
}
