import { defineCheck } from '../check.js';
import { listIn } from '../engine/resources.js';
import type { FindingDraft } from '../types.js';
import { caller, is2xx, parseJson, validRequest } from './util.js';

const PAGE_PARAM = /^(limit|size|page_?size|pagesize|per_?page|perpage|count|max|max_?results|top|take|first)$/i;
const HUGE = '100000';

function itemCount(body: string): number | undefined {
  const v = parseJson(body);
  if (Array.isArray(v)) return v.length;
  const l = listIn(v);
  return l.length > 0 || (typeof v === 'object' && v !== null) ? l.length : undefined;
}

/**
 * API4: page sizes without a cap. The parameter must be honoured (size 1 gives one item) and a huge size must be
 * accepted; it is a finding when the answer then exceeds 100 items (no cap at any usual value), and `info` when
 * the data set is too small to tell a cap from none.
 */
export const pageSizeUncapped = defineCheck({
  id: 'page-size-uncapped',
  title: 'Page size without a cap',
  owasp: 'API4:2023',
  cwe: 770,
  severity: 'medium',
  description: 'Sends page sizes of 1, 2 and 100000 to list operations and counts the items returned.',
  remediation: 'Cap page sizes on the server (and document `maximum`); reject or clamp larger values.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && op.parameters.some((p) => p.in === 'query' && PAGE_PARAM.test(p.name) && typeof p.schema.maximum !== 'number'),
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const p = op.parameters.find((x) => x.in === 'query' && PAGE_PARAM.test(x.name))!;
      const one = await ctx.client.send(await validRequest(ctx, op, who, { query: { [p.name]: '1' } }));
      const two = await ctx.client.send(await validRequest(ctx, op, who, { query: { [p.name]: '2' } }));
      if (itemCount(one.response.body) !== 1 || itemCount(two.response.body) !== 2) continue; // not honoured, or too little data
      const huge = await ctx.client.send(await validRequest(ctx, op, who, { query: { [p.name]: HUGE } }));
      const n = itemCount(huge.response.body);
      if (!is2xx(huge.response.status) || n === undefined || n <= 2) continue;
      const big = n > 100;
      out.push({
        title: big ? `${op.id} returns ${n} items for ${p.name}=${HUGE}` : `${op.id} accepts ${p.name}=${HUGE} (cap not provable: only ${n} items exist)`,
        severity: big ? undefined : 'info',
        operation: op.id,
        key: p.name,
        detail: `${p.name}=1 returned 1 item and ${p.name}=2 returned 2, so the parameter is honoured; ${p.name}=${HUGE} was accepted (HTTP ${huge.response.status}) and returned ${n} items. The document declares no maximum.`,
        evidence: [huge, one],
        suggestion: { key: 'validation', value: { mode: 'strict' }, note: `declare "maximum" on the ${p.name} parameter in the OpenAPI document` },
      });
    }
    return out;
  },
});
