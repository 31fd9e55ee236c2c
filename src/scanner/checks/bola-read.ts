import { defineCheck } from '../check.js';
import { lastPathParam } from '../engine/context.js';
import type { CheckContext } from '../engine/context.js';
import type { Operation } from '../model/operations.js';
import type { FindingDraft } from '../types.js';
import { is2xx, sameBody, validRequest } from './util.js';

/**
 * API1: user B reads an object that belongs to user A. Confirmed by content, not status: B's answer carries A's
 * object (the marker the scanner wrote into it, or exactly what A sees), and anonymous callers do not get it
 * when the document does not declare the operation protected (so the object is not simply public).
 */
export const bolaRead = defineCheck({
  id: 'bola-read',
  title: 'Broken object level authorization (read)',
  owasp: 'API1:2023',
  cwe: 639,
  severity: 'high',
  description: "User B requests user A's object by id and receives it; confirmed by comparing with A's own view and an anonymous request.",
  remediation: 'Check on every object access that the caller owns (or may see) the object, not only that the caller is logged in.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && (lastPathParam(op) !== undefined || ownerQuery(op) !== undefined),
  needs: { users: 2 },
  async run(ctx, ops) {
    const a = ctx.userA!;
    const b = ctx.userB!;
    const out: FindingDraft[] = [];
    for (const op of ops.filter((o) => ownerQuery(o) !== undefined)) {
      const f = await viaQuery(ctx, op, a, b);
      if (f !== undefined) out.push(f);
    }
    for (const op of ops.filter((o) => lastPathParam(o) !== undefined)) {
      const obj = await ctx.ownedObject(op, a);
      const param = lastPathParam(op)!;
      if (obj === undefined) continue;
      const pathValues = { [param]: obj.id };
      const asA = await ctx.client.send(await validRequest(ctx, op, a, { pathValues }));
      if (!is2xx(asA.response.status)) continue;
      const asB = await ctx.client.send(await validRequest(ctx, op, b, { pathValues }));
      if (!is2xx(asB.response.status)) continue;
      const carries = obj.marker !== undefined ? asB.response.body.includes(obj.marker) : sameBody(asA, asB);
      if (!carries) continue;
      const anon = await ctx.client.send(await validRequest(ctx, op, undefined, { pathValues }));
      // Served to anyone and not declared protected: a public object, not an authorization flaw.
      if (!op.requiresAuth && is2xx(anon.response.status) && sameBody(anon, asA)) continue;
      out.push({
        title: `User ${b} can read ${a}'s object via ${op.id}`,
        operation: op.id,
        detail: `${b} requested ${op.path} with ${param}=${obj.id}, an object owned by ${a}, and received it (HTTP ${asB.response.status}); ${a}'s own read returned the same object${is2xx(anon.response.status) ? ` (anonymous callers get it too: see auth-missing)` : `, while an anonymous request got HTTP ${anon.response.status}`}.`,
        evidence: [asB, asA, anon],
        suggestion: { key: 'authorization', value: { owner: { param, principal: 'subject' } } },
      });
    }
    return out;
  },
});

/** A query parameter naming whose data to return: `userId`, `user_id`, `owner`, `accountId`, `customer`… */
function ownerQuery(op: Operation) {
  return op.parameters.find((p) => p.in === 'query' && /^(user|owner|account|customer|member|profile)([-_]?id)?$/i.test(p.name));
}

/**
 * The same flaw through a query parameter (`GET /orders?userId=1`): B asking with A's value gets what A gets, and
 * something else with B's own value, so the answer is A's data and the parameter alone decides it.
 */
async function viaQuery(ctx: CheckContext, op: Operation, a: string, b: string): Promise<FindingDraft | undefined> {
  const p = ownerQuery(op)!;
  // The token's subject is the caller's id; a seeded `owns: { users: [...] }` entry otherwise.
  const idOf = async (who: string) => (await ctx.identities?.subject(who)) ?? ctx.resources.owned('users', who)?.id;
  const mine = await idOf(a);
  const theirs = await idOf(b);
  if (mine === undefined || theirs === undefined || mine === theirs) return undefined;
  const asA = await ctx.client.send(await validRequest(ctx, op, a, { query: { [p.name]: mine } }));
  const asB = await ctx.client.send(await validRequest(ctx, op, b, { query: { [p.name]: mine } }));
  if (!is2xx(asA.response.status) || !is2xx(asB.response.status) || !sameBody(asA, asB)) return undefined;
  const own = await ctx.client.send(await validRequest(ctx, op, b, { query: { [p.name]: theirs } }));
  if (!is2xx(own.response.status) || sameBody(own, asB)) return undefined;
  const anon = await ctx.client.send(await validRequest(ctx, op, undefined, { query: { [p.name]: mine } }));
  if (!op.requiresAuth && is2xx(anon.response.status) && sameBody(anon, asA)) return undefined;
  return {
    title: `User ${b} can read ${a}'s data via ${op.id}?${p.name}=`,
    operation: op.id,
    key: `query:${p.name}`,
    detail: `${b} asked ${op.path}?${p.name}=${mine} (${a}'s) and got exactly what ${a} gets; with ${p.name}=${theirs} (${b}'s own) the answer differs, so the parameter alone decides whose data is returned.`,
    evidence: [asB, asA, own],
    suggestion: { key: 'authorization', value: { owner: { query: p.name, principal: 'subject' } } },
  };
}
