import type { ScanRequest } from '../http/client.js';
import type { ApiModel, Operation, Parameter } from '../model/operations.js';
import { mergeAllOf, propertiesOf, sampleValue, typeOf } from '../model/sample.js';

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function serialise(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** The operation's path with the base path and path parameters filled (given values, else samples). */
export function fillPath(api: ApiModel, op: Operation, values: Readonly<Record<string, string>>): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    const v = values[name] ?? (p !== undefined ? serialise(sampleValue(p.schema, name)) : '1');
    return encodeURIComponent(v);
  });
  return api.basePath + path;
}

/** A JSON body for the operation; string properties carry `marker` when given (to find them again later). */
export function bodyFor(op: Operation, marker?: string): unknown {
  if (op.requestBody === undefined) return undefined;
  const schema = mergeAllOf(op.requestBody.schema);
  const v = op.requestBody.example ?? sampleValue(schema);
  if (marker === undefined || typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  const props = propertiesOf(schema);
  for (const [k, s] of Object.entries(props)) {
    if (s.readOnly === true || typeOf(s) !== 'string' || s.enum !== undefined || s.const !== undefined) continue;
    if (/pass|secret|token/i.test(k)) continue;
    // Unique values also keep unique constraints (usernames, emails) from refusing a second create.
    const candidate = s.format === 'email' ? `${marker}@example.com` : s.format === undefined ? marker : undefined;
    if (candidate === undefined || !fits(s, candidate)) continue;
    out[k] = candidate;
  }
  return out;
}

function fits(s: Readonly<Record<string, unknown>>, v: string): boolean {
  if (typeof s.maxLength === 'number' && v.length > s.maxLength) return false;
  if (typeof s.minLength === 'number' && v.length < s.minLength) return false;
  if (typeof s.pattern !== 'string') return true;
  try {
    return new RegExp(s.pattern, 'u').test(v);
  } catch {
    return false;
  }
}

export interface RequestOverrides {
  readonly identity?: string;
  readonly pathValues?: Readonly<Record<string, string>>;
  /** Replaces or adds query parameters. */
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A valid request for the operation: required and sampled parameters, a sample body. */
export function requestFor(api: ApiModel, op: Operation, o: RequestOverrides = {}): ScanRequest {
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in === 'query' && p.required) query[p.name] = serialise(paramSample(p));
    if (p.in === 'header' && p.required && !/^(authorization|content-type|accept)$/i.test(p.name)) headers[p.name] = serialise(paramSample(p));
  }
  Object.assign(query, o.query ?? {});
  Object.assign(headers, o.headers ?? {});
  return {
    method: op.method,
    path: fillPath(api, op, o.pathValues ?? {}),
    query,
    headers,
    body: o.body !== undefined ? o.body : bodyFor(op),
    contentType: /json|x-www-form-urlencoded/i.test(op.requestBody?.contentType ?? '') ? op.requestBody?.contentType : undefined,
    identity: o.identity,
  };
}

export function paramSample(p: Parameter): unknown {
  return p.example ?? sampleValue(p.schema, p.name);
}

export function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Body text with volatile parts (timestamps, uuids, long numbers, request ids) blanked, for comparisons. */
export function normalise(body: string): string {
  return body
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, 'T')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'U')
    .replace(/"(requestId|request_id|traceId|timestamp|time|date|nonce)"\s*:\s*"[^"]*"/g, '"$1":""')
    .replace(/\d{6,}/g, 'N');
}
