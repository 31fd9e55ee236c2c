import { defineCheck } from '../check.js';
import type { Schema } from '../model/operations.js';
import { isSchema, mergeAllOf, propertiesOf, typeOf } from '../model/sample.js';
import type { FindingDraft } from '../types.js';
import { caller, is2xx, isObject, parseJson, validRequest } from './util.js';

/** Properties of `v` the schema does not declare (when it declares properties and does not allow extras). */
export function undeclared(v: unknown, schema: Schema, path = '', out: string[] = [], depth = 0): string[] {
  if (depth > 6 || out.length > 20) return out;
  const s = mergeAllOf(schema);
  if (Array.isArray(v)) {
    if (isSchema(s.items)) v.slice(0, 20).forEach((x) => undeclared(x, s.items as Schema, `${path}/*`, out, depth + 1));
    return out;
  }
  if (!isObject(v) || typeOf(s) !== 'object' || s.additionalProperties === true || isSchema(s.additionalProperties)) return out;
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return out; // too ambiguous to call anything undeclared
  const props = propertiesOf(s);
  if (Object.keys(props).length === 0) return out;
  for (const [k, x] of Object.entries(v)) {
    const p = props[k];
    if (p === undefined) {
      if (!out.includes(`${path}/${k}`)) out.push(`${path}/${k}`);
    } else undeclared(x, p, `${path}/${k}`, out, depth + 1);
  }
  return out;
}

/**
 * API3: answers carry properties the document does not declare: data the API designers did not mean to publish.
 * Established by comparing each read's body with its documented schema.
 */
export const undeclaredProperties = defineCheck({
  id: 'undeclared-properties',
  title: 'Undocumented properties in responses',
  owasp: 'API3:2023',
  cwe: 213,
  severity: 'low',
  description: 'Compares each read answer with its documented response schema and lists properties it does not declare.',
  remediation: 'Return only documented properties (a response DTO), or document them if they are meant to be public.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && Object.values(op.responses).some((r) => r.schema !== undefined),
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    for (const op of ops) {
      const ex = await ctx.client.send(await validRequest(ctx, op, caller(ctx)));
      const spec = op.responses[String(ex.response.status)] ?? op.responses['2XX'] ?? op.responses.default;
      if (!is2xx(ex.response.status) || spec?.schema === undefined) continue;
      const extra = undeclared(parseJson(ex.response.body), spec.schema);
      if (extra.length === 0) continue;
      out.push({
        title: `${op.id} returns undocumented properties: ${extra.slice(0, 4).join(', ')}`,
        operation: op.id,
        key: extra.join(','),
        detail: `The HTTP ${ex.response.status} answer carries ${extra.length} propert${extra.length === 1 ? 'y' : 'ies'} its schema does not declare: ${extra.join(', ')}.`,
        evidence: [ex],
        suggestion: { key: 'validation', value: { responses: { stripUndeclared: true } } },
      });
    }
    return out;
  },
});
