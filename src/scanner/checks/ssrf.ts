import { defineCheck } from '../check.js';
import type { Operation } from '../model/operations.js';
import { propertiesOf, typeOf } from '../model/sample.js';
import type { CheckContext } from '../engine/context.js';
import type { FindingDraft } from '../types.js';
import type { ScanRequest } from '../http/client.js';
import { caller, isObject, validRequest, withParam } from './util.js';

const URLISH = /(url|uri|href|link|callback|webhook|hook|redirect|return_?to|next|target|endpoint|feed|fetch|image|img|avatar|icon|src|source|proxy|remote|host|domain|site)$/i;

export function urlParams(op: Operation) {
  return op.parameters.filter((p) => p.in === 'query' && (URLISH.test(p.name) || p.schema.format === 'uri' || p.schema.format === 'url'));
}
export function urlFields(op: Operation): string[] {
  if (op.requestBody === undefined) return [];
  const props = propertiesOf(op.requestBody.schema);
  return Object.keys(props).filter((k) => typeOf(props[k]!) === 'string' && (URLISH.test(k) || props[k]!.format === 'uri' || props[k]!.format === 'url'));
}

/** The operation has a URL-like query parameter or body field. */
export function hasUrlInputs(op: Operation): boolean {
  return urlParams(op).length > 0 || urlFields(op).length > 0;
}

/**
 * The URL-like inputs of each operation a URL probe may touch (reads; POST only with --destructive), built on a
 * valid request of that operation: what the SSRF and redirect-following checks both walk.
 */
export async function* urlProbeTargets(ctx: CheckContext, ops: readonly Operation[]): AsyncGenerator<{ op: Operation; inputs: UrlInput[] }> {
  for (const op of ops) {
    if (!op.safe && (!ctx.destructive || op.method !== 'POST')) continue;
    const base = await validRequest(ctx, op, caller(ctx));
    yield { op, inputs: urlInputs(op, base, ctx.api) };
  }
}

type UrlInput = { name: string; build: (url: string) => ScanRequest };

/** Every URL-like input of an operation (query parameters and JSON body fields), each with a request builder. */
export function urlInputs(op: Operation, base: ScanRequest, api: { basePath: string }): UrlInput[] {
  return [
    ...urlParams(op).map((p) => ({ name: p.name, build: (u: string) => withParam(base, op, p, u, api) })),
    ...urlFields(op).map((f) => ({ name: f, build: (u: string) => ({ ...base, body: { ...(isObject(base.body) ? base.body : {}), [f]: u } }) })),
  ];
}

/**
 * API7: server-side request forgery. URL-like parameters are pointed at a canary the scanner listens on
 * (127.0.0.1); the finding is the canary receiving the probe's unique token, never a guess from the answer.
 */
export const ssrf = defineCheck({
  id: 'ssrf',
  title: 'Server-side request forgery',
  owasp: 'API7:2023',
  cwe: 918,
  severity: 'high',
  description: 'Points URL-like parameters and body fields at a loopback canary and waits for the target to fetch it.',
  remediation: 'Fetch only allow-listed hosts; resolve and refuse private, loopback and link-local addresses; disable redirects.',
  scope: 'operation',
  appliesTo: hasUrlInputs,
  needs: { canary: true },
  async run(ctx, ops) {
    const canary = ctx.canary!;
    const out: FindingDraft[] = [];
    for await (const { op, inputs } of urlProbeTargets(ctx, ops)) {
      for (const probe of inputs) {
        const { url, token } = canary.url();
        const ex = await ctx.client.send(probe.build(url));
        if (!(await canary.seen(token, 700))) continue;
        out.push({
          title: `${op.id} fetches any URL given in "${probe.name}"`,
          operation: op.id,
          key: probe.name,
          detail: `"${probe.name}" was set to ${url}; the scanner's canary received that exact request from the target, so the server fetches URLs chosen by the client.`,
          evidence: [ex],
          suggestion: { key: 'detection', value: { mode: 'block' }, note: `attack detection blocks internal-address URLs on this route; also validate ${probe.name} against an allow-list upstream` },
        });
      }
    }
    return out;
  },
});
