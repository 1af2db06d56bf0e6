/**
 * Filter building shared by the ClickHouse and SQLite query stores: the same
 * clauses in either placeholder dialect, every user value bound as a
 * parameter, never spliced into SQL text.
 */
import type { AlertFilter } from './queries.js';

const MAX_LIMIT = 10_000;

/** A page size within [1, 10,000]. */
export const clampLimit = (limit: number | undefined, fallback: number): number =>
  Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit ?? fallback)));

/** Renders a named parameter in the store's dialect, e.g. `{identity:String}` or `@identity`. */
export type Placeholder = (name: string, clickhouseType: string) => string;

/** WHERE clauses (and their parameters) for an alert filter's id, identity, detector and severity. */
export function alertFilterClauses(
  filter: AlertFilter,
  where: string[],
  params: Record<string, unknown>,
  placeholder: Placeholder,
): void {
  if (filter.id !== undefined) {
    where.push(`id = ${placeholder('id', 'String')}`);
    params.id = filter.id;
  }
  if (filter.identity !== undefined) {
    where.push(`identity = ${placeholder('identity', 'String')}`);
    params.identity = filter.identity;
  }
  if (filter.detector !== undefined) {
    where.push(`detector = ${placeholder('detector', 'String')}`);
    params.detector = filter.detector;
  }
  if (filter.minSeverity !== undefined) {
    where.push(`severity >= ${placeholder('min_severity', 'Float64')}`);
    params.min_severity = filter.minSeverity;
  }
}
