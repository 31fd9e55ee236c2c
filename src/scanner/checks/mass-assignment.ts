import { defineCheck } from '../check.js';
import type { CheckContext } from '../engine/context.js';
import { lastPathParam } from '../engine/context.js';
import { bodyFor, fillPath } from '../engine/requests.js';
import { idOfCreated, kindOf, readersOf } from '../engine/resources.js';
import type { Operation } from '../model/operations.js';
import { propertiesOf } from '../model/sample.js';
import type { Exchange, FindingDraft } from '../types.js';
import { is2xx, isObject, parseJson, uniqueMarker, validRequest } from './util.js';

/** Privilege-bearing properties a client should never set. */
const EXTRAS: Readonly<Record<string, unknown>> = { role: 'admin', isAdmin: true, admin: true, is_admin: true };

function extrasFor(op: Operation): Record<string, unknown> {
  const props = op.requestBody !== undefined ? propertiesOf(op.requestBody.schema) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(EXTRAS)) if (props[k] === undefined || props[k]!.readOnly === true) out[k] = v;
  return out;
}

/** The object in a read answer (top level, or wrapped in `data`). */
function objectIn(ex: Exchange): Record<string, unknown> | undefined {
  const v = parseJson(ex.response.body);
  if (!isObject(v)) return undefined;
  return isObject(v.data) ? v.data : v;
}

function persisted(read: Exchange, extras: Readonly<Record<string, unknown>>, before?: Record<string, unknown>): string[] {
  const o = objectIn(read);
  if (o === undefined) return [];
  return Object.keys(extras).filter((k) => o[k] === extras[k] && (before === undefined || before[k] !== extras[k]));
}

function readerFor(ctx: CheckContext, path: string): Operation | undefined {
  return ctx.api.operations.find((o) => o.method === 'GET' && o.path === path);
}

async function viaCreate(ctx: CheckContext, op: Operation, a: string): Promise<FindingDraft | undefined> {
  const reader = readersOf(ctx.api, op)[0];
  if (reader === undefined) return undefined;
  const extras = extrasFor(op);
  if (Object.keys(extras).length === 0) return undefined;
  const param = lastPathParam(reader)!;
  const kind = kindOf(reader.path, param);
  const create = async (withExtras: boolean) => {
    const base = bodyFor(op, uniqueMarker());
    if (!isObject(base)) return undefined;
    const body = withExtras ? { ...base, ...extras } : base;
    const ex = await ctx.client.send({ method: 'POST', path: fillPath(ctx.api, op, {}), body, identity: a });
    const id = is2xx(ex.response.status) ? idOfCreated(ex, op, kind, param, body) : undefined;
    if (id === undefined) return undefined;
    // Read back as the creator, or as the admin when the creator may not read it (a sign-up, say).
    let read = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues: { [param]: id } }));
    if (!is2xx(read.response.status) && ctx.admin !== undefined) read = await ctx.client.send(await validRequest(ctx, reader, ctx.admin, { pathValues: { [param]: id } }));
    return { ex, read };
  };
  const withExtras = await create(true);
  if (withExtras === undefined) return undefined;
  const keys = persisted(withExtras.read, extras);
  if (keys.length === 0) return undefined;
  // Control twin: the same create without the extras must not come out privileged on its own.
  const plain = await create(false);
  if (plain === undefined || !is2xx(plain.read.response.status)) return undefined;
  const confirmed = keys.filter((k) => objectIn(plain.read)?.[k] !== extras[k]);
  if (confirmed.length === 0) return undefined;
  return finding(op, confirmed, extras, withExtras.ex, withExtras.read, 'created');
}

async function viaUpdate(ctx: CheckContext, op: Operation, a: string): Promise<FindingDraft | undefined> {
  const reader = readerFor(ctx, op.path);
  const param = lastPathParam(op);
  if (reader === undefined || param === undefined) return undefined;
  const obj = await ctx.ownedObject(op, a);
  if (obj === undefined) return undefined;
  const extras = extrasFor(op);
  if (Object.keys(extras).length === 0) return undefined;
  const pathValues = { [param]: obj.id };
  const before = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
  const beforeObj = objectIn(before);
  if (!is2xx(before.response.status) || beforeObj === undefined) return undefined;
  const req = await validRequest(ctx, op, a, { pathValues });
  const base = op.method === 'PUT' && isObject(req.body) ? req.body : {};
  const write = await ctx.client.send({ ...req, body: { ...base, ...extras } });
  if (!is2xx(write.response.status)) return undefined;
  const after = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
  const keys = persisted(after, extras, beforeObj);
  if (keys.length === 0) return undefined;
  // Put the account back as it was (the flaw itself lets us), so later checks see the original roles.
  const restore: Record<string, unknown> = {};
  for (const k of keys) restore[k] = beforeObj[k] ?? null;
  await ctx.client.send({ ...req, method: op.method === 'PUT' ? 'PATCH' : op.method, body: restore });
  return finding(op, keys, extras, write, after, 'updated');
}

function finding(op: Operation, keys: string[], extras: Readonly<Record<string, unknown>>, write: Exchange, read: Exchange, how: string): FindingDraft {
  const shown = keys.map((k) => `${k}=${JSON.stringify(extras[k])}`).join(', ');
  return {
    title: `Mass assignment via ${op.id}: ${keys.join(', ')}`,
    operation: op.id,
    key: keys.join(','),
    detail: `The object ${how} through ${op.id} with the undeclared (or read-only) properties ${shown} reads back with them set; a control request without them does not.`,
    evidence: [write, read],
    suggestion: { key: 'validation', value: { unknownProperties: 'reject' }, note: `keep ${keys.join(', ')} out of (or readOnly in) the request schema` },
  };
}

/**
 * API3: mass assignment. Privilege properties the document does not let clients write are sent, then read back;
 * reported only when they persisted and a control twin shows they were not already set.
 */
export const massAssignment = defineCheck({
  id: 'mass-assignment',
  title: 'Mass assignment of privileged properties',
  owasp: 'API3:2023',
  cwe: 915,
  severity: 'high',
  description: 'Creates or updates objects with extra properties (role, isAdmin, admin) and reads them back.',
  remediation: 'Bind request bodies to an explicit allow-list of writable properties; reject unknown properties.',
  scope: 'operation',
  appliesTo: (op) => op.requestBody !== undefined && ['POST', 'PUT', 'PATCH'].includes(op.method),
  needs: { users: 1, destructive: true },
  async run(ctx, ops) {
    const a = ctx.userA!;
    const out: FindingDraft[] = [];
    for (const op of ops) {
      const f = op.method === 'POST' ? await viaCreate(ctx, op, a) : await viaUpdate(ctx, op, a);
      if (f !== undefined) out.push(f);
    }
    return out;
  },
});
