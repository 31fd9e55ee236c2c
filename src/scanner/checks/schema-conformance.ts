import { Ajv, type ValidateFunction } from 'ajv';
import { defineCheck } from '../check.js';
import type { Operation, Schema } from '../model/operations.js';
import { isSchema } from '../model/sample.js';
import type { FindingDraft } from '../types.js';
import { caller, parseJson, validRequest } from './util.js';

/** OpenAPI 3.0 `nullable` (and Swagger's x-nullable) as JSON Schema type unions, so ajv judges them right. */
export function toJsonSchema(s: unknown, depth = 0): unknown {
  if (depth > 40) return {};
  if (Array.isArray(s)) return s.map((x) => toJsonSchema(x, depth + 1));
  if (!isSchema(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'example' || k === 'xml' || k === 'discriminator' || k === 'externalDocs') continue;
    out[k] = k === 'properties' && isSchema(v) ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, toJsonSchema(pv, depth + 1)])) : toJsonSchema(v, depth + 1);
  }
  if ((s.nullable === true || s['x-nullable'] === true) && typeof s.type === 'string') out.type = [s.type, 'null'];
  if (Array.isArray(out.enum) && (s.nullable === true)) out.enum = [...out.enum, null];
  return out;
}

function documentedStatus(op: Operation, status: number): string | undefined {
  const keys = Object.keys(op.responses);
  return keys.find((k) => k === String(status)) ?? keys.find((k) => k.toUpperCase() === `${String(status)[0]}XX`) ?? keys.find((k) => k === 'default');
}

/**
 * Robustness (API8): answers to valid requests that break the document: an undocumented status, another content
 * type, a body failing the response schema. Confirmed by a repeat giving the same verdict.
 */
export const schemaConformance = defineCheck({
  id: 'schema-conformance',
  title: 'Response does not match the document',
  owasp: 'API8:2023',
  cwe: 1068,
  severity: 'low',
  description: 'Validates the status, content type and body of each read against the document.',
  remediation: 'Fix the implementation or the document so that they agree; clients and the gateway rely on the document.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && Object.keys(op.responses).length > 0,
  async run(ctx, ops) {
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    const cache = new Map<Schema, ValidateFunction | undefined>();
    const compile = (s: Schema) => {
      if (!cache.has(s)) {
        try {
          cache.set(s, ajv.compile(toJsonSchema(s) as Schema));
        } catch {
          cache.set(s, undefined); // a schema ajv cannot compile is the document's problem, not a finding here
        }
      }
      return cache.get(s);
    };
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const req = await validRequest(ctx, op, who);
      const verdict = async () => {
        const ex = await ctx.client.send(req);
        const key = documentedStatus(op, ex.response.status);
        if (ex.response.status === 0) return { ex, problem: undefined };
        if (key === undefined) return { ex, problem: `status ${ex.response.status} is not documented (documented: ${Object.keys(op.responses).join(', ')})` };
        const spec = op.responses[key]!;
        const ct = (ex.response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (spec.contentTypes.length > 0 && ex.response.body.length > 0 && !spec.contentTypes.some((t) => t.toLowerCase() === ct || t === '*/*' || (t.endsWith('/*') && ct.startsWith(t.slice(0, -1))))) {
          return { ex, problem: `content type ${ct || '(none)'} is not documented for ${key} (documented: ${spec.contentTypes.join(', ')})` };
        }
        if (spec.schema === undefined || !/json/.test(ct)) return { ex, problem: undefined };
        const validate = compile(spec.schema);
        const body = parseJson(ex.response.body);
        if (validate === undefined || body === undefined || validate(body)) return { ex, problem: undefined };
        const e = validate.errors?.[0];
        return { ex, problem: `the body breaks the ${key} schema at ${e?.instancePath || '/'}: ${e?.message ?? 'invalid'}` };
      };
      const first = await verdict();
      if (first.problem === undefined) continue;
      const second = await verdict();
      if (second.problem !== first.problem) continue;
      out.push({ title: `${op.id}: ${first.problem}`, operation: op.id, key: first.problem.split(' ')[0], detail: `A valid request got an answer where ${first.problem} (twice).`, evidence: [first.ex] });
    }
    return out;
  },
});
