import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { importJWK, importSPKI, importX509, type CryptoKey, type JWK } from 'jose';
import type { JwtAlgorithm, JwtKeyConfig } from './schema.js';

export type VerifyKey = CryptoKey | Uint8Array;

/** A verification key pinned to exactly one algorithm. */
export interface PinnedKey {
  readonly kid: string | undefined;
  readonly alg: JwtAlgorithm;
  readonly key: VerifyKey;
}

export const isHmac = (alg: string): boolean => alg.startsWith('HS');

/**
 * A string that is really a public key must never become an HMAC secret: that is the RS256-to-HS256
 * confusion attack (the attacker signs with the public key as the shared secret). Catches PEM (with any
 * leading whitespace), JWK JSON and bare base64 DER of an SPKI.
 */
export function looksLikePublicKey(secret: string): boolean {
  const s = secret.trim();
  return /-----BEGIN [A-Z ]+-----/.test(s) || (s.startsWith('{') && /"kty"\s*:/.test(s)) || /^MI[IG][A-Za-z0-9+/]/.test(s);
}

/** Load one configured key; throws an Error with a config-style message when it is unusable. */
export async function loadKey(c: JwtKeyConfig, baseDir: string): Promise<PinnedKey> {
  const sources = [c.secret, c.secretBase64, c.pem, c.pemFile, c.jwk, c.jwkFile].filter((x) => x !== undefined);
  if (sources.length !== 1) throw new Error('exactly one of secret, secretBase64, pem, pemFile, jwk, jwkFile is required');
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (isHmac(c.alg)) {
    const raw = c.secret ?? (c.secretBase64 === undefined ? undefined : Buffer.from(c.secretBase64, 'base64').toString('latin1'));
    if (raw === undefined) throw new Error(`${c.alg} needs a shared secret (secret or secretBase64), not a public key`);
    if (looksLikePublicKey(raw)) throw new Error(`${c.alg} secret looks like a public key: an HMAC secret made of a public key lets anyone sign tokens`);
    const bytes = c.secret !== undefined ? new TextEncoder().encode(c.secret) : new Uint8Array(Buffer.from(c.secretBase64 ?? '', 'base64'));
    if (bytes.length < 32) throw new Error(`${c.alg} secret must be at least 32 bytes`);
    // Imported once here: jose would import a raw secret again on every verification (half its cost).
    const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${c.alg.slice(2)}` }, false, ['verify']);
    return { kid: c.kid, alg: c.alg, key };
  }
  if (c.secret !== undefined || c.secretBase64 !== undefined) throw new Error(`${c.alg} is asymmetric: give a public key (pem, pemFile, jwk, jwkFile), not a secret`);
  const pem = c.pem ?? (c.pemFile === undefined ? undefined : readFileSync(at(c.pemFile), 'utf8'));
  if (pem !== undefined) {
    const text = pem.trim();
    if (/PRIVATE KEY/.test(text)) throw new Error('a private key has no place in the gateway config: give the public key');
    const key = text.includes('BEGIN CERTIFICATE') ? await importX509(text, c.alg) : await importSPKI(text, c.alg);
    return { kid: c.kid, alg: c.alg, key };
  }
  const jwk = c.jwk ?? parseJwkFile(readFileSync(at(c.jwkFile ?? ''), 'utf8'));
  return { kid: c.kid ?? stringField(jwk, 'kid'), alg: c.alg, key: await importPublicJwk(jwk, c.alg) };
}

/** Import a public JWK for one algorithm; refuses symmetric and private keys. */
export async function importPublicJwk(jwk: Readonly<Record<string, unknown>>, alg: JwtAlgorithm): Promise<CryptoKey> {
  const kty = stringField(jwk, 'kty');
  if (kty === undefined || kty === 'oct') throw new Error('a public JWK (kty RSA, EC or OKP) is required');
  if ('d' in jwk) throw new Error('a private key has no place in the gateway config: give the public key');
  const declared = stringField(jwk, 'alg');
  if (declared !== undefined && declared !== alg) throw new Error(`the JWK says alg ${declared} but ${alg} is configured`);
  const imported = await importJWK(toJwk(jwk), alg);
  if (imported instanceof Uint8Array) throw new Error('a public JWK is required');
  return imported;
}

function parseJwkFile(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('a JWK file must hold one JSON object');
  return Object.fromEntries(Object.entries(v));
}

export function stringField(o: Readonly<Record<string, unknown>>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** Adapter: a JSON object checked field by field is a JWK for jose (it validates members itself). */
function toJwk(o: Readonly<Record<string, unknown>>): JWK {
  const out: JWK = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'x5c' && k !== 'x5u' && k !== 'jku' && (typeof v === 'string' || typeof v === 'boolean' || Array.isArray(v))) Reflect.set(out, k, v);
  return out;
}
