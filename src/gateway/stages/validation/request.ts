import { decodeUtf8, parseJsonBounded, type JsonLimits } from '../../../core/json/index.js';
import { problem, type Problem, type ProblemFieldError } from '../../../core/problems/problem.js';
import { visitShape, type Shape } from '../../../core/openapi/shape.js';
import type { RequestContext } from '../../pipeline/types.js';
import { fieldErrors } from './errors.js';
import { matchMediaKey, parseMediaType } from './media.js';
import { parseMultipart, type MultipartLimits } from './multipart.js';
import type { CompiledMedia, CompiledOperation } from './operation.js';
import { checkParameter, coerce, fromQuery, fromSingle, parseCookies, parseFormEncoded, type CompiledParameter, type Deserialised } from './params.js';
import { composeRewrites, fieldSanitiser, sanitiseByShape, sanitiseLeaves } from './sanitise.js';

export interface RequestSettings {
  readonly json: JsonLimits;
  readonly multipart: MultipartLimits;
  readonly unknownParameters: 'reject' | 'ignore';
  readonly sanitise: ((s: string) => string) | undefined;
}

/**
 * problem: refused whatever the mode (threats, framing, media type); invalid: the request breaks the document
 * (400 in strict mode, logged in learning mode); ok: with a rewritten body when sanitising or stripping
 * changed it.
 */
export type RequestOutcome =
  | { readonly kind: 'ok'; readonly body?: Buffer; readonly changed?: readonly string[]; readonly json?: ValidatedJson }
  | { readonly kind: 'problem'; readonly problem: Problem }
  | { readonly kind: 'invalid'; readonly errors: readonly ProblemFieldError[] };

const OK: RequestOutcome = Object.freeze({ kind: 'ok' });

/** A JSON body that passed validation: its parsed value (as forwarded) and the declared shape it matched. */
export interface ValidatedJson {
  readonly value: unknown;
  readonly shape: Shape;
}

/**
 * RFC 8259 §8.1: a parser MAY ignore a leading byte order mark, and the JSON and form parsers here do. Then the
 * upstream must not get it either: its parser may refuse it, or read "\uFEFFname" as another member than the
 * one validated. A body that is otherwise forwarded as sent is forwarded without it.
 */
const hasBom = (b: Buffer): boolean => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
const unchanged = (bytes: Buffer, json?: ValidatedJson): RequestOutcome => {
  if (hasBom(bytes)) return { kind: 'ok', body: bytes.subarray(3), changed: ['(byte order mark)'], ...(json !== undefined ? { json } : {}) };
  return json === undefined ? OK : { kind: 'ok', json };
};

const bodyProblem = (pointer: string, message: string, keyword: string): RequestOutcome => ({
  kind: 'problem',
  problem: problem('invalid-request', 'The request body was refused.', { errors: [{ in: 'body', pointer, message, keyword }] }),
});

export function validateRequest(ctx: RequestContext, op: CompiledOperation, pathParams: Readonly<Record<string, string>>, s: RequestSettings): RequestOutcome {
  const errors: ProblemFieldError[] = [];
  for (const p of op.path) take(p, fromSingle(p, pathParams[p.spec.name], true), errors);
  if (op.query.length > 0 || (s.unknownParameters === 'reject' && ctx.query !== '')) {
    const query = parseFormEncoded(ctx.query);
    if (query === undefined) errors.push({ in: 'query', pointer: '', message: 'malformed percent-encoding', keyword: 'encoding' });
    else {
      for (const p of op.query) take(p, fromQuery(p, query, s.json), errors);
      if (s.unknownParameters === 'reject') unknownQuery(op, query, errors);
    }
  }
  for (const p of op.header) {
    const v = ctx.headers[p.spec.name.toLowerCase()];
    take(p, fromSingle(p, Array.isArray(v) ? v.join(', ') : v, false), errors);
  }
  if (op.cookie.length > 0) {
    const cookies = parseCookies(ctx.headers.cookie);
    for (const p of op.cookie) take(p, fromQuery(p, cookies, s.json), errors);
  }
  const body = checkBody(ctx, op, s, errors);
  if (body.kind === 'problem') return body;
  if (errors.length > 0) return { kind: 'invalid', errors: dedupe(errors) };
  return body;
}

