import type { RequestContext } from '../../pipeline/types.js';
import type { AuthMethod } from './schema.js';
import { parseHmacAuthorization, type HmacParams } from './hmac.js';

/** One presented credential, found without any crypto. */
export type Presented =
  | { readonly method: 'api-key'; readonly key: string }
  | { readonly method: 'jwt' | 'introspection'; readonly token: string }
  | { readonly method: 'basic'; readonly token: string }
  | { readonly method: 'hmac'; readonly params: HmacParams };

export type Extracted = { readonly kind: 'none' } | { readonly kind: 'found'; readonly credential: Presented } | { readonly kind: 'malformed'; readonly method: AuthMethod; readonly detail: string };

export interface ExtractSettings {
  readonly methods: ReadonlySet<AuthMethod>;
  readonly apiKeyHeader: string;
  readonly apiKeyQuery: string | undefined;
}

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const NONE: Extracted = { kind: 'none' };

/**
 * The credential this request presents, among the methods the route accepts: the Authorization header first
 * (Bearer, Basic, HMAC), then the API key header, then (only when the route opts in) the API key query
 * parameter. A credential of a kind the route does not accept is not looked at.
 */
export function extractCredential(ctx: RequestContext, s: ExtractSettings): Extracted {
  const authz = ctx.headers.authorization;
  if (authz !== undefined && authz !== '') {
    const found = fromAuthorization(authz, s.methods);
    if (found !== undefined) return found;
  }
  if (s.methods.has('api-key')) {
    const h = ctx.headers[s.apiKeyHeader];
    if (typeof h === 'string' && h !== '') return { kind: 'found', credential: { method: 'api-key', key: h.trim() } };
    if (Array.isArray(h)) return { kind: 'malformed', method: 'api-key', detail: 'more than one API key' };
    if (s.apiKeyQuery !== undefined && ctx.query.includes(s.apiKeyQuery)) {
      const all = new URLSearchParams(ctx.query).getAll(s.apiKeyQuery);
      if (all.length > 1) return { kind: 'malformed', method: 'api-key', detail: 'more than one API key' };
      if (all[0] !== undefined && all[0] !== '') return { kind: 'found', credential: { method: 'api-key', key: all[0] } };
    }
  }
  return NONE;
}

function fromAuthorization(value: string, methods: ReadonlySet<AuthMethod>): Extracted | undefined {
  const space = value.indexOf(' ');
  const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : value.slice(space + 1).trim();
  if (scheme === 'bearer') {
    const jwt = methods.has('jwt');
    const introspection = methods.has('introspection');
    if (!jwt && !introspection) return undefined;
    const method = jwt && (!introspection || looksLikeJwt(rest)) ? 'jwt' : 'introspection';
    if (!B64TOKEN.test(rest)) return { kind: 'malformed', method, detail: 'malformed bearer token' };
    return { kind: 'found', credential: { method, token: rest } };
  }
  if (scheme === 'basic') {
    if (!methods.has('basic')) return undefined;
    if (!/^[A-Za-z0-9+/]+=*$/.test(rest)) return { kind: 'malformed', method: 'basic', detail: 'malformed Basic credentials' };
    return { kind: 'found', credential: { method: 'basic', token: rest } };
  }
  if (!methods.has('hmac')) return undefined;
  const p = parseHmacAuthorization(value);
  if (p === undefined) return undefined;
  if ('error' in p) return { kind: 'malformed', method: 'hmac', detail: p.error };
  return { kind: 'found', credential: { method: 'hmac', params: p } };
}

const looksLikeJwt = (t: string): boolean => t.startsWith('eyJ') && t.split('.').length === 3;

/**
 * Node keeps only the first of duplicate Authorization headers in `headers`; an attacker can use that to
 * make the gateway and the upstream read different credentials. The raw list tells the truth.
 */
export function duplicatedHeader(raw: readonly string[] | undefined, names: readonly string[]): string | undefined {
  if (raw === undefined) return undefined;
  let seen: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = (raw[i] ?? '').toLowerCase();
    if (!names.includes(n)) continue;
    if (seen?.includes(n) === true) return n;
    (seen ??= []).push(n);
  }
  return undefined;
}
