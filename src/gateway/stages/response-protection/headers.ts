import type { ResponseProtectionConfig } from './schema.js';

export interface HeaderPlan {
  /** Lower-case names removed from upstream responses. */
  readonly remove: readonly string[];
  /** Set on every response, replacing what the upstream sent. */
  readonly set: readonly (readonly [string, string])[];
  /** Set only when the upstream sent none. */
  readonly setIfAbsent: readonly (readonly [string, string])[];
  readonly noStoreOnErrors: boolean;
}

/** Turn the header options into fixed lists once, at build. */
export function planHeaders(h: ResponseProtectionConfig['headers']): HeaderPlan {
  const set: [string, string][] = [];
  const setIfAbsent: [string, string][] = [];
  if (h.nosniff) set.push(['x-content-type-options', 'nosniff']);
  if (h.frameOptions !== 'off') {
    set.push(['x-frame-options', h.frameOptions]);
    // CSP Level 2 frame-ancestors supersedes X-Frame-Options in current browsers; an upstream CSP is kept as is.
    setIfAbsent.push(['content-security-policy', `frame-ancestors ${h.frameOptions === 'DENY' ? "'none'" : "'self'"}`]);
  }
  if (h.hstsMaxAge > 0) {
    // RFC 6797 §6.1.
    set.push(['strict-transport-security', `max-age=${h.hstsMaxAge}${h.hstsIncludeSubDomains ? '; includeSubDomains' : ''}${h.hstsPreload ? '; preload' : ''}`]);
  }
  if (h.referrerPolicy !== 'off') setIfAbsent.push(['referrer-policy', h.referrerPolicy]);
  for (const [k, v] of Object.entries(h.set)) set.push([k.toLowerCase(), v]);
  return { remove: h.remove.map((n) => n.toLowerCase()), set, setIfAbsent, noStoreOnErrors: h.noStoreOnErrors };
}

export function applyHeaders(plan: HeaderPlan, status: number, headers: Record<string, string | string[]>): void {
  for (const name of plan.remove) delete headers[name];
  for (const [k, v] of plan.set) headers[k] = v;
  for (const [k, v] of plan.setIfAbsent) if (headers[k] === undefined) headers[k] = v;
  // RFC 9111 §5.2.2.5: errors (often personalised or transient) must not be stored by shared caches.
  if (plan.noStoreOnErrors && status >= 400) headers['cache-control'] = 'no-store';
}