/** The shape walk and a schema's own `additionalProperties: false` can report the same member once each. */
function dedupe(errors: readonly ProblemFieldError[]): ProblemFieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.in}\u0000${e.pointer}\u0000${e.keyword ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function take(p: CompiledParameter, d: Deserialised, errors: ProblemFieldError[]): void {
  if (!d.ok) errors.push(d.error);
  else if (!d.present) {
    if (p.spec.required) errors.push({ in: p.spec.in, pointer: p.spec.name, message: 'is required', keyword: 'required' });
  } else checkParameter(p, d.value, errors);
}

function unknownQuery(op: CompiledOperation, query: ReadonlyMap<string, readonly string[]>, errors: ProblemFieldError[]): void {
  for (const name of query.keys()) {
    if (op.knownQuery.has(name) || op.deepObjectPrefixes.some((pre) => name.startsWith(pre))) continue;
    errors.push({ in: 'query', pointer: name.length > 100 ? name.slice(0, 100) + '…' : name, message: 'is not a declared parameter', keyword: 'additionalProperties' });
  }
}

/** Content-Type as sent: refused when repeated (Node would silently keep the first). */
function contentTypes(ctx: RequestContext): string[] {
  const raw = ctx.raw.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] ?? '').toLowerCase() === 'content-type') out.push(raw[i + 1] ?? '');
  return out;
}

function hasBody(ctx: RequestContext): boolean {
  if (ctx.body !== undefined) return ctx.body.length > 0;
  const len = ctx.headers['content-length'];
  return (len !== undefined && len !== '0') || ctx.headers['transfer-encoding'] !== undefined;
}

function checkBody(ctx: RequestContext, op: CompiledOperation, s: RequestSettings, errors: ProblemFieldError[]): RequestOutcome {
  const spec = op.body;
  if (spec === undefined) {
    if (hasBody(ctx)) errors.push({ in: 'body', pointer: '', message: 'this operation takes no request body', keyword: 'requestBody' });
    return OK;
  }
  if (ctx.body === undefined || ctx.body.length === 0) {
    if (spec.required) errors.push({ in: 'body', pointer: '', message: 'a request body is required', keyword: 'required' });
    return OK;
  }
  const types = contentTypes(ctx);
  if (types.length > 1) return { kind: 'problem', problem: problem('duplicate-header', 'Content-Type was sent more than once.') };
  const allowed = `Allowed: ${spec.keys.join(', ')}.`;
  const mt = types[0] === undefined ? undefined : parseMediaType(types[0]);
  if (mt === undefined) return { kind: 'problem', problem: problem('unsupported-media-type', `A body needs a valid Content-Type. ${allowed}`) };
  const key = matchMediaKey(spec.keys, mt.essence);
  const media = key === undefined ? undefined : spec.media.get(key);
  if (media === undefined) return { kind: 'problem', problem: problem('unsupported-media-type', `This media type is not accepted here. ${allowed}`) };
  const charset = mt.params.get('charset');
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && media.kind !== 'binary') {
    return { kind: 'problem', problem: problem('unsupported-media-type', 'Only the UTF-8 charset is accepted.') };
  }
  switch (media.kind) {
    case 'json':
      return jsonBody(ctx.body, op, media, s, errors);
    case 'form':
      return formBody(ctx.body, op, media, s, errors);
    case 'multipart':
      return multipartBody(ctx.body, mt.params.get('boundary') ?? '', op, media, s, errors);
    case 'text': {
      const text = decodeUtf8(ctx.body);
      if (text === undefined) return bodyProblem('', 'body is not valid UTF-8', 'encoding');
      validateValue(media, text, errors);
      return OK;
    }
    default:
      return OK; // opaque bytes: the media type and size were the checks
  }
}

function validateValue(media: CompiledMedia, value: unknown, errors: ProblemFieldError[]): void {
  if (media.validate !== undefined && !media.validate(value)) errors.push(...fieldErrors(media.validate.errors, 'body', ''));
}

/** Undeclared members: errors (reject), removed (strip), or left (allow). Returns the removed pointers. */
function massAssignment(value: unknown, op: CompiledOperation, media: CompiledMedia, canStrip: boolean, errors: ProblemFieldError[]): string[] {
  if (op.unknownProperties === 'allow') return [];
  const strip = op.unknownProperties === 'strip' && canStrip;
  const found = visitShape(value, media.shape, { flag: 'readOnly', removeUndeclared: strip, removeFlagged: false });
  if (strip) return found.undeclared;
  for (const pointer of found.undeclared) {
    errors.push({ in: 'body', pointer: pointer.length > 200 ? pointer.slice(0, 200) + '…' : pointer, message: 'is not a declared property', keyword: 'additionalProperties' });
  }
  return [];
}

