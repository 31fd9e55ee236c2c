import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import { caller, is2xx, validRequest } from './util.js';

const BURST = 40;

function limitSignal(ex: Exchange): boolean {
  const h = ex.response.headers;
  return ex.response.status === 429 || ['ratelimit', 'ratelimit-limit', 'ratelimit-policy', 'x-ratelimit-limit', 'x-rate-limit-limit', 'retry-after'].some((k) => h[k] !== undefined);
}

/**
 * API4: no rate limit. A bounded burst on one cheap read: reported only when every answer succeeded and none carried
 * a limit signal (429, Retry-After, RateLimit or X-RateLimit headers), so a limit above the burst still counts as one.
 */
export const noRateLimit = defineCheck({
  id: 'no-rate-limit',
  title: 'No rate limiting',
  owasp: 'API4:2023',
  cwe: 770,
  severity: 'medium',
  description: `Sends a burst of ${BURST} concurrent reads and looks for any rate-limit answer or header.`,
  remediation: 'Limit requests per client and per credential, answer 429 with Retry-After, and advertise the policy (RateLimit headers).',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && !op.parameters.some((p) => p.in === 'path'),
  async run(ctx, ops) {
    const who = caller(ctx);
    for (const op of ops.slice(0, 5)) {
      const req = await validRequest(ctx, op, who);
      const first = await ctx.client.send(req);
      if (!is2xx(first.response.status)) continue;
      if (limitSignal(first)) return [];
      const n = Math.min(BURST, ctx.client.remaining() - 1);
      if (n < BURST) return [];
      const burst = await Promise.all(Array.from({ length: n }, () => ctx.client.send(req, true)));
      if (burst.some(limitSignal) || !burst.every((x) => is2xx(x.response.status))) return [];
      const out: FindingDraft = {
        title: `No rate limit on ${op.id}`,
        operation: op.id,
        detail: `${n + 1} requests within ${Math.max(...burst.map((b) => b.response.durationMs))} ms all succeeded; none was refused (429) or carried a rate-limit header.`,
        evidence: [burst[burst.length - 1]!],
        suggestion: { key: 'rateLimit', value: { policies: [{ limit: 100, per: '1m', key: ['ip'] }] } },
      };
      return [out];
    }
    return [];
  },
});
