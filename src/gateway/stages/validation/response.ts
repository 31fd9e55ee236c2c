import { parseJsonBounded, type JsonLimits } from '../../../core/json/index.js';
import { visitShape } from '../../../core/openapi/shape.js';
import { problem } from '../../../core/problems/problem.js';
import type { GatewayResponse, RequestContext, ResponseDecision } from '../../pipeline/types.js';
import { fieldErrors } from './errors.js';
import { bodyKindOf, parseMediaType } from './media.js';
import type { CompiledOperation, CompiledResponse } from './operation.js';
import type { ValidationConfig } from './schema.js';

/** Upstream responses are the API's own output: generous limits, but still bounded. */
export const RESPONSE_JSON_LIMITS: JsonLimits = Object.freeze({
  maxDepth: 128,
  maxKeys: 100_000,
  maxArrayLength: 1_000_000,
  maxStringLength: 16_777_216,
  maxNumberLength: 400,
});

/** The documented response for a status: exact code, then its range (`2XX`), then `default`. */
export function responseFor(op: CompiledOperation, status: number): CompiledResponse | undefined {
  const code = String(status);
  return op.responses.get(code) ?? op.responses.get(`${code[0] ?? ''}XX`) ?? op.responses.get('DEFAULT');
}

const withheld = (): ResponseDecision => ({
  kind: 'replace',
  problem: problem('bad-gateway', 'The upstream response was withheld: it did not meet the API contract.', {
    reason: 'response carried writeOnly or sensitive properties, or could not be inspected',
  }),
});

/**
 * Hold a buffered upstream JSON response to the document: log mismatches, strip undeclared properties,
 * redact or block writeOnly / x-rampart-sensitive ones. What cannot be inspected is let through and logged,
 * except under `sensitive: block`, which fails closed.
 */
export function checkResponse(ctx: RequestContext, res: GatewayResponse, op: CompiledOperation, cfg: ValidationConfig['responses']): ResponseDecision {
  if (res.fromGateway || res.body === undefined || res.body.length === 0 || ctx.method === 'HEAD') return;
  const spec = responseFor(op, res.status);
  if (spec === undefined) {
    ctx.annotate('responseCheck', 'undocumented status');
    return;
  }
  const failClosed = cfg.sensitive === 'block';
  const ct = res.headers['content-type'];
  const mt = typeof ct === 'string' ? parseMediaType(ct) : undefined;
  if (mt === undefined || bodyKindOf(mt.essence) !== 'json') {
    ctx.annotate('responseCheck', 'not JSON');
    return;
  }
  const encoding = res.headers['content-encoding'];
  if ((encoding !== undefined && encoding !== 'identity') || res.body.length > cfg.maxBytes) {
    ctx.annotate('responseCheck', 'not inspected (encoded or too large)');
    return failClosed ? withheld() : undefined;
  }
  const parsed = parseJsonBounded(res.body, RESPONSE_JSON_LIMITS);
  if (!parsed.ok) {
    ctx.annotate('responseCheck', `unparsable JSON: ${parsed.issue.message}`);
    return failClosed ? withheld() : undefined;
  }
  const value = parsed.value;
  if (spec.validate !== undefined && !spec.validate(value)) {
    ctx.annotate('responseMismatch', fieldErrors(spec.validate.errors, 'body', '').map((e) => `${e.pointer} ${e.message}`));
  }
  const found = visitShape(value, spec.shape, {
    flag: op.exposeSensitive ? 'writeOnly' : 'writeOnlyOrSensitive',
    removeUndeclared: cfg.stripUndeclared,
    removeFlagged: cfg.sensitive === 'redact',
  });
  if (cfg.sensitive !== 'off' && found.flagged.length > 0) {
    ctx.annotate('responseSensitive', found.flagged);
    if (failClosed) return withheld();
  }
  const removed = (cfg.stripUndeclared ? found.undeclared.length : 0) + (cfg.sensitive === 'redact' ? found.flagged.length : 0);
  if (found.undeclared.length > 0) ctx.annotate('responseUndeclared', found.undeclared);
  if (removed === 0) return;
  const body = Buffer.from(JSON.stringify(value));
  res.body = body;
  res.headers['content-length'] = String(body.length);
  // The representation changed: validators of the old one no longer hold.
  delete res.headers.etag;
  delete res.headers['content-md5'];
  return;
}
