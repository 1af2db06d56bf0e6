/**
 * Whether a piece of text mentions an identity, and the text with those
 * mentions redacted. A mention is the identity string bounded on both sides
 * by a character that cannot continue an identity name (not a letter, digit,
 * `.`, `_`, `-`, `@`, `/` or `:`), so forgetting `alice@corp.example` does
 * not touch `malice@corp.example`. Used by forget (what to delete or
 * redact) and by tests that search for left-over traces.
 *
 * Never changes text that does not mention the identity.
 */

/** Replaces a redacted mention in text kept for other identities (alert evidence, decision reasons). */
export const REDACTED = '[erased]';

const CONTINUES_NAME = /[\p{L}\p{N}._\-@/:]/u;

function boundedAt(text: string, identity: string, at: number): boolean {
  const before = at > 0 ? text[at - 1] : '';
  const after = text[at + identity.length] ?? '';
  return !(before && CONTINUES_NAME.test(before)) && !(after && CONTINUES_NAME.test(after));
}

/** The identity as it appears inside JSON text (quotes, backslashes and control characters escaped). */
export function jsonForm(identity: string): string {
  return JSON.stringify(identity).slice(1, -1);
}

/** Whether `text` mentions `identity` as a whole name. */
export function mentions(text: string, identity: string): boolean {
  if (identity.length === 0) return false;
  for (let at = text.indexOf(identity); at >= 0; at = text.indexOf(identity, at + 1)) {
    if (boundedAt(text, identity, at)) return true;
  }
  return false;
}

/** `text` with every whole-name mention of `identity` replaced by REDACTED (or `replacement`, e.g. a pseudonym). */
export function redact(text: string, identity: string, replacement = REDACTED): string {
  if (!mentions(text, identity)) return text;
  let out = '';
  let from = 0;
  for (let at = text.indexOf(identity); at >= 0; at = text.indexOf(identity, at + 1)) {
    if (!boundedAt(text, identity, at)) continue;
    out += text.slice(from, at) + replacement;
    from = at + identity.length;
    at = from - 1;
  }
  return out + text.slice(from);
}

/** Whether a JSON-encoded value mentions the identity (raw or in its escaped JSON form). */
export function jsonMentions(json: string, identity: string): boolean {
  return mentions(json, identity) || mentions(json, jsonForm(identity));
}

/**
 * A parsed JSON value with every string and object key that mentions the
 * identity redacted (strings) or renamed (keys). Returns the same shape.
 */
export function redactValue(value: unknown, identity: string, replacement = REDACTED): unknown {
  if (typeof value === 'string') return redact(value, identity, replacement);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, identity, replacement));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[redact(key, identity, replacement)] = redactValue(item, identity, replacement);
    return out;
  }
  return value;
}

/** A JSON text with the identity redacted inside its values; text that is not JSON is redacted as text. */
export function redactJsonText(json: string, identity: string, replacement = REDACTED): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(json), identity, replacement));
  } catch {
    return redact(json, identity, replacement);
  }
}
