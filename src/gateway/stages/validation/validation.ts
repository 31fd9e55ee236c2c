import { resolve } from 'node:path';
import { Counter } from 'prom-client';
import { createSchemaCompiler } from '../../../core/openapi/compile.js';
import { loadOpenApi, type LoadedOpenApi } from '../../../core/openapi/load.js';
import { createPathMatcher, type PathMatcher } from '../../../core/openapi/match.js';
import { serverBasePath } from '../../../core/openapi/operations.js';
import { problem } from '../../../core/problems/problem.js';
import type { RouteConfig } from '../../../core/config/schema.js';
import type { StageEnv, StageModule } from '../../pipeline/module.js';
import { CONTINUE, reject, type Decision, type Facts, type LogRecord, type RequestContext, type Stage } from '../../pipeline/types.js';
import { MAX_FIELD_ERRORS } from './errors.js';
import { compileOperations, type CompiledOperation } from './operation.js';
import { validateRequest, type RequestSettings, type ValidatedJson } from './request.js';
import { checkResponse } from './response.js';
import { createSanitiser } from './sanitise.js';
import type { ValidationConfig } from './schema.js';

/** The document operation a request matched: for logs, later stages and the response check. */
export interface MatchedOperation {
  /** `GET /users/{id}`. */
  readonly id: string;
  readonly operationId?: string;
}

declare module '../../pipeline/types.js' {
  interface Facts {
    /** Set by validation when the request matched an operation of the route's OpenAPI document. */
    operation?: MatchedOperation;
    /**
     * The JSON body as validated (and forwarded) with its declared shape: detection reads it instead of parsing
     * the body again and skips the members whose schema leaves nothing to inspect (enums, strict formats...).
     */
    validatedJson?: ValidatedJson;
    /** Query parameters that validated against a schema leaving nothing to inspect (integers, enums...). */
    inertQuery?: ReadonlySet<string>;
  }
}

type MethodTable = ReadonlyMap<string, CompiledOperation>;

interface CompiledDocument {
  readonly matcher: PathMatcher<MethodTable>;
  /** As the gateway's `paths.caseSensitive`: /USERS meets the /users contract, it cannot dodge it. */
  readonly caseSensitive: boolean;
  readonly byId: ReadonlyMap<string, CompiledOperation>;
  readonly anyBody: boolean;
}

function compileDocument(loaded: LoadedOpenApi, cfg: ValidationConfig, warn: (m: string) => void, caseSensitive = false): CompiledDocument {
  const ops = compileOperations(loaded, cfg, createSchemaCompiler(), warn);
  const byPath = new Map<string, Map<string, CompiledOperation>>();
  for (const op of ops) {
    const table = byPath.get(op.spec.path) ?? new Map<string, CompiledOperation>();
    table.set(op.spec.method, op);
    byPath.set(op.spec.path, table);
  }
  return {
    matcher: createPathMatcher([...byPath].map(([template, value]) => ({ template, value })), { caseSensitive }),
    caseSensitive,
    byId: new Map(ops.map((o) => [o.id, o])),
    anyBody: ops.some((o) => o.body !== undefined),
  };
}

function isPreflightFor(ctx: RequestContext, matches: readonly { readonly value: MethodTable }[]): boolean {
  const wanted = ctx.headers['access-control-request-method'];
  if (typeof wanted !== 'string' || ctx.headers.origin === undefined) return false;
  return matches.some((m) => m.value.has(wanted.toUpperCase()));
}

/** The path below `base` (`/v1/users` -> `/users`), or undefined when it is not below it (`/v10/users`). */
function stripBase(path: string, base: string, caseSensitive: boolean): string | undefined {
  const head = path.slice(0, base.length);
  if (caseSensitive ? head !== base : head.toLowerCase() !== base.toLowerCase()) return undefined;
  const rest = path.slice(base.length);
  return rest === '' ? '/' : rest.startsWith('/') ? rest : undefined;
}

/** Counts what validation saw, from the access-log fields it annotated (one place, after the response). */
function countEvents(record: LogRecord, count: (event: string) => void): void {
  if (record.validation !== undefined) count('undocumented-operation');
  if (record.validationErrors !== undefined) count(record.stage === 'validation' ? 'request-refused' : 'request-invalid-logged');
  if (record.validationChanged !== undefined) count('request-rewritten');
  if (record.responseMismatch !== undefined) count('response-mismatch');
  if (record.responseUndeclared !== undefined) count('response-undeclared');
  if (record.responseSensitive !== undefined) count('response-sensitive');
}

