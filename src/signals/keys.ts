/**
 * The transmitter's signing key: one ES256 key pair, generated on first
 * start and persisted (private JWK, file mode 0600) in the configured keys
 * directory, so SETs signed before and after a restart verify against the same
 * JWKS. `kid` is the key's RFC 7638 thumbprint. Signs SETs as JWS with the
 * RFC 8417 header `typ: secevent+jwt`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

export const SET_ALGORITHM = 'ES256';
const KEY_FILE = 'signing-key.es256.jwk.json';

export interface SigningKey {
  kid: string;
  /** Public half, as published on the JWKS endpoint. */
  publicJwk: JWK;
  sign(payload: Record<string, unknown>): Promise<string>;
  /** Signs a non-SET JWS with the same key and the given `typ` (audit checkpoints, src/audit/checkpoints.ts). */
  signTyped?(payload: Record<string, unknown>, typ: string): Promise<string>;
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y };
}

async function fromPrivateJwk(privateJwk: JWK): Promise<SigningKey> {
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicPart(privateJwk)));
  const key = await importJWK(privateJwk, SET_ALGORITHM);
  const publicJwk: JWK = { ...publicPart(privateJwk), kid, alg: SET_ALGORITHM, use: 'sig' };
  return {
    kid,
    publicJwk,
    sign: (payload) =>
      new SignJWT(payload).setProtectedHeader({ alg: SET_ALGORITHM, typ: 'secevent+jwt', kid }).sign(key),
    signTyped: (payload, typ) =>
      new SignJWT(payload).setProtectedHeader({ alg: SET_ALGORITHM, typ, kid }).sign(key),
  };
}

/** Loads the key from `dir` when it exists (never creates one: for tools that only verify or export). */
export async function loadExistingSigningKey(dir: string): Promise<SigningKey | undefined> {
  const path = join(dir, KEY_FILE);
  return existsSync(path) ? fromPrivateJwk(JSON.parse(readFileSync(path, 'utf8')) as JWK) : undefined;
}

/** Loads the key from `dir`, creating it (and the directory) on first use. */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  const path = join(dir, KEY_FILE);
  if (existsSync(path)) return fromPrivateJwk(JSON.parse(readFileSync(path, 'utf8')) as JWK);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(SET_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(publicPart(jwk));
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return fromPrivateJwk(jwk);
}
