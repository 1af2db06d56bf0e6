/**
 * Threat-intelligence categories and their bits. The four built-in categories
 * have fixed bits that detectors test directly; custom names found in CSV
 * lists get the next free bit, once, for the life of the process, so a bit
 * never changes meaning across reloads. A category set is a 32-bit mask.
 *
 * Must never drop or reassign a bit once handed out: masks computed before a
 * reload are still compared after it.
 */

export const ANONYMISER = 1;
export const HOSTING = 2;
export const KNOWN_BAD = 4;
export const CORPORATE_EGRESS = 8;

export const BUILTIN_CATEGORIES = ['anonymiser', 'hosting', 'known_bad', 'corporate_egress'] as const;

/** Most categories one process can tell apart (bits of a 32-bit mask). */
export const MAX_CATEGORIES = 32;

/** Spellings list publishers use for the built-in categories. */
const ALIASES: Readonly<Record<string, string>> = {
  anonymizer: 'anonymiser',
  tor: 'anonymiser',
  tor_exit: 'anonymiser',
  proxy: 'anonymiser',
  vpn: 'anonymiser',
  datacenter: 'hosting',
  cloud: 'hosting',
  malicious: 'known_bad',
  bad: 'known_bad',
  blocklist: 'known_bad',
  corporate: 'corporate_egress',
  egress: 'corporate_egress',
};

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Canonical form of a category name (lower case, `-` and spaces as `_`,
 * aliases resolved), or undefined when it is not a usable name.
 */
export function normaliseCategory(raw: string): string | undefined {
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '_');
  const canonical = ALIASES[name] ?? name;
  return NAME.test(canonical) ? canonical : undefined;
}

export class CategoryRegistry {
  private readonly names: string[] = [...BUILTIN_CATEGORIES];
  private readonly bits = new Map<string, number>(BUILTIN_CATEGORIES.map((name, i) => [name, 1 << i]));
  /** Frozen name lists per mask, so facts and evidence share one array per category set. */
  private readonly namesByMask = new Map<number, readonly string[]>();

  /** The bit of a canonical name, assigning a new one for a custom name; 0 when all 32 are taken. */
  bitOf(name: string): number {
    const known = this.bits.get(name);
    if (known !== undefined) return known;
    if (this.names.length >= MAX_CATEGORIES) return 0;
    const bit = (1 << this.names.length) >>> 0;
    this.names.push(name);
    this.bits.set(name, bit);
    return bit;
  }

  /** The bit of a name already known, or 0 (never assigns). */
  knownBit(name: string): number {
    return this.bits.get(name) ?? 0;
  }

  /** The category names in a mask, in bit order (one shared frozen array per mask). */
  namesOf(mask: number): readonly string[] {
    mask = mask >>> 0;
    let names = this.namesByMask.get(mask);
    if (names === undefined) {
      names = Object.freeze(this.names.filter((_, i) => (mask & (1 << i)) !== 0));
      this.namesByMask.set(mask, names);
    }
    return names;
  }
}
