import { randomBytes } from 'node:crypto';
import { b64url, signHmac, type DecodedJwt } from '../auth/jwt.js';
import { defineCheck } from '../check.js';
import type { CheckContext } from '../engine/context.js';
import type { Operation } from '../model/operations.js';
import type { Exchange, FindingDraft } from '../types.js';
import { capturedJwt, crackSecret } from './jwt-weak-secret.js';
import { is2xx, sameBody, validRequest } from './util.js';

interface Forgery {
  readonly kind: string;
  readonly token: string;
  readonly what: string;
}

function forgeries(jwt: DecodedJwt): Forgery[] {
  const [h, p] = jwt.signingInput.split('.');
  const out: Forgery[] = [];
  for (const alg of ['none', 'None', 'NONE']) {
    out.push({ kind: 'alg-none', token: `${b64url({ ...jwt.header, alg })}.${p}.`, what: `"alg":"${alg}" and no signature` });
  }
  out.push({ kind: 'tampered', token: `${h}.${b64url({ ...jwt.payload, rampart: randomBytes(4).toString('hex') })}.${jwt.signature}`, what: 'a changed payload under the original signature' });
  out.push({ kind: 'unsigned', token: `${h}.${p}.`, what: 'the signature removed' });
  out.push({ kind: 'wrong-key', token: signHmac({ ...jwt.header, alg: 'HS256' }, jwt.payload, randomBytes(32).toString('hex')), what: 'an HS256 signature made with a random key' });
  const secret = crackSecret(jwt);
  if (secret !== undefined) {
    const now = Math.floor(Date.now() / 1000);
    out.push({ kind: 'expired', token: signHmac(jwt.header, { ...jwt.payload, iat: now - 7200, exp: now - 3600 }, secret), what: 'a correctly signed token that expired an hour ago' });
  }
  return out;
}

/** A read that the token's owner gets and an anonymous caller does not: the probe for forged tokens. */
async function probe(ctx: CheckContext, owner: string, ops: readonly Operation[]): Promise<{ op: Operation; good: Exchange } | undefined> {
  for (const op of ops) {
    const req = await validRequest(ctx, op, owner);
    const good = await ctx.client.send(req);
    if (!is2xx(good.response.status)) continue;
    const anon = await ctx.client.send({ ...req, identity: undefined });
    if (anon.response.status === 401 || anon.response.status === 403) return { op, good };
  }
  return undefined;
}

/**
 * API2: tokens that should be refused (alg:none, tampered, unsigned, wrongly signed, expired) are accepted.
 * Confirmed differentially: the same read is refused without a token and answered with the forged one exactly as
 * with the genuine token.
 */
export const jwtForgery = defineCheck({
  id: 'jwt-forgery',
  title: 'Forged or expired JWT accepted',
  owasp: 'API2:2023',
  cwe: 347,
  severity: 'critical',
  description: 'Replays a captured JWT altered in several ways against a read that requires authentication.',
  remediation: 'Verify the signature with an allow-list of algorithms (never "none"), the expected key, and check exp/nbf.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET',
  needs: { login: true },
  async run(ctx, ops) {
    const got = await capturedJwt(ctx);
    if (got === undefined) return [];
    const found = await probe(ctx, got.identity, [...ops].sort((x, y) => Number(y.requiresAuth) - Number(x.requiresAuth)).slice(0, 8));
    if (found === undefined) return [];
    const header = ctx.identities!.spec(got.identity).login!;
    const out: FindingDraft[] = [];
    const reported = new Set<string>();
    for (const f of forgeries(got.jwt)) {
      if (reported.has(f.kind)) continue;
      const req = await validRequest(ctx, found.op, got.identity);
      const ex = await ctx.client.send({ ...req, identity: undefined, headers: { ...(req.headers ?? {}), [header.header]: header.prefix + f.token } });
      if (!is2xx(ex.response.status) || !sameBody(ex, found.good)) continue;
      reported.add(f.kind);
      out.push({
        title: `Forged JWT accepted: ${f.what}`,
        operation: found.op.id,
        key: f.kind,
        detail: `${found.op.id} refuses anonymous callers but answered a token with ${f.what} (HTTP ${ex.response.status}) exactly as it answers ${got.identity}'s genuine token.`,
        evidence: [ex, found.good],
        suggestion: { key: 'authentication', value: { methods: ['jwt'] }, note: 'the gateway verifies signature, algorithm and exp itself (auth.jwt.issuers, requiredClaims: [exp])' },
      });
    }
    return out;
  },
});
