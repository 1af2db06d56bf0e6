/**
 * What every dashboard module shares: JSON shapes from the API, the fetch
 * function views receive, and HTML escaping of any value put into markup.
 */

export type Json = Record<string, unknown>;
export type Get = (path: string) => Promise<unknown | undefined>;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
