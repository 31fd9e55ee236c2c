import { defineCheck } from '../check.js';
import { bodyFor } from '../engine/requests.js';
import { propertiesOf, typeOf } from '../model/sample.js';
import type { FindingDraft } from '../types.js';
import { is2xx, isObject, validRequest } from './util.js';

const SIZE = 2 * 1024 * 1024;

/**
 * API4: oversized payloads accepted. A 2 MiB string in a declared string property is sent; a 2xx answer is the
 * proof (the server took it in and processed it). Writes data, so only with --destructive.
 */
export const oversizedPayload = defineCheck({
  id: 'oversized-payload',
  title: 'Oversized request body accepted',
  owasp: 'API4:2023',
  cwe: 400,
  severity: 'medium',
  description: 'Sends a 2 MiB value in a string property of each writing operation.',
  remediation: 'Limit request body size (at the gateway: `maxBodyBytes`) and declare `maxLength` on strings.',
  scope: 'operation',
  appliesTo: (op) => op.requestBody !== undefined && ['POST', 'PUT', 'PATCH'].includes(op.method),
  needs: { destructive: true },
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    // Creating a fresh object is gentler than overwriting an existing one with 2 MiB.
    for (const op of [...ops].sort((x, y) => Number(y.method === 'POST') - Number(x.method === 'POST'))) {
      const props = propertiesOf(op.requestBody!.schema);
      const field = Object.keys(props).find((k) => typeOf(props[k]!) === 'string' && props[k]!.enum === undefined && props[k]!.format === undefined && !/pass|email/i.test(k));
      const base = bodyFor(op);
      if (field === undefined || !isObject(base)) continue;
      const req = await validRequest(ctx, op, ctx.userA ?? ctx.admin);
      const ex = await ctx.client.send({ ...req, body: { ...base, [field]: 'A'.repeat(SIZE) }, timeoutMs: 15_000 });
      if (!is2xx(ex.response.status)) continue;
      const max = props[field]!.maxLength;
      out.push({
        title: `${op.id} accepts a 2 MiB body`,
        operation: op.id,
        detail: `A ${SIZE}-byte value in "${field}"${typeof max === 'number' ? ` (declared maxLength ${max})` : ''} was accepted with HTTP ${ex.response.status}.`,
        evidence: [ex],
        suggestion: { key: 'maxBodyBytes', value: 65536 },
      });
      break; // one proof is enough: the limit is per service, not per operation
    }
    return out;
  },
});
