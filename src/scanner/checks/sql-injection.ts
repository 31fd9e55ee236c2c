import { defineCheck } from '../check.js';
import type { Parameter } from '../model/operations.js';
import { typeOf } from '../model/sample.js';
import type { Exchange, FindingDraft } from '../types.js';
import { caller, injectableParams, is2xx, normalise, paramValue, validRequest, withParam } from './util.js';
import { LEAK_PATTERNS } from './verbose-errors.js';

const SQL_ERRORS = LEAK_PATTERNS.filter(([, what]) => /SQL|database/i.test(what));

function sqlError(body: string): string | undefined {
  return SQL_ERRORS.find(([re]) => re.test(body))?.[1];
}

/** True/false twins: identical syntax, only the truth of the injected condition differs. */
function twins(p: Parameter, value: string): Array<readonly [string, string]> {
  const numeric = ['integer', 'number'].includes(typeOf(p.schema) ?? '');
  const out: Array<readonly [string, string]> = [
    [`${value}' OR '1'='1' -- `, `${value}' OR '1'='2' -- `],
    [`${value}' AND '1'='1' -- `, `${value}' AND '1'='2' -- `],
  ];
  if (numeric) out.unshift([`${value} OR 1=1`, `${value} OR 1=2`], [`${value} AND 1=1`, `${value} AND 1=2`]);
  return out;
}

const sig = (ex: Exchange) => `${ex.response.status}\n${normalise(ex.response.body)}`;

/**
 * SQL injection (API8), two ways, both confirmed. Error-based: a quote produces a database error the normal answer
 * does not have, twice. Boolean-based: of two twins differing only in the truth of an injected condition, the
 * false one answers like the original value and the true one differently (or the reverse for AND), on two rounds.
 * Time-based probes are not sent (see docs/status/scanner.md).
 */
export const sqlInjection = defineCheck({
  id: 'sql-injection',
  title: 'SQL injection',
  owasp: 'API8:2023',
  cwe: 89,
  severity: 'critical',
  description: 'Error-based and boolean-based (true/false twin) SQL injection probes on path and query parameters.',
  remediation: 'Use parameterised queries everywhere; never build SQL from request values.',
  scope: 'operation',
  appliesTo: (op) => op.safe && injectableParams(op).length > 0,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      const original = await ctx.client.send(base);
      if (sqlError(original.response.body) !== undefined) continue;
      for (const p of injectableParams(op).slice(0, 4)) {
        const value = paramValue(base, op, p, ctx.api);
        const send = (v: string) => ctx.client.send(withParam(base, op, p, v, ctx.api));
        const quoted = await send(`${value}'`);
        const err = sqlError(quoted.response.body);
        if (err !== undefined && sqlError((await send(`${value}'`)).response.body) === err) {
          out.push({ title: `SQL injection in "${p.name}" of ${op.id} (error-based)`, operation: op.id, key: p.name, detail: `A single quote in "${p.name}" produced ${err} (twice); the unmodified request did not.`, evidence: [quoted, original], suggestion: { key: 'detection', value: { sqlInjection: 'block' } } });
          continue;
        }
        for (const [t, f] of twins(p, value)) {
          const yes = await send(t);
          const no = await send(f);
          if (sig(yes) === sig(no)) continue;
          // One twin must look like the original request, the other not: the condition is being evaluated.
          const isOr = t.includes(' OR ');
          const plain = isOr ? no : yes;
          const changed = isOr ? yes : no;
          if (sig(plain) !== sig(original) || (!is2xx(changed.response.status) && !is2xx(plain.response.status))) continue;
          const yes2 = await send(t);
          const no2 = await send(f);
          if (sig(yes2) !== sig(yes) || sig(no2) !== sig(no)) continue;
          out.push({ title: `SQL injection in "${p.name}" of ${op.id} (boolean-based)`, operation: op.id, key: p.name, detail: `"${p.name}"=${JSON.stringify(t)} and ${JSON.stringify(f)} differ only in the truth of the injected condition, yet answer differently (HTTP ${yes.response.status} vs ${no.response.status}), consistently over two rounds; the ${isOr ? 'false' : 'true'} twin answers exactly like the original value.`, evidence: [changed, plain, original], suggestion: { key: 'detection', value: { sqlInjection: 'block' } } });
          break;
        }
      }
    }
    return out;
  },
});
