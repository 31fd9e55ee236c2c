import type { ProblemFieldError } from '../../../core/problems/problem.js';
import type { OperationParameter } from '../../../core/openapi/operations.js';
import { isRecord } from '../../../core/openapi/operations.js';
import type { JsonSchema } from '../../../core/openapi/schema.js';
import type { SchemaValidator } from '../../../core/openapi/compile.js';
import { parseJsonBounded, type JsonLimits } from '../../../core/json/index.js';
import { fieldErrors } from './errors.js';

/** What a parameter's value looks like after deserialisation, decided once from its schema. */
type Kind = 'scalar' | 'array' | 'object';

export interface CompiledParameter {
  readonly spec: OperationParameter;
  readonly kind: Kind;
  /** JSON types a scalar (or each array item) may take: drives coercion of the raw strings. */
  readonly types: readonly string[];
  /** Object parameters: each property's types. */
  readonly propertyTypes: ReadonlyMap<string, readonly string[]>;
  readonly validate: SchemaValidator;
}

function typesOf(s: JsonSchema | undefined): string[] {
  if (!isRecord(s)) return [];
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.map(String);
  const out: string[] = [];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[k];
    if (Array.isArray(list)) for (const b of list) out.push(...typesOf(isRecord(b) ? b : undefined));
  }
  return out;
}

export function compileParameter(spec: OperationParameter, schema: JsonSchema, validate: SchemaValidator): CompiledParameter {
  const types = typesOf(schema);
  const kind: Kind = types.includes('array') ? 'array' : types.includes('object') ? 'object' : 'scalar';
  const propertyTypes = new Map<string, string[]>();
  const s = isRecord(schema) ? schema : {};
  if (kind === 'object' && isRecord(s.properties)) for (const [k, v] of Object.entries(s.properties)) propertyTypes.set(k, typesOf(isRecord(v) ? v : undefined));
  const itemTypes = kind === 'array' ? typesOf(isRecord(s.items) ? s.items : undefined) : types;
  return { spec, kind, types: itemTypes, propertyTypes, validate };
}

const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Coerce one raw string as the schema's types say (OpenAPI params are strings on the wire). */
export function coerce(raw: string, types: readonly string[]): unknown {
  if (types.length === 0 || (types.includes('string') && types.length === 1)) return raw;
  if ((types.includes('integer') || types.includes('number')) && NUMERIC.test(raw) && raw.length <= 40) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.includes('null') && raw === '') return null;
  return raw;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** `application/x-www-form-urlencoded` / query string to name -> values (in order). undefined: bad encoding. */
