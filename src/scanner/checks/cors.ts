import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, validRequest } from './util.js';

const EVIL = 'https://rampart-scan.invalid';

/**
 * API8: permissive CORS. An arbitrary origin (and `null`) reflected in Access-Control-Allow-Origin together with
 * Access-Control-Allow-Credentials: true lets any web page act with the user's cookies. Reflection without
 * credentials is reported as info only.
 */
export const cors = defineCheck({
  id: 'cors',
  title: 'Permissive CORS',
  owasp: 'API8:2023',
  cwe: 942,
  severity: 'high',
  description: 'Sends an arbitrary Origin (and "null") and reads the CORS answer headers.',
  remediation: 'Allow only listed origins; never reflect the Origin header together with Allow-Credentials.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET',
  async run(ctx, ops) {
    const op = ops[0];
    if (op === undefined) return [];
    const base = await validRequest(ctx, op, caller(ctx));
    for (const origin of [EVIL, 'null']) {
      const ex = await ctx.client.send({ ...base, headers: { ...(base.headers ?? {}), origin } });
      const h = ex.response.headers;
      if (h['access-control-allow-origin'] !== origin) continue;
      const creds = h['access-control-allow-credentials']?.toLowerCase() === 'true';
      const out: FindingDraft = {
        title: creds ? `Any origin (${origin}) may call the API with the user's credentials` : `Arbitrary origin ${origin} reflected in CORS answers (without credentials)`,
        severity: creds ? undefined : 'info',
        operation: op.id,
        key: origin,
        detail: `Origin: ${origin} was answered with Access-Control-Allow-Origin: ${origin}${creds ? ' and Access-Control-Allow-Credentials: true' : ''}.`,
        evidence: [ex],
        suggestion: { key: 'cors', value: { allowOrigins: ['https://app.example.com'], allowCredentials: false }, proposed: true, note: 'the gateway has no CORS section yet: fix the upstream' },
      };
      return [out];
    }
    return [];
  },
});
