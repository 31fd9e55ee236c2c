import type { LoadedOpenApi } from '../../core/openapi/load.js';

/** A JSON Schema fragment from the (dereferenced) document. Read-only, shape unknown until inspected. */
export type Schema = Readonly<Record<string, unknown>>;

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: Schema;
  readonly example?: unknown;
}

export interface RequestBody {
  readonly contentType: string;
  readonly schema: Schema;
  readonly example?: unknown;
  readonly required: boolean;
}

export interface ResponseSpec {
  readonly contentTypes: readonly string[];
  readonly schema?: Schema;
}

/** An OpenAPI 3 link from a response to another operation: which of its parameters come from where. */
export interface Link {
  readonly operationId: string;
  /** Parameter name → runtime expression (`$response.body#/id`). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** One operation of the API, in the scanner's terms (OpenAPI 2.0, 3.0 and 3.1 alike). */
export interface Operation {
  /** `GET /users/{id}`: the id used in findings and baselines. */
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly requestBody?: RequestBody;
  readonly responses: Readonly<Record<string, ResponseSpec>>;
  /** Links declared on the 2xx responses (stateful sequences). */
  readonly links: readonly Link[];
  /** The document declares a security requirement that is not the empty (optional) one. */
  readonly requiresAuth: boolean;
  /** Reads (GET/HEAD/OPTIONS) and operations marked `x-rampart-safe: true`. */
  readonly safe: boolean;
  /** Tagged/pathed/marked as administrative (tag or path segment "admin", `x-rampart-admin: true`, admin scope). */
  readonly adminOnly: boolean;
}

export interface ApiModel {
  readonly version: LoadedOpenApi['version'];
  /** Path prefix of the first server (`/api/v2`), '' when none. */
  readonly basePath: string;
  readonly operations: readonly Operation[];
  /** Query-parameter API keys and other security schemes, by name. */
  readonly securitySchemes: Readonly<Record<string, Schema>>;
  /** Template paths the document declares (with the base path), for inventory comparison. */
  readonly documentedPaths: readonly string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}
function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function basePathOf(doc: Record<string, unknown>, version: LoadedOpenApi['version']): string {
  let raw: string;
  if (version === '2.0') raw = str(doc.basePath) ?? '';
  else {
    const first = rec(arr(doc.servers)[0]);
    const url = str(first.url) ?? '';
    // Server variables: take their defaults.
    const vars = rec(first.variables);
    const filled = url.replace(/\{([^}]+)\}/g, (_m, name: string) => str(rec(vars[name]).default) ?? '');
    try {
      raw = /^[a-z]+:\/\//i.test(filled) ? new URL(filled).pathname : filled;
    } catch {
      raw = '';
    }
  }
  raw = raw.replace(/\/+$/, '');
  return raw === '' || raw.startsWith('/') ? raw : `/${raw}`;
}

function requiresAuth(op: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  const sec = op.security !== undefined ? arr(op.security) : arr(doc.security);
  // An empty requirement object ({}) means "anonymous allowed".
  return sec.length > 0 && sec.every((r) => Object.keys(rec(r)).length > 0);
}

function adminScopes(op: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  const sec = op.security !== undefined ? arr(op.security) : arr(doc.security);
  return sec.some((r) => Object.values(rec(r)).some((scopes) => arr(scopes).some((s) => /admin/i.test(String(s)))));
}

