/**
 * Export bundles: a time range of an audit chain that an auditor can verify
 * offline, with no store and no network. The file is one line of canonical
 * JSON (canonical-json.ts) plus a newline:
 *
 *   { format, chain, from_ms, to_ms, exported_at_ms,
 *     anchor,        // the record just before the range (null when the range starts the chain)
 *     records,       // the range, in seq order (erased ones with `erased` and their digest)
 *     erasures,      // erasure records after the range that list erased records inside it
 *     checkpoints,   // signed checkpoints inside the range
 *     public_jwk,    // the key checkpoints and the bundle are signed with
 *     signature }    // compact JWS (ES256, typ vigil-audit-bundle+jwt) over
 *                    // { digest: SHA-256 of the canonical JSON of every other member, chain, first_seq, last_seq }
 *
 * Offline verification applies the chain's rules (verify.ts): an erased
 * record must be listed by an erasure record inside the range or in
 * `erasures`, each of which must hash to its stored hash.
 *
 * Verification rejects a file that is not exactly its canonical form, so a
 * change of any single byte (even whitespace) is detected. The key inside a
 * bundle proves integrity only; pin the expected key (`--jwk`, or compare
 * its kid with the transmitter's JWKS) to prove origin.
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, importJWK, type JWK, jwtVerify } from 'jose';
import { canonicalJson } from './canonical-json.js';
import { AUDIT_ALGORITHM, type AuditCheckpoint, type AuditSigner } from './checkpoints.js';
import { type AuditRecord, erasedSeqsOf, hashRecord } from './record.js';
import { type AuditStore, recordsOf } from './store.js';
import { GENESIS_START, type VerifyReport, verifyChain } from './verify.js';

export const BUNDLE_FORMAT = 'vigil-audit-bundle/2';
export const BUNDLE_TYP = 'vigil-audit-bundle+jwt';

export interface AuditBundle {
  format: string;
  chain: string;
  from_ms: number;
  to_ms: number;
  exported_at_ms: number;
  anchor: AuditRecord | null;
  records: AuditRecord[];
  /** Erasure records after the range that list erased records inside it. */
  erasures: AuditRecord[];
  checkpoints: AuditCheckpoint[];
  public_jwk: JWK;
  signature: string;
}

const digestOf = (body: Omit<AuditBundle, 'signature'>) =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

export interface ExportRange {
  fromMs: number;
  toMs: number;
}

/** Erasure records after `afterSeq` that list any of `erased` (the first ones to cover each). */
async function laterErasures(
  store: AuditStore,
  chain: string,
  afterSeq: number,
  erased: Set<number>,
): Promise<AuditRecord[]> {
  const found: AuditRecord[] = [];
  if (erased.size === 0) return found;
  for await (const record of recordsOf(store, chain, afterSeq + 1)) {
    const listed = erasedSeqsOf(record).filter((seq) => erased.has(seq));
    if (listed.length === 0) continue;
    found.push(record);
    for (const seq of listed) erased.delete(seq);
    if (erased.size === 0) break;
  }
  return found;
}

/** Builds the bundle for records with time in [fromMs, toMs); returns the file text and the bundle. */
export async function exportBundle(
  store: AuditStore,
  chain: string,
  range: ExportRange,
  signer: AuditSigner,
  now: () => number = Date.now,
): Promise<{ text: string; bundle: AuditBundle }> {
  const first = await store.firstSeqAtOrAfter(chain, range.fromMs);
  const last = await store.lastSeqBefore(chain, range.toMs);
  const records: AuditRecord[] = [];
  if (first !== null && last !== null && last >= first) {
    for await (const record of recordsOf(store, chain, first, last)) records.push(record);
  }
  const firstSeq = records[0]?.seq;
  const anchor =
    firstSeq !== undefined && firstSeq > 1
      ? ((await store.records(chain, firstSeq - 1, 1, firstSeq - 1))[0] ?? null)
      : null;
  const lastSeq = records.at(-1)?.seq ?? 0;
  // Erased records not already covered by an erasure record inside the range.
  const erased = new Set(records.filter((record) => record.erased).map((record) => record.seq));
  for (const record of records) for (const seq of erasedSeqsOf(record)) erased.delete(seq);
  const erasures = await laterErasures(store, chain, lastSeq, erased);
  const checkpoints = (await store.checkpoints(chain)).filter(
    (checkpoint) => firstSeq !== undefined && checkpoint.seq >= firstSeq && checkpoint.seq <= lastSeq,
  );
  const body: Omit<AuditBundle, 'signature'> = {
    format: BUNDLE_FORMAT,
    chain,
    from_ms: range.fromMs,
    to_ms: range.toMs,
    exported_at_ms: Math.floor(now()),
    anchor,
    records,
    erasures,
    checkpoints,
    public_jwk: signer.publicJwk,
  };
  const signature = await signer.sign(
    { digest: digestOf(body), chain, first_seq: firstSeq ?? null, last_seq: records.length ? lastSeq : null },
    BUNDLE_TYP,
  );
  const bundle: AuditBundle = { ...body, signature };
  return { text: `${canonicalJson(bundle)}\n`, bundle };
}

