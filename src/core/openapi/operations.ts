import type { LoadedOpenApi } from './load.js';

/** A schema object from a dereferenced document, as found there (not yet converted). */
export type RawSchema = Readonly<Record<string, unknown>>;

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';
export type ParameterStyle = 'matrix' | 'label' | 'form' | 'simple' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';

/** One parameter, with the serialisation defaults of OpenAPI 3 §4.8.12.4 applied. */
export interface OperationParameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly style: ParameterStyle;
  readonly explode: boolean;
  /** The value's schema; for `content`-encoded parameters, the media type's schema. */
  readonly schema: RawSchema;
  /** Set when the parameter is serialised as a media type (`content: {application/json: ...}`). */
  readonly contentType?: string;
}

export interface MediaTypeSpec {
  readonly schema?: RawSchema;
  /** Multipart / form encodings per property (contentType, style, explode). */
  readonly encoding?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface OperationBody {
  readonly required: boolean;
  /** By media type or range as written in the document (`application/json`, `image/*`...). */
  readonly content: Readonly<Record<string, MediaTypeSpec>>;
}

export interface OperationSpec {
  /** Upper-case method. */
  readonly method: string;
  /** The path template as the document writes it (`/users/{id}`), without the server base path. */
  readonly path: string;
  readonly operationId?: string;
  readonly parameters: readonly OperationParameter[];
  readonly requestBody?: OperationBody;
  /** By status code or range as written (`200`, `4XX`, `default`). */
  readonly responses: Readonly<Record<string, { readonly content: Readonly<Record<string, MediaTypeSpec>> }>>;
  /** The operation's own extensions (`x-rampart-*`), for per-operation policy. */
  readonly extensions: Readonly<Record<string, unknown>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const DEFAULT_STYLE: Record<ParameterLocation, ParameterStyle> = { path: 'simple', query: 'form', header: 'simple', cookie: 'form' };
const STYLES: readonly ParameterStyle[] = ['matrix', 'label', 'form', 'simple', 'spaceDelimited', 'pipeDelimited', 'deepObject'];
const isStyle = (s: string): s is ParameterStyle => (STYLES as readonly string[]).includes(s);
// Swagger 2.0 collectionFormat -> OpenAPI 3 style.
const COLLECTION: Record<string, [ParameterStyle, boolean]> = {
  csv: ['form', false],
  ssv: ['spaceDelimited', false],
  pipes: ['pipeDelimited', false],
  multi: ['form', true],
  tsv: ['form', false],
};

function parameterOf(p: unknown, version: LoadedOpenApi['version']): OperationParameter | undefined {
  const r = rec(p);
  const name = str(r.name);
  const where = str(r.in);
  if (name === undefined || (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie')) return undefined;
  if (version === '2.0') {
    const [style, explode] = COLLECTION[str(r.collectionFormat) ?? 'csv'] ?? ['form', false];
    // 2.0 keeps type, format, items, enum... on the parameter itself.
    const { name: _n, in: _i, required: _r, description: _d, collectionFormat: _c, allowEmptyValue: _a, ...schema } = r;
    return { name, in: where, required: r.required === true || where === 'path', style: where === 'query' ? style : 'simple', explode, schema };
  }
  const style = str(r.style) ?? DEFAULT_STYLE[where];
  const content = rec(r.content);
  const contentType = Object.keys(content)[0];
  return {
    name,
    in: where,
    required: r.required === true || where === 'path',
    style: isStyle(style) ? style : DEFAULT_STYLE[where],
    explode: typeof r.explode === 'boolean' ? r.explode : style === 'form',
    schema: contentType !== undefined ? rec(rec(content[contentType]).schema) : rec(r.schema),
    ...(contentType !== undefined ? { contentType } : {}),
  };
}

function encodingsOf(e: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(e)) out[k] = rec(v);
  return out;
}

function mediaTypes(content: unknown): Record<string, MediaTypeSpec> {
  const out: Record<string, MediaTypeSpec> = {};
  for (const [type, raw] of Object.entries(rec(content))) {
    const m = rec(raw);
    out[type.toLowerCase()] = { ...(isRecord(m.schema) ? { schema: m.schema } : {}), ...(isRecord(m.encoding) ? { encoding: encodingsOf(m.encoding) } : {}) };
  }
  return out;
}

/** Swagger 2.0 body / formData parameters as an OpenAPI 3 request body. */
function swaggerBody(params: readonly unknown[], consumes: readonly string[]): OperationBody | undefined {
  const body = params.map(rec).find((p) => p.in === 'body');
  const types = consumes.length > 0 ? consumes : ['application/json'];
  if (body !== undefined) {
    const content: Record<string, MediaTypeSpec> = {};
    for (const t of types) content[t.toLowerCase()] = { schema: rec(body.schema) };
    return { required: body.required === true, content };
  }
  const form = params.map(rec).filter((p) => p.in === 'formData');
  if (form.length === 0) return undefined;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const f of form) {
    const { name, in: _i, required: req, description: _d, ...schema } = f;
    if (typeof name !== 'string') continue;
    properties[name] = schema.type === 'file' ? { type: 'string', format: 'binary' } : schema;
    if (req === true) required.push(name);
  }
  const schema = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  const content: Record<string, MediaTypeSpec> = {};
  for (const t of consumes.length > 0 ? consumes : ['application/x-www-form-urlencoded']) content[t.toLowerCase()] = { schema };
  return { required: required.length > 0, content };
}

function extensionsOf(op: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

/**
 * Every operation of a loaded document with its parameters (path-level ones merged, operation-level ones
 * winning), request body and responses by media type. Swagger 2.0 is mapped onto the same shape.
 */
export function listOperations(loaded: LoadedOpenApi): OperationSpec[] {
  const doc = loaded.document;
  const v = loaded.version;
  const out: OperationSpec[] = [];
  for (const [path, rawItem] of Object.entries(rec(doc.paths))) {
    const item = rec(rawItem);
    for (const m of HTTP_METHODS) {
      const op = item[m];
      if (!isRecord(op)) continue;
      const all = [...arr(op.parameters), ...arr(item.parameters)];
      const seen = new Set<string>();
      const parameters: OperationParameter[] = [];
      for (const p of all) {
        const parsed = parameterOf(p, v);
        if (parsed === undefined) continue;
        // Header names are case-insensitive (RFC 9110 §5.1).
        const key = `${parsed.in}:${parsed.in === 'header' ? parsed.name.toLowerCase() : parsed.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        parameters.push(parsed);
      }
      let requestBody: OperationBody | undefined;
      if (v === '2.0') requestBody = swaggerBody(all, arr(op.consumes ?? doc.consumes).map(String));
      else if (isRecord(op.requestBody)) requestBody = { required: op.requestBody.required === true, content: mediaTypes(op.requestBody.content) };
      const responses: Record<string, { content: Record<string, MediaTypeSpec> }> = {};
      const produces = arr(op.produces ?? doc.produces).map(String);
      for (const [status, raw] of Object.entries(rec(op.responses))) {
        const r = rec(raw);
        if (v !== '2.0') responses[status.toUpperCase()] = { content: mediaTypes(r.content) };
        else {
          const content: Record<string, MediaTypeSpec> = {};
          if (isRecord(r.schema)) for (const t of produces.length > 0 ? produces : ['application/json']) content[t.toLowerCase()] = { schema: r.schema };
          responses[status.toUpperCase()] = { content };
        }
      }
      out.push({
        method: m.toUpperCase(),
        path,
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
        parameters,
        ...(requestBody !== undefined ? { requestBody } : {}),
        responses,
        extensions: extensionsOf(op),
      });
    }
  }
  return out;
}

/** Path prefix of the first server (`/api/v2`; Swagger 2.0: `basePath`), '' when none. */
export function serverBasePath(loaded: LoadedOpenApi): string {
  const doc = loaded.document;
  let raw: string;
  if (loaded.version === '2.0') raw = str(doc.basePath) ?? '';
  else {
    const first = rec(arr(doc.servers)[0]);
    const vars = rec(first.variables);
    const url = (str(first.url) ?? '').replace(/\{([^}]+)\}/g, (_m, name: string) => str(rec(vars[name]).default) ?? '');
    try {
      raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : url;
    } catch {
      raw = '';
    }
  }
  raw = raw.replace(/\/+$/, '');
  return raw === '' || raw.startsWith('/') ? raw : `/${raw}`;
}
