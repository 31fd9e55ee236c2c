import { defineCheck } from '../check.js';
import { lastPathParam } from '../engine/context.js';
import { fillPath } from '../engine/requests.js';
import { createObject, creatorOf, kindOf } from '../engine/resources.js';
import type { FindingDraft } from '../types.js';
import { is2xx, uniqueMarker, validRequest } from './util.js';

const WRITES = ['DELETE', 'PUT', 'PATCH'] as const;

/**
 * API5: method switching. On a documented object path, a method the document does not list (DELETE, PUT, PATCH)
 * still works. Only with --destructive, only on an object created for the purpose, and confirmed by reading it
 * back: gone after DELETE, carrying our marker after PUT/PATCH. The gateway blocks it by listing a route's methods.
 */
export const methodSwitching = defineCheck({
  id: 'method-switching',
  title: 'Undocumented method accepted',
  owasp: 'API5:2023',
  cwe: 650,
  severity: 'high',
  description: 'Sends DELETE, PUT and PATCH to object paths that do not document them, on an object the scan created, and reads the effect back.',
  remediation: 'Answer 405 for every method a path does not implement on purpose; route only the documented methods.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && lastPathParam(op) !== undefined,
  needs: { users: 1, destructive: true },
  async run(ctx, ops) {
    const a = ctx.userA!;
    const out: FindingDraft[] = [];
    for (const reader of ops) {
      const documented = new Set(ctx.api.operations.filter((o) => o.path === reader.path).map((o) => o.method));
      const missing = WRITES.filter((m) => !documented.has(m));
      const param = lastPathParam(reader)!;
      const creator = creatorOf(ctx.api, reader);
      if (missing.length === 0 || creator === undefined) continue;
      for (const method of missing) {
        const obj = await createObject(ctx.client, ctx.api, creator, a, kindOf(reader.path, param), ctx.resources, param);
        if (obj === undefined) break;
        const pathValues = { [param]: obj.id };
        const before = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
        if (!is2xx(before.response.status)) break;
        const marker = uniqueMarker();
        const current = (() => {
          try {
            return JSON.parse(before.response.body) as unknown;
          } catch {
            return undefined;
          }
        })();
        const field = typeof current === 'object' && current !== null ? Object.entries(current).find(([k, v]) => typeof v === 'string' && v === obj.marker && k !== param)?.[0] : undefined;
        if (method !== 'DELETE' && field === undefined) continue;
        const body = method === 'DELETE' ? undefined : method === 'PATCH' ? { [field!]: marker } : { ...(current as Record<string, unknown>), [field!]: marker };
        const switched = await ctx.client.send({ method, path: fillPath(ctx.api, reader, pathValues), body, identity: a });
        if (!is2xx(switched.response.status)) continue;
        const back = await ctx.client.send(await validRequest(ctx, reader, a, { pathValues }));
        const effect = method === 'DELETE' ? back.response.status === 404 || back.response.status === 410 : is2xx(back.response.status) && back.response.body.includes(marker);
        if (!effect) continue;
        out.push({
          title: `${method} ${reader.path} works but is not documented`,
          operation: `${method} ${reader.path}`,
          key: method,
          detail: `The document lists ${[...documented].join(', ')} for ${reader.path}; ${method} answered HTTP ${switched.response.status} and the read-back shows it took effect (${method === 'DELETE' ? `HTTP ${back.response.status}` : `"${field}" is now "${marker}"`}).`,
          evidence: [switched, back],
          suggestion: { key: 'match', value: { methods: [...documented].sort() }, note: 'route only the documented methods; others are answered 405' },
        });
      }
    }
    return out;
  },
});
