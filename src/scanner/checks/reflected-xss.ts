import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, hasInputs, inputsOf, uniqueMarker, validRequest } from './util.js';

/**
 * Reflected XSS (API8) where an answer is HTML: a unique tag sent in a parameter comes back unescaped in a
 * text/html answer, twice with two different tags. JSON answers are not rendered by browsers and are not reported.
 */
export const reflectedXss = defineCheck({
  id: 'reflected-xss',
  title: 'Reflected cross-site scripting',
  owasp: 'API8:2023',
  cwe: 79,
  severity: 'medium',
  description: 'Sends a unique HTML tag in string parameters and looks for it unescaped in HTML answers.',
  remediation: 'Escape output for its context, answer APIs as JSON with X-Content-Type-Options: nosniff, and set a Content-Security-Policy.',
  scope: 'operation',
  appliesTo: hasInputs,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      for (const p of inputsOf(ctx, op, base, { strings: true })) {
        const probe = async () => {
          const tag = `<${uniqueMarker('rmpx')} a="1">`;
          const ex = await ctx.client.send(p.build(tag));
          return /text\/html/i.test(ex.response.headers['content-type'] ?? '') && ex.response.body.includes(tag) ? ex : undefined;
        };
        const first = await probe();
        if (first === undefined || (await probe()) === undefined) continue;
        out.push({ title: `Reflected XSS in "${p.name}" of ${op.id}`, operation: op.id, key: p.name, detail: `An HTML tag sent in "${p.name}" came back unescaped in a text/html answer (twice, with different tags).`, evidence: [first], suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks XSS on this route; fix the API too' } });
      }
    }
    return out;
  },
});