export function parseFormEncoded(q: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  if (q === '') return out;
  for (const pair of q.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const v = decode((eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
    if (k === undefined || v === undefined) return undefined;
    const list = out.get(k);
    if (list === undefined) out.set(k, [v]);
    else list.push(v);
  }
  return out;
}

/** Cookie header to name -> values (RFC 6265 §5.4); values are not decoded beyond quotes. */
export function parseCookies(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    const list = out.get(k);
    if (list === undefined) out.set(k, [v]);
    else list.push(v);
  }
  return out;
}

const DELIMITER: Record<string, string> = { form: ',', simple: ',', spaceDelimited: ' ', pipeDelimited: '|' };

export type Deserialised = { readonly ok: true; readonly value: unknown; readonly present: boolean } | { readonly ok: false; readonly error: ProblemFieldError };

const fail = (p: CompiledParameter, message: string, keyword: string): Deserialised => ({
  ok: false,
  error: { in: p.spec.in, pointer: p.spec.name, message, keyword },
});

function splitItems(p: CompiledParameter, raw: string, delimiter: string, decodeItems: boolean): Deserialised {
  const items: unknown[] = [];
  for (const part of raw === '' ? [] : raw.split(delimiter)) {
    const d = decodeItems ? decode(part) : part;
    if (d === undefined) return fail(p, 'malformed percent-encoding', 'encoding');
    items.push(coerce(d, p.types));
  }
  return { ok: true, value: items, present: true };
}

/** Query (and form-style cookie) values: name -> all occurrences, already decoded. */
export function fromQuery(p: CompiledParameter, query: ReadonlyMap<string, readonly string[]>, limits: JsonLimits): Deserialised {
  const { name, style, explode } = p.spec;
  if (p.spec.contentType !== undefined) return fromContent(p, query.get(name), limits);
  if (p.kind === 'object' && (style === 'deepObject' || (style === 'form' && explode))) {
    const obj: Record<string, unknown> = {};
    let present = false;
    for (const [prop, types] of p.propertyTypes) {
      const values = query.get(style === 'deepObject' ? `${name}[${prop}]` : prop);
      if (values === undefined) continue;
      if (values.length > 1) return fail(p, `repeated "${style === 'deepObject' ? `${name}[...]` : 'member'}" parameter`, 'repeated');
      obj[prop] = coerce(values[0] ?? '', types);
      present = true;
    }
    return { ok: true, value: obj, present };
  }
  const values = query.get(name);
  if (values === undefined) return { ok: true, value: undefined, present: false };
  if (p.kind === 'array' && style === 'form' && explode) return { ok: true, value: values.map((v) => coerce(v, p.types)), present: true };
  // Anything else is one occurrence: a second one is parameter pollution (HPP, CWE-235).
  if (values.length > 1) return fail(p, 'parameter given more than once', 'repeated');
  const raw = values[0] ?? '';
  if (p.kind === 'array') return splitItems(p, raw, DELIMITER[style] ?? ',', false);
  if (p.kind === 'object') return toObject(p, raw.split(','));
  return { ok: true, value: coerce(raw, p.types), present: true };
}

/** A parameter serialised as a media type (`content: {application/json: ...}`): one occurrence, bounded JSON. */
function fromContent(p: CompiledParameter, values: readonly string[] | undefined, limits: JsonLimits): Deserialised {
  if (values === undefined) return { ok: true, value: undefined, present: false };
  if (values.length > 1) return fail(p, 'parameter given more than once', 'repeated');
  const r = parseJsonBounded(values[0] ?? '', limits);
  return r.ok ? { ok: true, value: r.value, present: true } : fail(p, `not valid JSON: ${r.issue.message}`, r.issue.rule);
}

function toObject(p: CompiledParameter, parts: readonly string[]): Deserialised {
  if (parts.length % 2 !== 0) return fail(p, 'expected name,value pairs', 'style');
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < parts.length; i += 2) {
    const k = parts[i] ?? '';
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return fail(p, 'member name not allowed', 'forbidden-key');
    obj[k] = coerce(parts[i + 1] ?? '', p.propertyTypes.get(k) ?? []);
  }
  return { ok: true, value: obj, present: true };
}

/** Path (simple/label/matrix, still percent-encoded) and header (simple) values. */
export function fromSingle(p: CompiledParameter, raw: string | undefined, encoded: boolean): Deserialised {
  if (raw === undefined) return { ok: true, value: undefined, present: false };
  let s = raw;
  const { style } = p.spec;
  if (style === 'label') s = s.startsWith('.') ? s.slice(1) : s;
  else if (style === 'matrix') {
    const prefix = `;${p.spec.name}=`;
    s = s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }
  const delimiter = style === 'label' ? '.' : ',';
  if (p.kind === 'array') return splitItems(p, s, delimiter, encoded);
  const whole = encoded ? decode(s) : s;
  if (whole === undefined) return fail(p, 'malformed percent-encoding', 'encoding');
  if (p.kind === 'object') return toObject(p, whole.split(','));
  return { ok: true, value: coerce(whole, p.types), present: true };
}

/** Run the parameter's validator; errors point at the parameter name (and inside it). */
export function checkParameter(p: CompiledParameter, value: unknown, out: ProblemFieldError[]): void {
  if (p.validate(value)) return;
  out.push(...fieldErrors(p.validate.errors, p.spec.in, p.spec.name));
}
