import { defineCheck } from '../check.js';
import type { ScanRequest } from '../http/client.js';
import type { Parameter } from '../model/operations.js';
import { propertiesOf, typeOf } from '../model/sample.js';
import type { FindingDraft } from '../types.js';
import { caller, injectableParams, isObject, validRequest, withParam } from './util.js';

/** Schema-violating and boundary values for a parameter of the given type. */
function mutations(p: Parameter): Array<readonly [string, string]> {
  const t = typeOf(p.schema) ?? 'string';
  const common: Array<readonly [string, string]> = [['empty', ''], ['very long', 'x'.repeat(5000)], ['unicode', '\u202e\ud83d\udca5\u0000']];
  if (t === 'integer' || t === 'number') return [['not a number', 'rampart'], ['negative', '-1'], ['huge', '99999999999999999999999'], ['float', '1.5e308'], ...common];
  if (t === 'boolean') return [['not a boolean', 'maybe'], ...common];
  return [['JSON-ish', '{"a":'], ...common];
}

const isServerError = (s: number) => s >= 500 && s <= 599;

/**
 * Robustness (API8): schema-violating and boundary inputs answered with 5xx (an unhandled error where a 4xx was
 * due). Confirmed by repeating the same request; the valid request must not fail the same way.
 */
export const serverError = defineCheck({
  id: 'server-error',
  title: 'Server error on invalid input',
  owasp: 'API8:2023',
  cwe: 20,
  severity: 'medium',
  description: 'Sends wrongly typed, empty, huge and unusual values for each parameter and body field and looks for 5xx answers.',
  remediation: 'Validate every input against the documented schema and answer 400 with a problem document; let no exception escape as 500.',
  scope: 'operation',
  appliesTo: (op) => injectableParams(op).length > 0 || op.requestBody !== undefined,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      // Invalid input to a write could still change data: creates only, and only with --destructive. PUT and
      // PATCH would rewrite an existing object (a scan identity's own record, say: its password).
      if (!op.safe && (!ctx.destructive || op.method !== 'POST')) continue;
      const base = await validRequest(ctx, op, who);
      const valid = await ctx.client.send(base);
      if (isServerError(valid.response.status)) continue; // broken anyway: not an input-handling finding
      const probes: Array<readonly [string, ScanRequest]> = [];
      for (const p of injectableParams(op).slice(0, 4)) for (const [what, v] of mutations(p)) probes.push([`${p.name} (${what})`, withParam(base, op, p, v, ctx.api)]);
      if (op.requestBody !== undefined && (op.safe || ctx.destructive) && isObject(base.body)) {
        const props = propertiesOf(op.requestBody.schema);
        for (const k of Object.keys(props).filter((x) => !/pass/i.test(x)).slice(0, 6)) {
          const wrong = typeOf(props[k]!) === 'string' ? 12345 : typeOf(props[k]!) === 'object' ? 'rampart' : { rampart: [1] };
          probes.push([`body ${k} (wrong type)`, { ...base, body: { ...base.body, [k]: wrong } }]);
        }
        probes.push(['body (array instead of object)', { ...base, body: [1, 2] }]);
        probes.push(['body (null)', { ...base, body: null }]);
      }
      for (const [what, req] of probes) {
        const ex = await ctx.client.send(req);
        if (!isServerError(ex.response.status)) continue;
        const again = await ctx.client.send(req);
        if (!isServerError(again.response.status)) continue;
        out.push({ title: `${op.id} fails with HTTP ${ex.response.status} on invalid ${what}`, operation: op.id, key: what.split(' ')[0], detail: `An invalid ${what} was answered HTTP ${ex.response.status} twice, where a 4xx was due; the valid request got HTTP ${valid.response.status}.`, evidence: [ex, valid], suggestion: { key: 'validation', value: { mode: 'strict' } } });
        break;
      }
    }
    return out;
  },
});
