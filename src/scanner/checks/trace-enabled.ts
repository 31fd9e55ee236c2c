import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { uniqueMarker } from './util.js';

/**
 * API8: TRACE enabled. Confirmed by the echo: the answer body contains a header value only this request carried.
 */
export const traceEnabled = defineCheck({
  id: 'trace-enabled',
  title: 'HTTP TRACE enabled',
  owasp: 'API8:2023',
  cwe: 693,
  severity: 'low',
  description: 'Sends TRACE with a unique header and looks for it echoed back.',
  remediation: 'Disable TRACE (the gateway answers 405 for methods a route does not allow).',
  scope: 'target',
  appliesTo: () => true,
  async run(ctx) {
    const marker = uniqueMarker('trace');
    const path = ctx.api.documentedPaths.find((p) => !p.includes('{')) ?? `${ctx.api.basePath}/`;
    const ex = await ctx.client.send({ method: 'TRACE', path, headers: { 'x-rampart-trace': marker } });
    if (ex.response.status !== 200 || !ex.response.body.includes(marker)) return [];
    const out: FindingDraft = {
      title: 'TRACE echoes requests',
      operation: `TRACE ${path}`,
      detail: `TRACE ${path} answered HTTP 200 and echoed the request, including a header only that request carried.`,
      evidence: [ex],
      suggestion: { key: 'match', value: { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }, note: 'methods a route does not list are answered 405' },
    };
    return [out];
  },
});
