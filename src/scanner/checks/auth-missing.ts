import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, is2xx, looksLikeRefusal, sameBody, validRequest } from './util.js';

/**
 * API2: an operation the document protects answers without credentials and with a garbage token. Confirmed by
 * the second request, by the body not being a refusal dressed as 200, and (with identities, for reads) by the
 * anonymous answer matching what a logged-in user gets.
 */
export const authMissing = defineCheck({
  id: 'auth-missing',
  title: 'Protected operation answers without credentials',
  owasp: 'API2:2023',
  cwe: 306,
  severity: 'high',
  description: 'Calls each operation that declares security without credentials and with an invalid token.',
  remediation: 'Enforce authentication on every operation that declares a security requirement (at the gateway: `auth.required`).',
  scope: 'operation',
  appliesTo: (op) => op.requiresAuth,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      // Deletes are left out even with --destructive: an open DELETE would destroy objects other checks use.
      if ((!op.safe && !ctx.destructive) || op.method === 'DELETE') continue;
      // Use the ids a real user would use, so "200" means the object was served, not an empty default.
      const asUser = await validRequest(ctx, op, who);
      const anon = await ctx.client.send({ ...asUser, identity: undefined });
      if (!is2xx(anon.response.status) || looksLikeRefusal(anon.response.body)) continue;
      const bogus = await ctx.client.send({ ...asUser, identity: undefined, headers: { ...(asUser.headers ?? {}), authorization: 'Bearer rampart.invalid.token' } });
      if (!is2xx(bogus.response.status)) continue;
      if (who !== undefined && op.safe) {
        const real = await ctx.client.send(asUser);
        if (!is2xx(real.response.status) || !sameBody(real, anon)) continue;
      }
      out.push({
        title: `${op.id} answers without credentials`,
        operation: op.id,
        detail: `The document requires authentication for ${op.id}, yet a request without credentials got HTTP ${anon.response.status}, and one with an invalid bearer token got HTTP ${bogus.response.status}.`,
        evidence: [anon, bogus],
        suggestion: { key: 'authentication', value: { methods: ['jwt'] } },
      });
    }
    return out;
  },
});
