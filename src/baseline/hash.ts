/**
 * 32-bit FNV-1a string hash. Used where the baseline keeps a fingerprint of a
 * value instead of the value (user agents, ring buffers of recent peers) and to
 * map identities to partitions. Not a security primitive.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
