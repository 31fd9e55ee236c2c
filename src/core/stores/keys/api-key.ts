import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `rk_<12 hex prefix>_<43 base64url chars>`: 48 bits of public prefix for lookup and 256
 * bits of secret. A fast hash is enough for keys with 256 bits of entropy (no dictionary to attack), and keeps
 * lookup cheap per request; passwords (Basic) use scrypt instead.
 */
const PREFIX_HEX = 12;
const SECRET_CHARS = 43;
const KEY_RE = /^rk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(PREFIX_HEX / 2).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const key = `rk_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The public prefix of a well-formed key, or undefined. Cheap: no hashing. */
export function apiKeyPrefix(key: string): string | undefined {
  if (key.length !== 3 + PREFIX_HEX + 1 + SECRET_CHARS) return undefined;
  const m = KEY_RE.exec(key);
  return m?.[1];
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of two hex digests of equal length (a length mismatch returns false at once). */
export function digestsEqual(aHex: string, bHex: string): boolean {
  if (aHex.length !== bHex.length || aHex.length === 0) return false;
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  // Buffer.from stops at the first non-hex character: both must have decoded completely.
  return a.length * 2 === aHex.length && b.length === a.length && timingSafeEqual(a, b);
}

/** Whether `key` hashes to `storedHash`, in time independent of where they differ. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  return digestsEqual(hashApiKey(key), storedHash);
}
