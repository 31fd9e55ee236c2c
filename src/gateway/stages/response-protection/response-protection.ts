import { Counter } from 'prom-client';
import { parseJsonBounded } from '../../../core/json/index.js';
import type { ProblemCode } from '../../../core/problems/catalogue.js';
import { problem } from '../../../core/problems/problem.js';
import type { RouteConfig } from '../../../core/config/schema.js';
import type { StageModule } from '../../pipeline/module.js';
import { proceed, type GatewayResponse, type LogRecord, type RequestContext, type ResponseDecision, type Stage } from '../../pipeline/types.js';
import { RESPONSE_JSON_LIMITS } from '../validation/response.js';
import { applyHeaders, planHeaders } from './headers.js';
import { detectLeak } from './leaks.js';
import { normaliseFieldName, redactFields } from './sensitive.js';
import type { ResponseProtectionConfig } from './schema.js';

/** The problem that replaces a leaking upstream error: the same class of status, no detail from upstream. */
function replacementFor(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 503:
      return 'service-unavailable';
    case 504:
      return 'gateway-timeout';
    default:
      return status >= 500 ? (status === 500 ? 'internal-error' : 'bad-gateway') : 'bad-request';
  }
}


/**
 * A body that may be read as JSON: a JSON media type, or any other declared type (none, `json`, `text/plain`...)
 * when the body opens an object or an array. HTTP clients such as axios parse JSON-looking bodies whatever the
 * Content-Type says, so a sensitive field under a wrong type still leaks. HTML and XML are never read as JSON.
 */
const JSON_TYPE = /^\s*application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;
const MARKUP_TYPE = /html|xml/i;
function mayBeJson(ct: string | string[] | undefined, body: Buffer): boolean {
  if (typeof ct === 'string' && JSON_TYPE.test(ct)) return true;
  if (Array.isArray(ct) || (ct !== undefined && MARKUP_TYPE.test(ct))) return false;
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x09 || body[i] === 0x0a || body[i] === 0x0d)) i++;
  return body[i] === 0x7b || body[i] === 0x5b;
}

/** Build the stage for one route's config: header lists, name sets and flags are fixed here. */
export function createResponseProtectionStage(cfg: ResponseProtectionConfig, count?: (action: string) => void): Stage {
  const plan = planHeaders(cfg.headers);
  const names = new Set(cfg.sensitiveFields.map(normaliseFieldName));
  const scan = cfg.errorBodies === 'scan';
  const needsBody = scan || names.size > 0;
  // Inspecting bodies needs them unencoded: the client's Accept-Encoding is replaced (RFC 9110 §12.5.3).
  const identity = proceed({ upstreamHeaders: { 'accept-encoding': 'identity' }, dropHeaders: ['accept-encoding'] });
  // A replacement does not come back through this stage: it carries the security headers itself.
  const replacementHeaders: Record<string, string> = Object.fromEntries([...plan.set, ...plan.setIfAbsent]);
  const replace = (status: number, reason: string): ResponseDecision => ({
    kind: 'replace',
    problem: problem(replacementFor(status), 'The upstream error was replaced; quote the request id when reporting it.', { reason, headers: replacementHeaders }),
  });

  const inspect = (ctx: RequestContext, res: GatewayResponse): ResponseDecision => {
    if (cfg.errorBodies === 'replace' && res.status >= 500) return replace(res.status, 'upstream 5xx body replaced');
    const body = res.body;
    if (body === undefined || body.length === 0) return;
    const encoded = res.headers['content-encoding'] !== undefined && res.headers['content-encoding'] !== 'identity';
    if (encoded || body.length > cfg.maxScanBytes) {
      ctx.annotate('responseProtection', 'body not scanned (encoded or too large)');
      return;
    }
    if (scan && res.status >= 400) {
      const leak = detectLeak(body.toString('utf8'));
      if (leak !== undefined) return replace(res.status, `upstream error body showed a ${leak}`);
    }
    if (names.size === 0 || !mayBeJson(res.headers['content-type'], body)) return;
    const parsed = parseJsonBounded(body, RESPONSE_JSON_LIMITS);
    if (!parsed.ok) return;
    const touched = redactFields(parsed.value, names, cfg.sensitiveAction);
    if (touched.length === 0) return;
    ctx.annotate('responseRedacted', touched);
    const out = Buffer.from(JSON.stringify(parsed.value));
    res.body = out;
    res.headers['content-length'] = String(out.length);
    delete res.headers.etag;
    return;
  };

  return {
    name: 'response-protection',
    needsResponseBody: needsBody,
    ...(needsBody ? { onRequest: () => identity } : {}),
    onResponse(ctx, res) {
      const decision = res.fromGateway ? undefined : inspect(ctx, res);
      applyHeaders(plan, decision === undefined ? res.status : 500, res.headers);
      return decision;
    },
    ...(count !== undefined
      ? {
          onLog(_ctx: RequestContext, record: LogRecord) {
            if (record.stage === 'response-protection' && record.decision === 'reject') count('error-body-replaced');
            if (record.responseRedacted !== undefined) count('sensitive-redacted');
          },
        }
      : {}),
  };
}

export const responseProtectionModule: StageModule = {
  name: 'response-protection',
  build(_config, env) {
    const stages = new Map<RouteConfig, Stage>();
    const actions = env.resource(
      'metric:rampart_response_protection_total',
      () => new Counter({ name: 'rampart_response_protection_total', help: 'Responses changed by response protection, by route and action.', labelNames: ['route', 'action'] as const, registers: [env.metrics] }),
    );
    return {
      forRoute(route) {
        const cfg = route.responseProtection;
        if (cfg === undefined) return undefined;
        let stage = stages.get(route);
        if (stage === undefined) stages.set(route, (stage = createResponseProtectionStage(cfg, (action) => actions.inc({ route: route.id, action }))));
        return stage;
      },
    };
  },
};
