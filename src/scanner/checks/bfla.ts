import { defineCheck } from '../check.js';
import type { CheckContext } from '../engine/context.js';
import { lastPathParam } from '../engine/context.js';
import { fillPath } from '../engine/requests.js';
import { createObject, creatorOf, kindOf } from '../engine/resources.js';
import type { Operation } from '../model/operations.js';
import type { FindingDraft } from '../types.js';
import { is2xx, looksLikeRefusal, sameBody, validRequest } from './util.js';

async function readAdminOnly(ctx: CheckContext, op: Operation, user: string, admin: string): Promise<FindingDraft | undefined> {
  const asAdmin = await ctx.client.send(await validRequest(ctx, op, admin));
  if (!is2xx(asAdmin.response.status)) return undefined;
  const asUser = await ctx.client.send(await validRequest(ctx, op, user));
  if (!is2xx(asUser.response.status) || looksLikeRefusal(asUser.response.body) || !sameBody(asUser, asAdmin)) return undefined;
  const anon = await ctx.client.send({ ...(await validRequest(ctx, op, user)), identity: undefined });
  if (is2xx(anon.response.status)) return undefined; // open to everyone: auth-missing's business, not a role flaw
  return {
    title: `Normal user ${user} can call admin operation ${op.id}`,
    operation: op.id,
    detail: `${op.id} is administrative, yet ${user} (role user) got HTTP ${asUser.response.status} with the same answer as ${admin}; anonymous callers get HTTP ${anon.response.status}, so only the role check is missing.`,
    evidence: [asUser, asAdmin, anon],
    suggestion: { key: 'authorization', value: { adminOnly: true } },
  };
}

async function deleteAdminOnly(ctx: CheckContext, op: Operation, user: string, admin: string): Promise<FindingDraft | undefined> {
  const param = lastPathParam(op);
  const reader = ctx.api.operations.find((o) => o.method === 'GET' && o.path === op.path);
  const creator = creatorOf(ctx.api, op) ?? ctx.api.operations.find((o) => o.method === 'POST' && `${o.path}/{${param}}` === op.path);
  if (param === undefined || reader === undefined || creator === undefined) return undefined;
  // The victim is an object the admin creates for the purpose: nothing that existed before is deleted.
  const victim = await createObject(ctx.client, ctx.api, creator, admin, kindOf(op.path, param), ctx.resources, param);
  if (victim === undefined) return undefined;
  const pathValues = { [param]: victim.id };
  const del = await ctx.client.send({ method: 'DELETE', path: fillPath(ctx.api, op, pathValues), identity: user });
  if (!is2xx(del.response.status)) return undefined;
  const back = await ctx.client.send(await validRequest(ctx, reader, admin, { pathValues }));
  if (back.response.status !== 404 && back.response.status !== 410) return undefined;
  return {
    title: `Normal user ${user} can call admin operation ${op.id}`,
    operation: op.id,
    detail: `${user} (role user) deleted an object the admin had just created (HTTP ${del.response.status}); the admin's read-back got HTTP ${back.response.status}.`,
    evidence: [del, back],
    suggestion: { key: 'authorization', value: { adminOnly: true } },
  };
}

/**
 * API5: administrative operations a normal user can call. Reads: the user gets the admin's answer while anonymous
 * callers are refused. Deletes (--destructive): the user deletes an object the admin created, confirmed by the
 * admin's read-back.
 */
export const bfla = defineCheck({
  id: 'bfla',
  title: 'Broken function level authorization',
  owasp: 'API5:2023',
  cwe: 285,
  severity: 'high',
  description: 'Calls operations the document marks administrative (tag, path, scope, x-rampart-admin) as a normal user.',
  remediation: 'Check the caller\'s role on every administrative operation, deny by default (at the gateway: `authorization.roles`).',
  scope: 'operation',
  appliesTo: (op) => op.adminOnly,
  needs: { users: 1, admin: true },
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    for (const op of ops) {
      const f = op.safe ? await readAdminOnly(ctx, op, ctx.userA!, ctx.admin!) : op.method === 'DELETE' && ctx.destructive ? await deleteAdminOnly(ctx, op, ctx.userA!, ctx.admin!) : undefined;
      if (f !== undefined) out.push(f);
    }
    return out;
  },
});
