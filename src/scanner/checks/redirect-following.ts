import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { hasUrlInputs, urlProbeTargets } from './ssrf.js';

/**
 * API10: unsafe consumption of a third-party answer. Where the API fetches a URL it is given, the URL now answers
 * with a redirect to a second address; the API following it (the canary sees the second token) trusts a
 * third party's redirection blindly. Both addresses are the scanner's own loopback canary.
 */
export const redirectFollowing = defineCheck({
  id: 'redirect-following',
  title: 'Third-party redirects followed blindly',
  owasp: 'API10:2023',
  cwe: 601,
  severity: 'medium',
  description: 'Gives URL-like inputs a canary address that redirects to a second canary address and watches whether the API follows.',
  remediation: 'Do not follow redirects from third-party answers, or re-check every hop against the allow-list; validate what comes back like user input.',
  scope: 'operation',
  appliesTo: hasUrlInputs,
  needs: { canary: true },
  async run(ctx, ops) {
    const canary = ctx.canary!;
    const out: FindingDraft[] = [];
    for await (const { op, inputs } of urlProbeTargets(ctx, ops)) {
      for (const input of inputs) {
        const { url, first, second } = canary.redirectUrl();
        const ex = await ctx.client.send(input.build(url));
        if (!(await canary.seen(first, 700)) || !(await canary.seen(second, 500))) continue;
        out.push({
          title: `${op.id} follows redirects from the URLs it fetches ("${input.name}")`,
          operation: op.id,
          key: input.name,
          detail: `"${input.name}" was set to a canary address answering 302 to a second address; the canary then received the request for the second address: the API follows a third party's redirection without checking it.`,
          evidence: [ex],
          suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks internal-address URLs; fix in the API too: no redirect following on server-side fetches' },
        });
      }
    }
    return out;
  },
});
