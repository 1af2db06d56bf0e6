/**
 * Signed checkpoints of an audit chain: a compact JWS (ES256, RFC 7515) over
 * `{ chain, seq, hash, time }` made with the transmitter's signing key
 * (src/signals/keys.ts), header `typ: vigil-audit-checkpoint+jwt` so it can
 * never be mistaken for a Security Event Token. A checkpoint pins the chain
 * up to `seq`: rewriting any earlier record, even re-hashing everything
 * after it, no longer matches a signature only the key holder can make.
 *
 * Never logs or stores the private key; verification needs only the public JWK.
 */
import { importJWK, type JWK, jwtVerify } from 'jose';
import type { SigningKey } from '../signals/keys.js';

export const CHECKPOINT_TYP = 'vigil-audit-checkpoint+jwt';
export const AUDIT_ALGORITHM = 'ES256';

export interface AuditCheckpoint {
  chain: string;
  seq: number;
  hash: string;
  /** Wall-clock epoch ms when it was signed. */
  time: number;
  kid: string;
  jws: string;
}

/** What signs checkpoints and bundles: the signing key's kid, public half, and a JWS maker with a chosen `typ`. */
export interface AuditSigner {
  kid: string;
  publicJwk: JWK;
  sign(payload: Record<string, unknown>, typ: string): Promise<string>;
}

/** The audit signer backed by the SSF signing key (the same key, a different JWS `typ`). */
export function auditSigner(key: SigningKey): AuditSigner {
  const signTyped = key.signTyped;
  if (!signTyped) throw new Error(`signing key ${key.kid} cannot sign audit checkpoints (no signTyped)`);
  return { kid: key.kid, publicJwk: key.publicJwk, sign: (payload, typ) => signTyped(payload, typ) };
}

export async function signCheckpoint(
  signer: AuditSigner,
  point: { chain: string; seq: number; hash: string; time: number },
): Promise<AuditCheckpoint> {
  const time = Math.floor(point.time);
  const jws = await signer.sign(
    { chain: point.chain, seq: point.seq, hash: point.hash, time },
    CHECKPOINT_TYP,
  );
  return { chain: point.chain, seq: point.seq, hash: point.hash, time, kid: signer.kid, jws };
}

export type CheckpointCheck =
  | { ok: true; seq: number; hash: string; chain: string }
  | { ok: false; reason: string };

/**
 * Verifies a checkpoint's signature with `publicJwk` and that the signed
 * claims are the ones stored beside it. The signed claims are what count:
 * the caller compares them with the chain.
 */
export async function verifyCheckpoint(
  checkpoint: AuditCheckpoint,
  publicJwk: JWK,
): Promise<CheckpointCheck> {
  let claims: Record<string, unknown>;
  try {
    const key = await importJWK(publicJwk, AUDIT_ALGORITHM);
    const verified = await jwtVerify(checkpoint.jws, key, {
      algorithms: [AUDIT_ALGORITHM],
      typ: CHECKPOINT_TYP,
    });
    claims = verified.payload as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `signature does not verify: ${(error as Error).message}` };
  }
  const { chain, seq, hash } = claims;
  if (typeof chain !== 'string' || typeof seq !== 'number' || typeof hash !== 'string')
    return { ok: false, reason: 'signed claims lack chain, seq or hash' };
  if (seq !== checkpoint.seq || hash !== checkpoint.hash || chain !== checkpoint.chain)
    return { ok: false, reason: `stored seq/hash differ from the signed ones (signed seq ${seq})` };
  return { ok: true, seq, hash, chain };
}
