import { SignJWT, decodeJwt } from 'jose';

export const DEMO_ISSUER = 'rampart-demo';
export const DEMO_AUDIENCE = 'rampart-demo';
export const DEMO_SCOPE = 'users:read users:write';
export const DEMO_TOKEN_TTL_SECONDS = 3600;

export interface DemoCaller {
  readonly sub: string;
  readonly role?: string;
}

/** An HS256 JWT for a demo user: sub = user id, role, scope, iss/aud `rampart-demo`, exp in 1 h. */
export function signDemoToken(key: Uint8Array, user: { id: number; role: string }): Promise<string> {
  return new SignJWT({ role: user.role, scope: DEMO_SCOPE })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${DEMO_TOKEN_TTL_SECONDS}s`)
    .sign(key);
}

/**
 * Who the bearer token says the caller is, WITHOUT checking its signature, algorithm, issuer or expiry.
 * Deliberately naive (OWASP API2:2023 Broken Authentication): a forged or expired token is believed.
 * Undefined when there is no bearer token or it does not even decode.
 */
export function readCallerUnverified(authorization: string | undefined): DemoCaller | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  try {
    const claims = decodeJwt(match[1]);
    if (claims.sub === undefined) return undefined;
    return typeof claims.role === 'string' ? { sub: claims.sub, role: claims.role } : { sub: claims.sub };
  } catch {
    return undefined;
  }
}
