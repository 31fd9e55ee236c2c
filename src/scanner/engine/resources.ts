import type { ScanClient } from '../http/client.js';
import type { ApiModel, Operation } from '../model/operations.js';
import { isSchema } from '../model/sample.js';
import type { Exchange } from '../types.js';
import { bodyFor, fillPath, parseJson } from './requests.js';

/** The resource kind a path parameter names: `/users/{id}` → users, `{userId}` → users, `/orgs/{org}/repos/{repo}` → repos. */
export function kindOf(path: string, param: string): string {
  const fromName = /^(.+?)[-_]?(id|uuid|key|slug)$/i.exec(param);
  if (fromName !== null && fromName[1] !== undefined && fromName[1].length > 1) return plural(fromName[1].toLowerCase());
  const segs = path.split('/');
  const i = segs.indexOf(`{${param}}`);
  for (let j = i - 1; j >= 0; j--) {
    const s = segs[j]!;
    // Version and prefix segments (/api/v1/users/{name}) do not name the resource.
    if (s !== '' && !s.startsWith('{') && !/^(v\d+(\.\d+)?|api|rest|latest)$/i.test(s)) return s.toLowerCase();
  }
  return param.toLowerCase();
}

function plural(s: string): string {
  return s.endsWith('s') ? s : `${s}s`;
}

export function isUserKind(kind: string): boolean {
  return /^(users|accounts|members|profiles|customers|people)$/.test(kind);
}

export interface KnownObject {
  readonly kind: string;
  readonly id: string;
  /** Identity that created or owns it; undefined when only discovered. */
  readonly owner?: string;
  /** Marker string written into the object when the scanner created it. */
  readonly marker?: string;
  readonly created?: Exchange;
}

/**
 * Object ids known to the scan, by kind: created by the scanner (create → read → update → delete sequences), seeded
 * from the auth file (`owns`) or the identities' subjects, or read from list responses.
 */
export class ResourcePool {
  readonly #objects: KnownObject[] = [];

  add(o: KnownObject): void {
    if (!this.#objects.some((x) => x.kind === o.kind && x.id === o.id && x.owner === o.owner)) this.#objects.push(o);
  }
  owned(kind: string, owner: string): KnownObject | undefined {
    return this.#objects.find((o) => o.kind === kind && o.owner === owner);
  }
  any(kind: string): KnownObject | undefined {
    return this.#objects.find((o) => o.kind === kind);
  }
  all(): readonly KnownObject[] {
    return this.#objects;
  }
}

/** The id of a created object: from the body (`id`, `<kind>Id`, `uuid`) or the Location header. */
export function idFromResponse(ex: Exchange, kind: string): string | undefined {
  const body = parseJson(ex.response.body);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const singular = kind.replace(/s$/, '');
    for (const k of ['id', `${singular}Id`, `${singular}_id`, 'uuid', '_id']) {
      const v = b[k];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    for (const inner of ['data', singular]) {
      const nested = b[inner];
      if (typeof nested === 'object' && nested !== null && 'id' in nested) {
        const v = (nested as Record<string, unknown>).id;
        if (typeof v === 'string' || typeof v === 'number') return String(v);
      }
    }
  }
  const loc = ex.response.headers.location;
  if (loc !== undefined) return loc.split('/').filter(Boolean).pop();
  return undefined;
}

/**
 * The operation that creates objects read by `op`: the collection POST (`POST /notes` for `GET /notes/{id}`), or
 * one whose response declares an OpenAPI link to `op` (its operationId) filling the parameter.
 */
export function creatorOf(api: ApiModel, op: Operation): Operation | undefined {
  const m = /^(.*)\/\{[^}]+\}$/.exec(op.path);
  const byPath = m === null ? undefined : api.operations.find((o) => o.method === 'POST' && o.path === m[1] && o.requestBody !== undefined && !o.adminOnly);
  if (byPath !== undefined || op.operationId === undefined) return byPath;
  return api.operations.find((o) => o.method === 'POST' && o.links.some((l) => l.operationId === op.operationId));
}