function parseParameter(p: unknown, version: LoadedOpenApi['version']): Parameter | RequestBody | undefined {
  const r = rec(p);
  const name = str(r.name);
  const where = str(r.in);
  if (name === undefined || where === undefined) return undefined;
  if (version === '2.0' && where === 'body') {
    return { contentType: 'application/json', schema: rec(r.schema), required: r.required === true, example: rec(r.schema).example };
  }
  if (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie') return undefined;
  // Swagger 2.0 keeps type/format/enum on the parameter itself.
  const schema = version === '2.0' ? r : rec(r.schema);
  return { name, in: where, required: r.required === true || where === 'path', schema, example: r.example ?? schema.example };
}

function pickContent(content: Record<string, unknown>): { contentType: string; media: Record<string, unknown> } | undefined {
  const types = Object.keys(content);
  const json = types.find((t) => /json/i.test(t)) ?? types[0];
  return json === undefined ? undefined : { contentType: json, media: rec(content[json]) };
}

function responsesOf(op: Record<string, unknown>, doc: Record<string, unknown>, version: LoadedOpenApi['version']): Record<string, ResponseSpec> {
  const out: Record<string, ResponseSpec> = {};
  const produces = arr(op.produces ?? doc.produces).map(String);
  for (const [status, raw] of Object.entries(rec(op.responses))) {
    const r = rec(raw);
    if (version === '2.0') {
      out[status] = { contentTypes: produces.length > 0 ? produces : ['application/json'], schema: isRecord(r.schema) ? r.schema : undefined };
    } else {
      const content = rec(r.content);
      const picked = pickContent(content);
      out[status] = { contentTypes: Object.keys(content), schema: picked !== undefined && isRecord(picked.media.schema) ? picked.media.schema : undefined };
    }
  }
  return out;
}

function linksOf(op: Record<string, unknown>): Link[] {
  const out: Link[] = [];
  for (const [status, raw] of Object.entries(rec(op.responses))) {
    if (!status.startsWith('2')) continue;
    for (const l of Object.values(rec(rec(raw).links))) {
      const operationId = str(rec(l).operationId);
      if (operationId !== undefined) out.push({ operationId, parameters: rec(rec(l).parameters) });
    }
  }
  return out;
}

/** Turn a loaded OpenAPI document into the scanner's operation list. */
export function buildApiModel(loaded: LoadedOpenApi): ApiModel {
  const doc = loaded.document;
  const basePath = basePathOf(doc, loaded.version);
  const operations: Operation[] = [];
  const documentedPaths: string[] = [];
  for (const [path, rawItem] of Object.entries(rec(doc.paths))) {
    const item = rec(rawItem);
    documentedPaths.push(basePath + path);
    const shared = arr(item.parameters);
    for (const m of METHODS) {
      if (!isRecord(item[m])) continue;
      const op = rec(item[m]);
      const params: Parameter[] = [];
      let body: RequestBody | undefined;
      const seen = new Set<string>();
      // Operation-level parameters override path-level ones with the same name and location.
      for (const p of [...arr(op.parameters), ...shared]) {
        const parsed = parseParameter(p, loaded.version);
        if (parsed === undefined) continue;
        if ('contentType' in parsed) body ??= parsed;
        else if (!seen.has(`${parsed.in}:${parsed.name}`)) {
          seen.add(`${parsed.in}:${parsed.name}`);
          params.push(parsed);
        }
      }
      if (loaded.version !== '2.0' && isRecord(op.requestBody)) {
        const rb = op.requestBody;
        const picked = pickContent(rec(rb.content));
        if (picked !== undefined) body = { contentType: picked.contentType, schema: rec(picked.media.schema), example: picked.media.example, required: rb.required === true };
      }
      const method = m.toUpperCase();
      const tags = arr(op.tags).map(String);
      const adminOnly =
        op['x-rampart-admin'] === true ||
        tags.some((t) => /admin/i.test(t)) ||
        /(^|\/)admin(\/|$)/i.test(path) ||
        adminScopes(op, doc) ||
        /\badmins? only\b|\brequires? (the )?admin|\badmin(istrator)?s? (role )?(is )?required/i.test(`${str(op.summary) ?? ''} ${str(op.description) ?? ''}`);
      operations.push({
        id: `${method} ${path}`,
        method,
        path,
        operationId: str(op.operationId),
        summary: str(op.summary) ?? str(op.description) ?? '',
        tags,
        parameters: params,
        requestBody: body,
        responses: responsesOf(op, doc, loaded.version),
        links: linksOf(op),
        requiresAuth: requiresAuth(op, doc),
        safe: method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || op['x-rampart-safe'] === true,
        adminOnly,
      });
    }
  }
  const schemes = loaded.version === '2.0' ? rec(doc.securityDefinitions) : rec(rec(doc.components).securitySchemes);
  const securitySchemes: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(schemes)) securitySchemes[k] = rec(v);
  return { version: loaded.version, basePath, operations, securitySchemes, documentedPaths };
}
