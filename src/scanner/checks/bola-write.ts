import { defineCheck } from '../check.js';
import { lastPathParam } from '../engine/context.js';
import { fillPath } from '../engine/requests.js';
import { createObject, creatorOf, kindOf } from '../engine/resources.js';
import type { Operation } from '../model/operations.js';
import { propertiesOf, typeOf } from '../model/sample.js';
import type { CheckContext } from '../engine/context.js';
import type { FindingDraft } from '../types.js';
import { is2xx, uniqueMarker, validRequest } from './util.js';

function readerOf(ctx: CheckContext, op: Operation): Operation | undefined {
  return ctx.api.operations.find((o) => o.method === 'GET' && o.path === op.path);
}

/** A writable, free-text string property to carry a marker (never a password or an enum). */
function markerField(op: Operation): string | undefined {
  if (op.requestBody === undefined) return undefined;
  const props = propertiesOf(op.requestBody.schema);
  return Object.keys(props).find((k) => {
    const s = props[k]!;
    return typeOf(s) === 'string' && s.readOnly !== true && s.enum === undefined && s.format === undefined && s.pattern === undefined && !/pass|secret|token|role|email/i.test(k);
  });
}

/**
 * API1: user B changes or deletes user A's object. Confirmed by reading the object back as A: the marker B wrote
 * is there, or the object is gone. Changes data, so only with --destructive; deletes only objects the scan created.
 */
export const bolaWrite = defineCheck({
  id: 'bola-write',
  title: 'Broken object level authorization (write)',
  owasp: 'API1:2023',
  cwe: 639,
  severity: 'critical',
  description: "User B updates or deletes user A's object; confirmed by A reading the change back.",
  remediation: 'Authorize every write against the object owner; never trust the id in the path as proof of ownership.',
  scope: 'operation',
  appliesTo: (op) => ['PUT', 'PATCH', 'DELETE'].includes(op.method) && lastPathParam(op) !== undefined,
  needs: { users: 2, destructive: true },
  async run(ctx, ops) {
    const a = ctx.userA!;
    const b = ctx.userB!;
    const out: FindingDraft[] = [];
    for (const op of ops) {
      const reader = readerOf(ctx, op);
      const param = lastPathParam(op)!;
      if (reader === undefined) continue;
      // Deletes only ever target an object created for the purpose; updates may use any object A owns.
      const creator = op.method === 'DELETE' ? creatorOf(ctx.api, op) : undefined;
      const obj = op.method === 'DELETE' ? (creator !== undefined ? await createObject(ctx.client, ctx.api, creator, a, kindOf(op.path, param), ctx.resources, param) : undefined) : await ctx.ownedObject(op, a);
      if (obj === undefined) continue;
      const pathValues = { [param]: obj.id };
      const path = fillPath(ctx.api, op, pathValues);
      if (op.method === 'DELETE') {
        const del = await ctx.client.send({ method: 'DELETE', path, identity: b });
        if (!is2xx(del.response.status)) continue;
        const back = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
        if (back.response.status !== 404 && back.response.status !== 410) continue;
        out.push({
          title: `User ${b} can delete ${a}'s object via ${op.id}`,
          operation: op.id,
          detail: `${b} deleted ${a}'s object ${param}=${obj.id} (HTTP ${del.response.status}); ${a} then got HTTP ${back.response.status} reading it.`,
          evidence: [del, back],
          suggestion: { key: 'authorization', value: { owner: { param, principal: 'subject' } } },
        });
        continue;
      }
      const field = markerField(op);
      if (field === undefined) continue;
      const marker = uniqueMarker();
      const req = await validRequest(ctx, op, b, { pathValues });
      const base = typeof req.body === 'object' && req.body !== null ? req.body : {};
      const body = op.method === 'PATCH' ? { [field]: marker } : { ...base, [field]: marker };
      const write = await ctx.client.send({ ...req, body });
      if (!is2xx(write.response.status)) continue;
      const back = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
      if (!is2xx(back.response.status) || !back.response.body.includes(marker)) continue;
      out.push({
        title: `User ${b} can modify ${a}'s object via ${op.id}`,
        operation: op.id,
        detail: `${b} wrote "${marker}" into ${field} of ${a}'s object ${param}=${obj.id} (HTTP ${write.response.status}); ${a}'s read-back shows the change.`,
        evidence: [write, back],
        suggestion: { key: 'authorization', value: { owner: { param, principal: 'subject' } } },
      });
    }
    return out;
  },
});
