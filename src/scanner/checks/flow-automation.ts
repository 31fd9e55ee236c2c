import { defineCheck } from '../check.js';
import { bodyFor } from '../engine/requests.js';
import type { Operation } from '../model/operations.js';
import type { Exchange, FindingDraft } from '../types.js';
import { is2xx, uniqueMarker, validRequest } from './util.js';

const FLOW = /(sign-?up|register|registration|order|checkout|purchase|buy|payment|transfer|booking|reserv|invite|invitation|coupon|redeem|vote|review|comment|ticket|password[-_]?reset|forgot|otp|sms|verification)/i;
const BURST = 10;

function isFlow(op: Operation): boolean {
  return op.method === 'POST' && FLOW.test(`${op.path} ${op.operationId ?? ''} ${op.summary}`) && !/login|token/i.test(op.path);
}

function limitSignal(ex: Exchange): boolean {
  const h = ex.response.headers;
  return ex.response.status === 429 || ['ratelimit', 'ratelimit-limit', 'ratelimit-policy', 'x-ratelimit-limit', 'retry-after'].some((k) => h[k] !== undefined);
}

/**
 * API6: a sensitive business flow (sign-up, order, checkout, transfer, invitation, review…, recognised by name)
 * can be driven by a script: a burst of distinct requests all succeed, with no limit signal and no challenge.
 * This is the part of API6 a scanner can establish; whether a flow is abusable in business terms is not.
 */
export const flowAutomation = defineCheck({
  id: 'flow-automation',
  title: 'Sensitive business flow open to automation',
  owasp: 'API6:2023',
  cwe: 799,
  severity: 'medium',
  description: `Runs a burst of ${BURST} distinct requests through flows named like sign-up, order, checkout or invitation and looks for any limit.`,
  remediation: 'Limit each flow per account and per client (and per device or payment instrument where it applies); add a challenge where abuse pays.',
  scope: 'operation',
  appliesTo: isFlow,
  needs: { destructive: true },
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = ctx.userA;
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      const first = await ctx.client.send({ ...base, body: bodyFor(op, uniqueMarker()) });
      if (!is2xx(first.response.status) || limitSignal(first) || ctx.client.remaining() < BURST + 1) continue;
      // Distinct bodies (unique markers), so uniqueness rules do not stop the burst: only a limit may.
      const burst = await Promise.all(Array.from({ length: BURST }, () => ctx.client.send({ ...base, body: bodyFor(op, uniqueMarker()) }, true)));
      if (burst.some(limitSignal) || !burst.every((b) => is2xx(b.response.status))) continue;
      out.push({
        title: `${op.id} can be run by a script without limit`,
        operation: op.id,
        detail: `${BURST + 1} distinct requests through ${op.id} all succeeded within ${Math.max(...burst.map((b) => b.response.durationMs))} ms; none was limited or challenged.`,
        evidence: [burst[burst.length - 1]!, first],
        suggestion: { key: 'rateLimit', value: { policies: [{ name: 'flow', limit: 10, per: '1h', key: ['ip'] }] }, note: 'key the limit on the account as well once authentication is on' },
      });
    }
    return out;
  },
});
