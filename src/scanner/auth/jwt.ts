import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: string;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decode (not verify) a compact JWS; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!);
  if (header === undefined || payload === undefined) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: parts[2]! };
}

const HMAC_ALGS: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** Sign header+payload with an HMAC secret (to forge test tokens once a weak secret is known, or a wrong key). */
export function signHmac(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string): string {
  const alg = HMAC_ALGS[String(header.alg)] ?? 'sha256';
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(alg, secret).update(input).digest('base64url')}`;
}

/** Whether `secret` produced the token's HMAC signature. */
export function verifiesWith(jwt: DecodedJwt, secret: string): boolean {
  const alg = HMAC_ALGS[String(jwt.header.alg)];
  if (alg === undefined) return false;
  const expected = createHmac(alg, secret).update(jwt.signingInput).digest();
  const got = Buffer.from(jwt.signature, 'base64url');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export function isHmacJwt(jwt: DecodedJwt): boolean {
  return HMAC_ALGS[String(jwt.header.alg)] !== undefined;
}
