import type { CheckContext } from '../engine/context.js';
import { lastPathParam } from '../engine/context.js';
import { is2xx, normalise, parseJson, requestFor, type RequestOverrides } from '../engine/requests.js';
import { kindOf } from '../engine/resources.js';
import type { ScanRequest } from '../http/client.js';
import type { Operation, Parameter } from '../model/operations.js';
import { isSchema, propertiesOf, typeOf } from '../model/sample.js';
import type { Exchange } from '../types.js';

export { is2xx, normalise, parseJson };

/** Same content once volatile parts are blanked. */
export function sameBody(a: Exchange, b: Exchange): boolean {
  return normalise(a.response.body) === normalise(b.response.body);
}

/** Path values for an operation: known objects of each parameter's kind (the caller's own first). */
export function knownPathValues(ctx: CheckContext, op: Operation, identity?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in !== 'path') continue;
    const kind = kindOf(op.path, p.name);
    const o = (identity !== undefined ? ctx.resources.owned(kind, identity) : undefined) ?? ctx.resources.any(kind);
    if (o !== undefined) out[p.name] = o.id;
  }
  return out;
}

/**
 * A valid request for `op` as `identity`, with the caller's own object ids where the pool has them (seeding
 * them first through `ownedObject` for the last path parameter).
 */
export async function validRequest(ctx: CheckContext, op: Operation, identity: string | undefined, o: RequestOverrides = {}): Promise<ScanRequest> {
  if (identity !== undefined && lastPathParam(op) !== undefined && op.safe) await ctx.ownedObject(op, identity);
  return requestFor(ctx.api, op, { identity, ...o, pathValues: { ...knownPathValues(ctx, op, identity), ...(o.pathValues ?? {}) } });
}

/** The identity to send ordinary requests as: user A when given, else anonymous. */
export function caller(ctx: CheckContext): string | undefined {
  return ctx.userA ?? ctx.admin;
}

/** String-valued parameters in path or query of an operation. */
export function stringParams(op: Operation): Parameter[] {
  return op.parameters.filter((p) => (p.in === 'query' || p.in === 'path') && (typeOf(p.schema) ?? 'string') === 'string' && !Array.isArray(p.schema.enum));
}

export function injectableParams(op: Operation): Parameter[] {
  return op.parameters.filter((p) => p.in === 'query' || p.in === 'path');
}

/** A request with one parameter replaced by `value` (query or path). */
export function withParam(req: ScanRequest, op: Operation, p: Parameter, value: string, api: { basePath: string }): ScanRequest {
  if (p.in === 'query') return { ...req, query: { ...(req.query ?? {}), [p.name]: value } };
  const segs = op.path.split('/');
  const reqSegs = req.path.slice(api.basePath.length).split('/');
  const i = segs.indexOf(`{${p.name}}`);
  if (i >= 0 && i < reqSegs.length) reqSegs[i] = encodeURIComponent(value);
  return { ...req, path: api.basePath + reqSegs.join('/') };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return isSchema(v);
}

/** Whether a body text looks like a refusal even when the status says success (some APIs answer 200 + error). */
export function looksLikeRefusal(body: string): boolean {
  return /unauthori[sz]ed|forbidden|not authenticated|login required|access denied|invalid token|permission denied/i.test(body.slice(0, 2000));
}

/** Operations whose path looks like a login or token endpoint (their answers carry tokens on purpose). */
export function isAuthOperation(op: Operation): boolean {
  return /(login|logout|signin|sign-in|token|oauth|auth|session|register|signup)/i.test(op.path);
}

export function uniqueMarker(prefix = 'rmp'): string {
  return `${prefix}${Math.random().toString(36).slice(2, 10)}`;
}

/** The value a request carries for a parameter (query, or the path segment). */
export function paramValue(req: ScanRequest, op: Operation, p: Parameter, api: { basePath: string }): string {
  if (p.in === 'query') {
    const v = req.query?.[p.name];
    return typeof v === 'string' ? v : '1';
  }
  const i = op.path.split('/').indexOf(`{${p.name}}`);
  const seg = req.path.slice(api.basePath.length).split('/')[i];
  return seg !== undefined ? decodeURIComponent(seg) : '1';
}

/** One value an attacker controls: a path or query parameter, or a top-level string field of a JSON body. */
export interface Input {
  readonly name: string;
  readonly where: 'path' | 'query' | 'body';
  /** The valid value the base request carries. */
  readonly value: string;
  readonly schema: Readonly<Record<string, unknown>>;
  build(v: string): ScanRequest;
  /** Body fields only: the request with any JSON value in the field (objects for operator injection). */
  buildAny?(v: unknown): ScanRequest;
}

/**
 * The inputs of an operation worth injecting into. Parameters and body fields of reads; body fields of creates
 * (POST) only with --destructive (each probe may create an object). `strings` keeps string-typed ones only.
 */
export function inputsOf(ctx: CheckContext, op: Operation, base: ScanRequest, opts: { strings?: boolean; max?: number } = {}): Input[] {
  // Writes: only the body of a create, and only with --destructive. An injected id in PUT/PATCH/DELETE
  // (`1;sleep 2` read as 1) would change or delete an existing object, possibly a scan identity.
  if (!op.safe && (!ctx.destructive || op.method !== 'POST')) return [];
  const params = !op.safe ? [] : opts.strings === true ? stringParams(op) : injectableParams(op);
  const out: Input[] = params.map((p) => ({ name: p.name, where: p.in === 'path' ? 'path' : 'query', value: paramValue(base, op, p, ctx.api), schema: p.schema, build: (v: string) => withParam(base, op, p, v, ctx.api) }));
  const body = base.body;
  if (op.requestBody !== undefined && isObject(body)) {
    const props = propertiesOf(op.requestBody.schema);
    for (const [k, v] of Object.entries(body)) {
      const schema = props[k] ?? {};
      if (typeof v !== 'string' || (Array.isArray(schema.enum) && schema.enum.length > 0) || /pass/i.test(k)) continue;
      out.push({ name: k, where: 'body', value: v, schema, build: (x: string) => ({ ...base, body: { ...body, [k]: x } }), buildAny: (x: unknown) => ({ ...base, body: { ...body, [k]: x } }) });
    }
  }
  return out.slice(0, opts.max ?? 6);
}

/** Operations with anything to inject into (the run still drops writes without --destructive). */
export function hasInputs(op: Operation): boolean {
  return injectableParams(op).length > 0 || op.requestBody !== undefined;
}