export interface BundleReport {
  ok: boolean;
  /** What failed, when something did. */
  problem?: string;
  kid?: string;
  chain?: VerifyReport;
}

const fail = (problem: string, extra: Partial<BundleReport> = {}): BundleReport => ({
  ok: false,
  problem,
  ...extra,
});

function parseCanonical(text: string): AuditBundle | string {
  if (!text.endsWith('\n')) return 'the file does not end with a newline: it was altered or truncated';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(0, -1));
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a bundle object';
  try {
    if (`${canonicalJson(parsed)}\n` !== text) return 'the file is not in canonical form: it was altered';
  } catch (error) {
    return (error as Error).message;
  }
  const bundle = parsed as AuditBundle;
  if (bundle.format !== BUNDLE_FORMAT) return `unknown format ${JSON.stringify(bundle.format)}`;
  if (!Array.isArray(bundle.records) || !Array.isArray(bundle.checkpoints) || !Array.isArray(bundle.erasures))
    return 'records, erasures or checkpoints missing';
  if (typeof bundle.signature !== 'string' || typeof bundle.public_jwk !== 'object')
    return 'signature or key missing';
  return bundle;
}

async function checkSignature(bundle: AuditBundle, key: JWK): Promise<string | undefined> {
  const { signature, ...body } = bundle;
  const digest = digestOf(body);
  // Base64url can spell the same bytes more than one way (unused low bits of the last character): accept only the canonical spelling.
  const parts = signature.split('.');
  if (
    parts.length !== 3 ||
    parts.some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)
  )
    return 'signature is not a canonically encoded compact JWS';
  let claimed: unknown;
  try {
    claimed = decodeJwt(signature).digest;
  } catch (error) {
    return `signature is not a JWS: ${(error as Error).message}`;
  }
  // Cheap check first: most alterations change the digest.
  if (claimed !== digest) return 'bundle content does not match its signed digest';
  try {
    await jwtVerify(signature, await importJWK(key, AUDIT_ALGORITHM), {
      algorithms: [AUDIT_ALGORITHM],
      typ: BUNDLE_TYP,
    });
  } catch (error) {
    return `bundle signature does not verify: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * Verifies a bundle file's text offline: canonical form, signature (with the
 * bundle's key, or `pinnedJwk` which must then be the bundle's key), the
 * anchor, the chain of records from it, and the checkpoints.
 */
export async function verifyBundleText(text: string, pinnedJwk?: JWK): Promise<BundleReport> {
  const parsed = parseCanonical(text);
  if (typeof parsed === 'string') return fail(parsed);
  const bundle = parsed;
  let kid: string;
  try {
    kid = await calculateJwkThumbprint(bundle.public_jwk);
    if (pinnedJwk && (await calculateJwkThumbprint(pinnedJwk)) !== kid)
      return fail('the bundle is signed with a different key than the pinned one', { kid });
  } catch (error) {
    return fail(`public key unusable: ${(error as Error).message}`);
  }
  const signatureProblem = await checkSignature(bundle, pinnedJwk ?? bundle.public_jwk);
  if (signatureProblem) return fail(signatureProblem, { kid });
  const anchor = bundle.anchor;
  if (anchor && hashRecord(anchor) !== anchor.hash)
    return fail(`anchor record ${anchor.seq} does not hash to its stored hash`, { kid });
  const first = bundle.records[0];
  if (!anchor && first && first.seq !== 1)
    return fail(`the range starts at record ${first.seq} but carries no anchor record`, { kid });
  const chain = await verifyChain({
    chain: bundle.chain,
    records: bundle.records,
    checkpoints: bundle.checkpoints,
    publicJwk: pinnedJwk ?? bundle.public_jwk,
    start: anchor ? { seq: anchor.seq, hash: anchor.hash } : GENESIS_START,
    laterErasures: bundle.erasures,
  });
  if (!chain.ok) return fail(chain.broken?.message ?? 'chain broken', { kid, chain });
  return { ok: true, kid, chain };
}