function jsonBody(bytes: Buffer, op: CompiledOperation, media: CompiledMedia, s: RequestSettings, errors: ProblemFieldError[]): RequestOutcome {
  const parsed = parseJsonBounded(bytes, s.json);
  if (!parsed.ok) return bodyProblem(parsed.issue.pointer, parsed.issue.message, parsed.issue.rule);
  let value = parsed.value;
  const changed = massAssignment(value, op, media, true, errors);
  if (media.fieldSanitise || s.sanitise !== undefined) {
    const r = media.fieldSanitise ? sanitiseByShape(value, media.shape, s.sanitise) : sanitiseLeaves(value, s.sanitise ?? String);
    value = r.value;
    changed.push(...r.changed);
  }
  const before = errors.length;
  validateValue(media, value, errors);
  if (errors.length > before) return OK;
  // What the upstream receives, as validated, with what the document says of each member (for detection).
  const json: ValidatedJson = { value, shape: media.shape };
  if (changed.length === 0) {
    return unchanged(bytes, json);
  }
  return { kind: 'ok', body: Buffer.from(JSON.stringify(value)), changed, json };
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function formBody(bytes: Buffer, op: CompiledOperation, media: CompiledMedia, s: RequestSettings, errors: ProblemFieldError[]): RequestOutcome {
  const text = decodeUtf8(bytes);
  const fields = text === undefined ? undefined : parseFormEncoded(text);
  if (fields === undefined) return bodyProblem('', 'malformed form body', 'encoding');
  // Strip and sanitise the fields as sent, so that what is re-encoded is exactly what was validated.
  const changed: string[] = [];
  for (const [name, values] of fields) {
    if (FORBIDDEN.has(name)) return bodyProblem('', 'member name not allowed', 'forbidden-key');
    const field = media.shape.properties?.get(name);
    const rewrite = field === undefined ? s.sanitise : composeRewrites(s.sanitise, fieldSanitiser(field));
    if (rewrite !== undefined) {
      for (let i = 0; i < values.length; i++) {
        const r = rewrite(values[i] ?? '');
        if (r !== values[i]) changed.push('/' + name);
        values[i] = r;
      }
    }
  }
  const value = fieldsToObject(fields, media, errors);
  const before = errors.length;
  const stripped = massAssignment(value, op, media, true, errors);
  for (const p of stripped) fields.delete(p.slice(1).replace(/~1/g, '/').replace(/~0/g, '~'));
  changed.push(...stripped);
  validateValue(media, value, errors);
  if (errors.length > before) return OK;
  if (changed.length === 0) return unchanged(bytes);
  const out = new URLSearchParams();
  for (const [name, values] of fields) for (const v of values) out.append(name, v);
  return { kind: 'ok', body: Buffer.from(out.toString()), changed };
}

/** Form fields as an object for the validator: declared arrays keep every value, anything else must be single. */
function fieldsToObject(fields: ReadonlyMap<string, readonly string[]>, media: CompiledMedia, errors: ProblemFieldError[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, values] of fields) {
    const types = media.propertyTypes.get(name) ?? [];
    if (types.includes('array')) value[name] = values.map((v) => coerce(v, []));
    else {
      // A repeat is an error of its own; the first value is still checked so that `required` stays quiet.
      if (values.length > 1) errors.push({ in: 'body', pointer: '/' + name.replace(/~/g, '~0').replace(/\//g, '~1'), message: 'field given more than once', keyword: 'repeated' });
      value[name] = coerce(values[0] ?? '', types);
    }
  }
  return value;
}

function multipartBody(bytes: Buffer, boundary: string, op: CompiledOperation, media: CompiledMedia, s: RequestSettings, errors: ProblemFieldError[]): RequestOutcome {
  const r = parseMultipart(bytes, boundary, s.multipart);
  if (!r.ok) {
    if (r.tooLarge) return { kind: 'problem', problem: problem('payload-too-large', `Multipart body refused: ${r.message}.`) };
    return bodyProblem('', r.message, 'multipart');
  }
  const fields = new Map<string, string[]>();
  const value: Record<string, unknown> = {};
  for (const part of r.parts) {
    if (FORBIDDEN.has(part.name)) return bodyProblem('', 'member name not allowed', 'forbidden-key');
    const pointer = '/' + part.name.replace(/~/g, '~0').replace(/\//g, '~1');
    if (part.filename !== undefined) {
      value[part.name] = part.data.toString('latin1'); // bytes 1:1, for maxLength on binary fields
      continue;
    }
    if (part.contentType === 'application/json' || part.contentType.endsWith('+json')) {
      const parsed = parseJsonBounded(part.data, s.json);
      if (!parsed.ok) return bodyProblem(pointer + parsed.issue.pointer, parsed.issue.message, parsed.issue.rule);
      value[part.name] = parsed.value;
      continue;
    }
    const text = decodeUtf8(part.data);
    if (text === undefined) return bodyProblem(pointer, 'part is not valid UTF-8', 'encoding');
    const list = fields.get(part.name);
    if (list === undefined) fields.set(part.name, [text]);
    else list.push(text);
  }
  Object.assign(value, fieldsToObject(fields, media, errors));
  // A multipart body is forwarded as sent: undeclared parts are refused rather than stripped.
  massAssignment(value, op, media, false, errors);
  validateValue(media, value, errors);
  return OK;
}
