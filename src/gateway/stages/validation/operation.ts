import type { SchemaValidator } from '../../../core/openapi/compile.js';
import { KNOWN_FORMATS } from '../../../core/openapi/compile.js';
import type { LoadedOpenApi } from '../../../core/openapi/load.js';
import { isRecord, listOperations, type OperationSpec, type RawSchema } from '../../../core/openapi/operations.js';
import { toJsonSchema, type JsonSchema } from '../../../core/openapi/schema.js';
import { shapeOf, type Shape } from '../../../core/openapi/shape.js';
import { bodyKindOf, type BodyKind } from './media.js';
import { compileParameter, type CompiledParameter } from './params.js';
import { hasFieldSanitisers } from './sanitise.js';
import type { ValidationConfig } from './schema.js';

export type UnknownProperties = ValidationConfig['unknownProperties'];

export interface CompiledMedia {
  readonly key: string;
  readonly kind: BodyKind;
  /** undefined: the document gives no schema for this media type (any content is fine). */
  readonly validate: SchemaValidator | undefined;
  readonly shape: Shape;
  /** Some member asks for its own sanitising (`x-rampart-sanitise`). */
  readonly fieldSanitise: boolean;
  /** Form and multipart bodies: each property's JSON types (for coercion of the string fields). */
  readonly propertyTypes: ReadonlyMap<string, readonly string[]>;
}

export interface CompiledResponse {
  readonly validate: SchemaValidator | undefined;
  readonly shape: Shape;
}

export interface CompiledOperation {
  /** `GET /users/{id}`: the method and the document's path template. */
  readonly id: string;
  readonly spec: OperationSpec;
  readonly path: readonly CompiledParameter[];
  readonly query: readonly CompiledParameter[];
  readonly header: readonly CompiledParameter[];
  readonly cookie: readonly CompiledParameter[];
  /** Query names this operation knows (exploded objects' members and deepObject prefixes included). */
  readonly knownQuery: ReadonlySet<string>;
  /** Query parameters whose valid values cannot carry an injection (integers, enums, uuids...): see Shape.inert. */
  readonly inertQuery: ReadonlySet<string>;
  readonly deepObjectPrefixes: readonly string[];
  readonly body: { readonly required: boolean; readonly keys: readonly string[]; readonly media: ReadonlyMap<string, CompiledMedia> } | undefined;
  readonly unknownProperties: UnknownProperties;
  /** JSON responses by status key as written (`200`, `4XX`, `DEFAULT`). */
  readonly responses: ReadonlyMap<string, CompiledResponse>;
  /** The operation may return x-rampart-sensitive properties (config `responses.exposeSensitive`). */
  readonly exposeSensitive: boolean;
}

export interface OperationCompiler {
  compile(schema: JsonSchema): SchemaValidator;
}

// RFC 9110: these headers are handled by HTTP itself; OpenAPI 3 §4.8.12.1 says such parameter definitions are ignored.
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

function typesOf(s: unknown): string[] {
  if (!isRecord(s)) return [];
  if (typeof s.type === 'string') return [s.type];
  return Array.isArray(s.type) ? s.type.map(String) : [];
}

function propertyTypesOf(schema: RawSchema | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (schema !== undefined && isRecord(schema.properties)) for (const [k, v] of Object.entries(schema.properties)) out.set(k, typesOf(v));
  return out;
}

const isPolicy = (v: unknown): v is UnknownProperties => v === 'reject' || v === 'strip' || v === 'allow';

/** Compile every operation of a document once: parameter, body and response validators, declared shapes. */
export function compileOperations(
  loaded: LoadedOpenApi,
  config: Pick<ValidationConfig, 'unknownProperties' | 'responses'>,
  compiler: OperationCompiler,
  warn: (message: string) => void,
): CompiledOperation[] {
  const doc = loaded.document;
  const convert = (raw: RawSchema, direction: 'request' | 'response', where: string): JsonSchema => {
    const r = toJsonSchema(raw, { version: loaded.version, direction, document: doc, knownFormats: KNOWN_FORMATS });
    for (const w of r.warnings) warn(`${where}: ${w}`);
    return r.schema;
  };
  const expose = new Set(config.responses.exposeSensitive);
  // A document may set its own default (root `x-rampart-unknown-properties`); an operation's wins over it.
  const docPolicy = doc['x-rampart-unknown-properties'];
  return listOperations(loaded).map((spec) => {
    const id = `${spec.method} ${spec.path}`;
    const params = spec.parameters
      .filter((p) => !(p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())))
      .map((p) => {
        const schema = convert(p.schema, 'request', `${id} ${p.in} ${p.name}`);
        return compileParameter(p, schema, compiler.compile(schema));
      });
    const query = params.filter((p) => p.spec.in === 'query');
    const knownQuery = new Set<string>();
    const inertQuery = new Set<string>();
    const deepObjectPrefixes: string[] = [];
    for (const p of query) {
      knownQuery.add(p.spec.name);
      if (p.kind !== 'object' && p.spec.contentType === undefined) {
        const sh = shapeOf(p.spec.schema, doc);
        if (sh.inert || (p.kind === 'array' && sh.items?.inert === true)) inertQuery.add(p.spec.name);
      }
      if (p.kind !== 'object' || p.spec.contentType !== undefined) continue;
      if (p.spec.style === 'deepObject') deepObjectPrefixes.push(`${p.spec.name}[`);
      if (p.spec.style === 'form' && p.spec.explode) for (const k of p.propertyTypes.keys()) knownQuery.add(k);
    }
    let body: CompiledOperation['body'];
    if (spec.requestBody !== undefined) {
      const media = new Map<string, CompiledMedia>();
      for (const [key, m] of Object.entries(spec.requestBody.content)) {
        const shape = shapeOf(m.schema, doc);
        media.set(key, {
          key,
          kind: bodyKindOf(key),
          validate: m.schema !== undefined ? compiler.compile(convert(m.schema, 'request', `${id} body ${key}`)) : undefined,
          shape,
          fieldSanitise: hasFieldSanitisers(shape),
          propertyTypes: propertyTypesOf(m.schema),
        });
      }
      body = { required: spec.requestBody.required, keys: [...media.keys()], media };
    }
    const responses = new Map<string, CompiledResponse>();
    const wantResponses = config.responses.validate || config.responses.stripUndeclared || config.responses.sensitive !== 'off';
    if (wantResponses) {
      for (const [status, r] of Object.entries(spec.responses)) {
        const key = Object.keys(r.content).find((k) => bodyKindOf(k) === 'json');
        const schema = key === undefined ? undefined : r.content[key]?.schema;
        if (schema === undefined) continue;
        responses.set(status, {
          validate: config.responses.validate ? compiler.compile(convert(schema, 'response', `${id} response ${status}`)) : undefined,
          shape: shapeOf(schema, doc),
        });
      }
    }
    const override = spec.extensions['x-rampart-unknown-properties'] ?? docPolicy;
    return {
      id,
      spec,
      path: params.filter((p) => p.spec.in === 'path'),
      query,
      header: params.filter((p) => p.spec.in === 'header'),
      cookie: params.filter((p) => p.spec.in === 'cookie'),
      knownQuery,
      inertQuery,
      deepObjectPrefixes,
      body,
      unknownProperties: isPolicy(override) ? override : config.unknownProperties,
      responses,
      exposeSensitive: spec.operationId !== undefined && expose.has(spec.operationId),
    };
  });
}
