import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { loginRequest, loginTarget } from './login.js';
import { caller, inputsOf, is2xx, normalise, uniqueMarker, validRequest } from './util.js';
import type { Exchange } from '../types.js';

const sig = (ex: Exchange) => `${ex.response.status}\n${normalise(ex.response.body)}`;

/**
 * NoSQL operator injection (API8). Login: a `{"$ne": …}` password is accepted where a wrong password is refused.
 * Query: `name[$ne]=x` answers differently from `name=x`, while a non-operator twin `name[rampart]=x` answers like
 * the literal (so the server evaluates operators, rather than ignoring unknown parameters); on two rounds.
 */
export const nosqlInjection = defineCheck({
  id: 'nosql-injection',
  title: 'NoSQL operator injection',
  owasp: 'API8:2023',
  cwe: 943,
  severity: 'critical',
  description: 'Sends MongoDB-style operators in login bodies and query parameters, with differential twins.',
  remediation: 'Reject objects where scalars are expected (validate types) and never pass request objects to the query layer.',
  scope: 'target',
  appliesTo: (op) => (op.safe && op.parameters.some((p) => p.in === 'query')) || op.requestBody !== undefined,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const t = loginTarget(ctx);
    if (t !== undefined) {
      const wrong = await ctx.client.send(loginRequest(t, { [t.passwordField]: uniqueMarker('wrong-') }));
      if (!is2xx(wrong.response.status)) {
        for (const op of ['$ne', '$gt']) {
          const inj = await ctx.client.send(loginRequest(t, { [t.passwordField]: { [op]: op === '$ne' ? uniqueMarker('x') : '' } }));
          if (!is2xx(inj.response.status)) continue;
          out.push({ title: `Login bypass with a "${op}" operator password`, operation: `${t.login.method} ${t.login.path}`, key: 'login', detail: `A wrong password is refused (HTTP ${wrong.response.status}), but the password {"${op}": …} logs in (HTTP ${inj.response.status}).`, evidence: [inj, wrong], suggestion: { key: 'validation', value: { mode: 'strict' }, note: 'schema validation refuses objects where the document declares strings' } });
          break;
        }
      }
    }
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      // JSON body fields (reads, and creates with --destructive): {"$ne": x} against x and {"rampart": x}.
      for (const input of inputsOf(ctx, op, base, { strings: true }).filter((i) => i.buildAny !== undefined)) {
        if (t !== undefined && op.id === `${t.login.method} ${t.login.path}`) break; // the login is covered above
        const v = uniqueMarker('zz');
        const literal = await ctx.client.send(input.buildAny!(v));
        const opx = await ctx.client.send(input.buildAny!({ $ne: v }));
        const control = await ctx.client.send(input.buildAny!({ rampart: v }));
        if (!is2xx(opx.response.status) || sig(opx) === sig(literal) || sig(control) !== sig(literal)) continue;
        if (sig(await ctx.client.send(input.buildAny!({ $ne: v }))) !== sig(opx)) continue;
        out.push({ title: `NoSQL operator injection in body field "${input.name}" of ${op.id}`, operation: op.id, key: `body:${input.name}`, detail: `{"${input.name}": {"$ne": "${v}"}} answers differently from {"${input.name}": "${v}"}, while the non-operator twin {"rampart": …} answers like the literal: the server passes request objects to its query.`, evidence: [opx, literal, control], suggestion: { key: 'validation', value: { mode: 'strict' }, note: 'schema validation refuses objects where the document declares strings' } });
      }
      if (!op.safe) continue;
      for (const p of op.parameters.filter((x) => x.in === 'query').slice(0, 4)) {
        const v = uniqueMarker('zz');
        const rest = Object.fromEntries(Object.entries(base.query ?? {}).filter(([k]) => k !== p.name));
        const send = (key: string) => ctx.client.send({ ...base, query: { ...rest, [key]: v } });
        const literal = await send(p.name);
        const opx = await send(`${p.name}[$ne]`);
        const control = await send(`${p.name}[rampart]`);
        if (!is2xx(opx.response.status) || sig(opx) === sig(literal) || sig(control) !== sig(literal)) continue;
        const again = await send(`${p.name}[$ne]`);
        if (sig(again) !== sig(opx)) continue;
        out.push({ title: `NoSQL operator injection in "${p.name}" of ${op.id}`, operation: op.id, key: p.name, detail: `${p.name}[$ne]=${v} answers differently from ${p.name}=${v}, while the non-operator twin ${p.name}[rampart]=${v} answers like the literal: the server evaluates query operators from the request.`, evidence: [opx, literal, control], suggestion: { key: 'validation', value: { mode: 'strict' }, note: 'schema validation refuses objects where the document declares strings' } });
      }
    }
    return out;
  },
});