/** Build the per-route stage from a compiled document (exported for tests and benchmarks). */
export function createValidationStage(doc: CompiledDocument, cfg: ValidationConfig, basePath: string, count?: (event: string) => void): Stage {
  const learning = cfg.mode === 'learning';
  const settings: RequestSettings = { json: cfg.json, multipart: cfg.multipart, unknownParameters: cfg.unknownParameters, sanitise: createSanitiser(cfg.sanitise) };
  const r = cfg.responses;
  const inspectResponses = r.validate || r.stripUndeclared || r.sensitive !== 'off';

  const onRequest = (ctx: RequestContext): Decision => {
    const path = basePath === '' ? ctx.path : stripBase(ctx.path, basePath, doc.caseSensitive);
    const matches = path === undefined ? [] : doc.matcher.match(path);
    let op: CompiledOperation | undefined;
    let params: Readonly<Record<string, string>> = {};
    for (const m of matches) {
      op = m.value.get(ctx.method) ?? (ctx.method === 'HEAD' ? m.value.get('GET') : undefined);
      if (op !== undefined) {
        params = m.params;
        break;
      }
    }
    if (op === undefined) {
      // A CORS preflight (Fetch standard §3.2.2) for a documented operation is not itself an operation.
      if (ctx.method === 'OPTIONS' && isPreflightFor(ctx, matches)) return CONTINUE;
      ctx.annotate('validation', 'undocumented operation');
      if (learning) return CONTINUE;
      // A documented path with another method is 405 (RFC 9110 §15.5.6); anything else is a shadow endpoint.
      const allow = [...new Set(matches.flatMap((m) => [...m.value.keys()]))];
      return allow.length > 0
        ? reject(problem('method-not-allowed', 'The API document does not define this method here.', { headers: { allow: allow.join(', ') } }))
        : reject(problem('not-found', 'The API document does not define this operation.'));
    }
    const outcome = validateRequest(ctx, op, params, settings);
    const facts: Partial<Facts> & { operation: MatchedOperation } = { operation: { id: op.id, ...(op.spec.operationId !== undefined ? { operationId: op.spec.operationId } : {}) } };
    if (inspectResponses) {
      // Responses are inspected as JSON text: the client's Accept-Encoding is replaced (RFC 9110 §12.5.3).
      facts.upstreamHeaders = { ...ctx.facts.upstreamHeaders, 'accept-encoding': 'identity' };
      facts.dropHeaders = [...(ctx.facts.dropHeaders ?? []), 'accept-encoding'];
    }
    if (outcome.kind === 'problem') return reject(outcome.problem);
    if (outcome.kind === 'invalid') {
      // Bounded: a thousand undeclared query parameters must not make a thousand-entry answer or log line.
      const errors = outcome.errors.length > MAX_FIELD_ERRORS ? outcome.errors.slice(0, MAX_FIELD_ERRORS) : outcome.errors;
      ctx.annotate('validationErrors', errors.map((e) => `${e.in} ${e.pointer}: ${e.message}`));
      if (learning) return { kind: 'continue', facts };
      const n = outcome.errors.length;
      return reject(problem('invalid-request', `The request does not match the API document (${n >= MAX_FIELD_ERRORS ? `${MAX_FIELD_ERRORS}+` : n} issue${n === 1 ? '' : 's'}).`, { errors }));
    }
    if (outcome.body !== undefined) {
      facts.body = outcome.body;
      ctx.annotate('validationChanged', outcome.changed);
    }
    if (outcome.json !== undefined) facts.validatedJson = outcome.json;
    if (op.inertQuery.size > 0 && ctx.query !== '') facts.inertQuery = op.inertQuery;
    return { kind: 'continue', facts };
  };

  return {
    name: 'validation',
    needsBody: doc.anyBody,
    needsResponseBody: inspectResponses,
    onRequest,
    ...(count !== undefined ? { onLog: (_ctx: RequestContext, record: LogRecord) => countEvents(record, count) } : {}),
    ...(inspectResponses
      ? {
          onResponse: (ctx, res) => {
            const id = ctx.facts.operation?.id;
            const op = id === undefined ? undefined : doc.byId.get(id);
            return op === undefined ? undefined : checkResponse(ctx, res, op, r);
          },
        }
      : {}),
  };
}

/** Load and compile once per config: documents shared by routes are read once, validators compiled per policy. */
export const validationModule: StageModule = {
  name: 'validation',
  async build(config, env: StageEnv) {
    const documents = new Map<string, Promise<LoadedOpenApi>>();
    // Routes that share a document and a policy (the demo's four routes) share one compiled set of validators.
    const compiled = new Map<string, CompiledDocument>();
    const stages = new Map<RouteConfig, Stage>();
    const events = env.resource(
      'metric:rampart_validation_events_total',
      () => new Counter({ name: 'rampart_validation_events_total', help: 'Validation outcomes by route and event.', labelNames: ['route', 'event'] as const, registers: [env.metrics] }),
    );
    for (const route of config.routes) {
      const cfg = route.validation;
      if (cfg === undefined) continue;
      const file = resolve(env.baseDir, cfg.openapi);
      let loading = documents.get(file);
      if (loading === undefined) documents.set(file, (loading = loadOpenApi(file)));
      const loaded = await loading;
      const key = JSON.stringify([file, cfg.unknownProperties, cfg.responses]);
      let doc = compiled.get(key);
      if (doc === undefined) {
        const warnings = new Set<string>();
        compiled.set(key, (doc = compileDocument(loaded, cfg, (m) => warnings.add(m), config.paths.caseSensitive)));
        for (const w of warnings) env.logger.warn({ route: route.id, openapi: file }, `validation: ${w}`);
      }
      const basePath = (cfg.basePath ?? route.stripPrefix ?? serverBasePath(loaded)).replace(/\/+$/, '');
      stages.set(route, createValidationStage(doc, cfg, basePath, (event) => events.inc({ route: route.id, event })));
    }
    return { forRoute: (route) => stages.get(route) };
  },
};

export { compileDocument, type CompiledDocument };
