/**
 * What detectors, features and the analyzer may ask of the threat-intel
 * lists (`DetectorEnvironment.intel`): the categories of a source address,
 * and for evidence the matching prefix and list. Read-only; implementations
 * must answer `categoriesOf` without allocating.
 */

/** The most specific list entry holding an address. */
export interface IntelMatch {
  /** Category names (the entry's own and those of enclosing prefixes), in bit order. */
  readonly categories: readonly string[];
  /** The matching prefix, normalised (e.g. `185.220.101.0/24`, `2001:db8::/32`). */
  readonly prefix: string;
  /** The list (or lists, comma-separated) the prefix came from. */
  readonly list: string;
}

export interface IntelLookup {
  /** Category mask of the address (bits in src/intel/categories.ts); 0 when in no list or not an address. */
  categoriesOf(address: string | undefined): number;
  /** The matching entry, or undefined. Shared, frozen objects: cheap, but for evidence and facts. */
  matchOf(address: string | undefined): IntelMatch | undefined;
  /** Category names in a mask. */
  namesOf(mask: number): readonly string[];
}