/** Create an object as `identity` with a unique marker in its string fields; needs --destructive. */
export async function createObject(client: ScanClient, api: ApiModel, creator: Operation, identity: string, kind: string, pool: ResourcePool, param?: string): Promise<KnownObject | undefined> {
  const marker = `rampart${Math.random().toString(36).slice(2, 10)}`;
  const body = bodyFor(creator, marker);
  const ex = await client.send({ method: 'POST', path: fillPath(api, creator, {}), body, identity });
  if (ex.response.status < 200 || ex.response.status >= 300) return undefined;
  const id = idOfCreated(ex, creator, kind, param, body);
  if (id === undefined) return undefined;
  const o: KnownObject = { kind, id, owner: identity, marker, created: ex };
  pool.add(o);
  return o;
}

/** The id of an object a create answered: by link, by the answer's id field or Location, by the request's field. */
export function idOfCreated(ex: Exchange, creator: Operation, kind: string, param: string | undefined, body: unknown): string | undefined {
  return idFromLink(ex, creator, param) ?? idFromResponse(ex, kind) ?? idFromRequest(body, param);
}

/** GET operations that read what `creator` creates: by path, by link, or by a path parameter named like a body field. */
export function readersOf(api: ApiModel, creator: Operation): Operation[] {
  const fields = creator.requestBody !== undefined && isSchema(creator.requestBody.schema.properties) ? Object.keys(creator.requestBody.schema.properties) : [];
  const family = (path: string) => path.split('/').find((x) => x !== '' && !x.startsWith('{') && !/^(v\d+|api)$/i.test(x));
  return api.operations.filter((o) => {
    if (o.method !== 'GET') return false;
    const m = /\{([^}]+)\}$/.exec(o.path);
    if (m === null) return false;
    if (creatorOf(api, o) === creator) return true;
    return family(o.path) === family(creator.path) && fields.includes(m[1]!) && (o.path.match(/\{/g) ?? []).length === 1;
  });
}

/** The value an OpenAPI link of the creator assigns to `param` (`$response.body#/id`, `$request.body#/name`). */
function idFromLink(ex: Exchange, creator: Operation, param: string | undefined): string | undefined {
  if (param === undefined) return undefined;
  for (const link of creator.links) {
    const expr = link.parameters[param];
    const m = typeof expr === 'string' ? /^\$(response|request)\.body#(\/.*)?$/.exec(expr) : null;
    if (m === null) continue;
    const v = pointerOf(parseJson(m[1] === 'response' ? ex.response.body : (ex.request.body ?? '')), m[2] ?? '');
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

/** When the answer names no id: the body field named like the path parameter (`{title}` ← body.title). */
function idFromRequest(body: unknown, param: string | undefined): string | undefined {
  if (param === undefined || !isSchema(body)) return undefined;
  const v = body[param] ?? body[param.replace(/[-_]?(id|name|key|slug)$/i, '')];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function pointerOf(v: unknown, ptr: string): unknown {
  let cur = v;
  for (const raw of ptr.split('/').slice(1)) {
    if (!isSchema(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Ids listed by a collection GET response (`[{id}]` or `{items|data|results: [{id}]}`). */
export function idsFromList(body: string): string[] {
  const v = parseJson(body);
  const list = Array.isArray(v) ? v : listIn(v);
  const out: string[] = [];
  for (const item of list) {
    if (isSchema(item) && (typeof item.id === 'string' || typeof item.id === 'number')) out.push(String(item.id));
  }
  return out;
}

export function listIn(v: unknown): readonly unknown[] {
  if (!isSchema(v)) return [];
  for (const k of ['items', 'data', 'results', 'users', 'records', 'content']) {
    const x = v[k];
    if (Array.isArray(x)) return x;
  }
  const arrays = Object.values(v).filter(Array.isArray);
  return arrays.length === 1 ? arrays[0]! : [];
}
