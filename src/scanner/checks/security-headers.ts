import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import { caller, is2xx, validRequest } from './util.js';

function missing(ex: Exchange, https: boolean, authenticated: boolean): string[] {
  const h = ex.response.headers;
  const out: string[] = [];
  if (h['x-content-type-options']?.toLowerCase() !== 'nosniff') out.push('X-Content-Type-Options: nosniff');
  if (authenticated && !/no-store|private/i.test(h['cache-control'] ?? '')) out.push('Cache-Control: no-store');
  if (https && h['strict-transport-security'] === undefined) out.push('Strict-Transport-Security');
  if (/text\/html/i.test(h['content-type'] ?? '') && h['content-security-policy'] === undefined) out.push('Content-Security-Policy');
  return out;
}

/**
 * API8: missing security headers on API answers. Reported only when two different successful answers lack the same
 * headers, so a single odd route does not speak for the service.
 */
export const securityHeaders = defineCheck({
  id: 'security-headers',
  title: 'Missing security headers',
  owasp: 'API8:2023',
  cwe: 693,
  severity: 'low',
  description: 'Looks for X-Content-Type-Options, Cache-Control on authenticated answers, HSTS over HTTPS and CSP on HTML.',
  remediation: 'Send X-Content-Type-Options: nosniff, Cache-Control: no-store on authenticated answers and HSTS over HTTPS (the gateway can add them).',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET',
  async run(ctx, ops) {
    const who = caller(ctx);
    const https = ctx.client.origin.startsWith('https:');
    const seen: Exchange[] = [];
    for (const op of ops.slice(0, 10)) {
      const ex = await ctx.client.send(await validRequest(ctx, op, who));
      if (is2xx(ex.response.status)) seen.push(ex);
      if (seen.length === 2) break;
    }
    if (seen.length === 0) return [];
    const lists = seen.map((ex) => missing(ex, https, who !== undefined));
    const common = lists[0]!.filter((m) => lists.every((l) => l.includes(m)));
    if (common.length === 0) return [];
    const out: FindingDraft = {
      title: `Security headers missing: ${common.join(', ')}`,
      key: common.join(','),
      detail: `${seen.length} successful answers lack ${common.join(', ')}.`,
      evidence: seen,
      suggestion: { key: 'responseProtection', value: { headers: { nosniff: true, set: { 'cache-control': 'no-store' } } } },
    };
    return [out];
  },
});
