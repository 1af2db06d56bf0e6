/**
 * What the intel lists say about one event, for `EventFacts.intel` (read by
 * the response policy): the list entry holding its source address (`src_ip`,
 * on any kind of event that carries one). Allocates nothing: no match
 * returns undefined, a match returns the lists' shared frozen entry.
 */
import type { VigilEvent } from '../events/schema.js';
import type { IntelLookup, IntelMatch } from './lookup.js';

export function intelFactOf(intel: IntelLookup | undefined, event: VigilEvent): IntelMatch | undefined {
  if (intel === undefined || event.src_ip === undefined) return undefined;
  return intel.matchOf(event.src_ip);
}
