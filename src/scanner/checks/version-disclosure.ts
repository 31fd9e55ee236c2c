import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';

const HEADERS = ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator', 'x-runtime-version'];

/**
 * API8: server software and version in answer headers. A version number is a finding (low); a product name alone
 * is info. Confirmed on two answers (the soft-404 and a documented path).
 */
export const versionDisclosure = defineCheck({
  id: 'version-disclosure',
  title: 'Server version disclosure',
  owasp: 'API8:2023',
  cwe: 497,
  severity: 'low',
  description: 'Reads Server, X-Powered-By and similar headers for product names and versions.',
  remediation: 'Remove or blank Server and X-Powered-By headers (the gateway can strip them).',
  scope: 'target',
  appliesTo: () => true,
  async run(ctx) {
    const one = await ctx.notFound();
    const path = ctx.api.documentedPaths.find((p) => !p.includes('{')) ?? `${ctx.api.basePath}/`;
    const two = await ctx.client.send({ method: 'GET', path });
    const out: FindingDraft[] = [];
    for (const h of HEADERS) {
      const v = one.response.headers[h];
      if (v === undefined || two.response.headers[h] !== v) continue;
      const versioned = /\d+\.\d+/.test(v);
      out.push({
        title: `${h}: ${v}`,
        severity: versioned ? undefined : 'info',
        key: h,
        detail: `Every answer carries "${h}: ${v}"${versioned ? ', naming the exact version to look up known vulnerabilities for' : ''}.`,
        evidence: [one],
        suggestion: { key: 'responseProtection', value: { headers: { remove: [h] } } },
      });
    }
    return out;
  },
});
