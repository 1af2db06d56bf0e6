/**
 * Canonical JSON for hashing and signing audit data: the one serialisation
 * whose bytes the audit chain's hashes and the export bundle's signature
 * cover. Rules (a subset of RFC 8785, JSON Canonicalization Scheme):
 * object members sorted by key (UTF-16 code unit order, as Array.prototype.sort
 * compares strings), no whitespace, strings and numbers exactly as
 * JSON.stringify writes them (ECMAScript shortest round-trip numbers, which is
 * what RFC 8785 prescribes), array order kept, members whose value is
 * `undefined` left out. Must never accept what JSON cannot carry
 * faithfully: non-finite numbers, bigints, functions and symbols throw.
 */

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${message} (at ${path || '(root)'})`);
    this.name = 'CanonicalJsonError';
  }
}

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `non-finite number ${value}`);
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'object':
      if (Array.isArray(value)) writeArray(value, path, out);
      else writeObject(value as Record<string, unknown>, path, out);
      return;
    default:
      throw new CanonicalJsonError(path, `${typeof value} has no JSON form`);
  }
}

function writeArray(values: readonly unknown[], path: string, out: string[]): void {
  out.push('[');
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out.push(',');
    // JSON.stringify writes undefined array members as null; so do we.
    const member = values[i];
    if (member === undefined) out.push('null');
    else write(member, `${path}/${i}`, out);
  }
  out.push(']');
}

function writeObject(object: Record<string, unknown>, path: string, out: string[]): void {
  const keys = Object.keys(object).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(member, `${path}/${key}`, out);
  }
  out.push('}');
}

/** The canonical JSON text of `value` (see the module comment for the rules). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}
