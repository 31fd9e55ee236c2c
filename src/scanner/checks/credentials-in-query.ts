import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';

const SECRET_NAME = /^(password|passwd|pwd|pass|token|access_?token|id_?token|refresh_?token|api_?key|apikey|secret|client_?secret|auth|session(_?id)?|jwt)$/i;

/**
 * API2: credentials travel in the URL (query), where proxies, logs and browser history keep them. Established from
 * the document itself (a query parameter or an apiKey scheme `in: query`), so it needs no request.
 */
export const credentialsInQuery = defineCheck({
  id: 'credentials-in-query',
  title: 'Credentials in the query string',
  owasp: 'API2:2023',
  cwe: 598,
  severity: 'medium',
  description: 'Reads the document for query parameters and API-key schemes that carry secrets in URLs.',
  remediation: 'Move credentials to the Authorization header (or a header API key) and the request body.',
  scope: 'target',
  appliesTo: () => true,
  async run(ctx) {
    const out: FindingDraft[] = [];
    for (const op of ctx.api.operations) {
      for (const p of op.parameters) {
        if (p.in !== 'query' || !SECRET_NAME.test(p.name)) continue;
        out.push({
          title: `${op.id} takes the secret "${p.name}" in the query string`,
          operation: op.id,
          key: p.name,
          detail: `The document declares the query parameter "${p.name}" on ${op.id}: secrets in URLs end up in access logs, proxies and browser history.`,
          evidence: [],
        });
      }
    }
    for (const [name, s] of Object.entries(ctx.api.securitySchemes)) {
      if (s.type === 'apiKey' && s.in === 'query') {
        out.push({
          title: `Security scheme "${name}" sends the API key in the query string`,
          key: `scheme:${name}`,
          detail: `The security scheme "${name}" is an apiKey in the query parameter "${String(s.name)}".`,
          evidence: [],
        });
      }
    }
    return out;
  },
});
