import type { CheckResult } from '../../../core/stores/counter/index.js';

/** What the headers need to know about a policy, computed once per build. */
export interface PolicyInfo {
  readonly name: string;
  readonly limit: number;
  readonly periodMs: number;
}

export type HeaderStyle = 'ietf' | 'legacy' | 'both' | 'none';

/**
 * draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` lists each policy as a structured-field item
 * (`"name";q=<quota>;w=<window seconds>`), `RateLimit` the state of each (`"name";r=<remaining>;t=<seconds to
 * reset>`). The policy header never changes, so it is built once.
 */
export function policyHeader(policies: readonly PolicyInfo[]): string {
  return policies.map((p) => `"${p.name}";q=${p.limit};w=${Math.max(1, Math.ceil(p.periodMs / 1000))}`).join(', ');
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** The response headers for one decision (the policy header comes precomputed). */
export function limitHeaders(
  style: HeaderStyle,
  policies: readonly PolicyInfo[],
  policyHeaderValue: string,
  results: readonly CheckResult[],
  effectiveLimits: readonly number[],
): Record<string, string> {
  const h: Record<string, string> = {};
  if (style === 'none' || results.length === 0) return h;
  if (style === 'ietf' || style === 'both') {
    h['ratelimit-policy'] = policyHeaderValue;
    let v = '';
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const p = policies[i];
      if (r === undefined || p === undefined) continue;
      v += `${v === '' ? '' : ', '}"${p.name}";r=${r.remaining};t=${seconds(r.resetMs)}`;
    }
    h.ratelimit = v;
  }
  if (style === 'legacy' || style === 'both') {
    // The legacy headers describe one limit: the one closest to exhaustion.
    let worst = 0;
    for (let i = 1; i < results.length; i++) if ((results[i]?.remaining ?? 0) < (results[worst]?.remaining ?? 0)) worst = i;
    const r = results[worst];
    h['x-ratelimit-limit'] = String(effectiveLimits[worst] ?? policies[worst]?.limit ?? 0);
    h['x-ratelimit-remaining'] = String(r?.remaining ?? 0);
    h['x-ratelimit-reset'] = String(seconds(r?.resetMs ?? 0));
  }
  return h;
}

/** RFC 9110 §10.2.3: Retry-After in whole seconds, at least 1 so clients do not spin. */
export function retryAfter(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
