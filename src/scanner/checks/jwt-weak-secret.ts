import { JWT_SECRET_WORDLIST } from '../auth/wordlist.js';
import { decodeJwt, isHmacJwt, verifiesWith, type DecodedJwt } from '../auth/jwt.js';
import { defineCheck } from '../check.js';
import type { CheckContext } from '../engine/context.js';
import type { FindingDraft } from '../types.js';

/** The HMAC secret of a captured token when it is in the wordlist (offline: no requests). */
export function crackSecret(jwt: DecodedJwt): string | undefined {
  if (!isHmacJwt(jwt)) return undefined;
  return JWT_SECRET_WORDLIST.find((w) => verifiesWith(jwt, w));
}

/** A JWT captured from the first identity that logs in and gets one. */
export async function capturedJwt(ctx: CheckContext): Promise<{ identity: string; token: string; jwt: DecodedJwt } | undefined> {
  const ids = ctx.identities;
  if (ids === undefined) return undefined;
  for (const name of ids.names()) {
    if (ids.spec(name).login === undefined) continue;
    const token = await ids.token(name);
    const jwt = token !== undefined ? decodeJwt(token) : undefined;
    if (token !== undefined && jwt !== undefined) return { identity: name, token, jwt };
  }
  return undefined;
}

/**
 * API2: the HMAC key signing the API's tokens is a guessable word. Confirmed offline and exactly: the
 * signature recomputed with the word equals the token's.
 */
export const jwtWeakSecret = defineCheck({
  id: 'jwt-weak-secret',
  title: 'JWT signed with a guessable secret',
  owasp: 'API2:2023',
  cwe: 521,
  severity: 'critical',
  description: 'Tries a bounded wordlist of common secrets against the signature of a captured HS256/384/512 token, offline.',
  remediation: 'Sign tokens with a random key of at least 256 bits kept out of source control, or with an asymmetric algorithm; rotate the current key.',
  scope: 'target',
  appliesTo: () => true,
  needs: { login: true },
  async run(ctx) {
    const got = await capturedJwt(ctx);
    if (got === undefined) return [];
    const secret = crackSecret(got.jwt);
    if (secret === undefined) return [];
    const ex = ctx.identities!.loginExchange(got.identity);
    const out: FindingDraft = {
      title: 'The JWT signing secret is a dictionary word',
      key: String(got.jwt.header.alg),
      detail: `The ${String(got.jwt.header.alg)} token issued to ${got.identity} verifies with the secret "${secret}" from the scanner's wordlist of ${JWT_SECRET_WORDLIST.length} common secrets: anyone can mint tokens for any user.`,
      evidence: ex !== undefined ? [ex] : [],
      suggestion: { key: 'authentication', value: { methods: ['jwt'] }, note: 'rotate the secret: auth.jwt.issuers[].keys[].secret of 32+ random characters (or an RS256/ES256 key)' },
    };
    return [out];
  },
});
