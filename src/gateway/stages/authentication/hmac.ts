import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal, RequestContext } from '../../pipeline/types.js';
import { fail, type Attempt } from './attempt.js';
import { andThen, type MaybePromise } from './maybe.js';
import type { AuthStateStore } from './state-store.js';

/**
 * HMAC request signing. The client sends
 *
 *   Authorization: RAMPART-HMAC-SHA256 keyId="k1", headers="host;content-type", nonce="…", signature="…"
 *   X-Rampart-Date: 2026-11-28T15:00:00Z            (or an IMF-fixdate)
 *   X-Rampart-Content-SHA256: <hex>                 (optional: lets the gateway say "digest mismatch")
 *
 * and signs (base64 HMAC) the lines: scheme, method, canonical path, canonical query, each listed header as
 * `name:value`, the date, the nonce and the hex SHA-256 of the body. The date must be within the skew; the
 * nonce is claimed in the state store for twice the skew, so a replay inside the window is refused.
 */
export const HMAC_SCHEMES = { sha256: 'RAMPART-HMAC-SHA256', sha512: 'RAMPART-HMAC-SHA512' } as const;
export const HMAC_DATE_HEADER = 'x-rampart-date';
export const HMAC_DIGEST_HEADER = 'x-rampart-content-sha256';
const NONCE_RE = /^[A-Za-z0-9_-]{16,128}$/;

export interface HmacKey {
  readonly id: string;
  readonly secret: string;
  readonly consumer?: string;
  readonly algorithm: 'sha256' | 'sha512';
}

export interface HmacOptions {
  readonly keys: readonly HmacKey[];
  readonly clockSkewSec: number;
  readonly requiredHeaders: readonly string[];
}

export interface HmacParams {
  readonly scheme: string;
  readonly keyId: string;
  readonly headers: readonly string[];
  readonly nonce: string;
  readonly signature: string;
}

/** Parse the Authorization value; undefined when it is not an HMAC credential at all. */
export function parseHmacAuthorization(value: string): HmacParams | { error: string } | undefined {
  const space = value.indexOf(' ');
  const scheme = (space < 0 ? value : value.slice(0, space)).toUpperCase();
  if (scheme !== HMAC_SCHEMES.sha256 && scheme !== HMAC_SCHEMES.sha512) return undefined;
  const params = new Map<string, string>();
  for (const m of value.slice(space + 1).matchAll(/([A-Za-z]+)="([^"]*)"/g)) {
    const [, k = '', v = ''] = m;
    if (params.has(k)) return { error: `parameter ${k} appears twice` };
    params.set(k, v);
  }
  const keyId = params.get('keyId');
  const signature = params.get('signature');
  const nonce = params.get('nonce');
  if (keyId === undefined || signature === undefined || nonce === undefined) return { error: 'keyId, nonce and signature are required' };
  const headers = (params.get('headers') ?? '').toLowerCase().split(';').filter((h) => h !== '');
  // Names only (they are echoed in error details): RFC 9110 tokens, as lower-case letters, digits and '-'.
  if (headers.some((h) => !/^[a-z0-9-]{1,64}$/.test(h))) return { error: 'invalid headers parameter' };
  return { scheme, keyId, headers, nonce, signature };
}

/** RFC 3986 encoding of each name and value, pairs sorted: the same query however the client spelt it. */
export function canonicalQuery(query: string): string {
  if (query === '') return '';
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const pairs = query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      return [enc(dec(i < 0 ? p : p.slice(0, i))), enc(dec(i < 0 ? '' : p.slice(i + 1)))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface SignInput {
  readonly scheme: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly date: string;
  readonly nonce: string;
  readonly bodySha256: string;
}

export function stringToSign(i: SignInput): string {
  return [i.scheme, i.method.toUpperCase(), i.path, canonicalQuery(i.query), ...i.headers.map(([k, v]) => `${k.toLowerCase()}:${v.trim()}`), i.date, i.nonce, i.bodySha256].join('\n');
}

export function sign(secret: string, algorithm: 'sha256' | 'sha512', input: SignInput): string {
  return createHmac(algorithm, secret).update(stringToSign(input)).digest('base64');
}

export const sha256Hex = (body: Buffer | undefined): string => createHash('sha256').update(body ?? Buffer.alloc(0)).digest('hex');

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export class HmacVerifier {
  readonly #keys: ReadonlyMap<string, HmacKey>;
  constructor(
    private readonly options: HmacOptions,
    private readonly state: AuthStateStore,
    private readonly now: () => number,
  ) {
    this.#keys = new Map(options.keys.map((k) => [k.id, k]));
  }

  verify(ctx: RequestContext, p: HmacParams): MaybePromise<Attempt> {
    const key = this.#keys.get(p.keyId);
    if (key === undefined) return fail('invalid signature', `unknown HMAC key id`);
    if (p.scheme !== HMAC_SCHEMES[key.algorithm]) return fail('invalid signature', `key ${key.id} signs with ${key.algorithm}`);
    if (!NONCE_RE.test(p.nonce)) return fail('invalid nonce: 16-128 characters of [A-Za-z0-9_-]', 'bad nonce');
    for (const h of this.options.requiredHeaders) if (!p.headers.includes(h.toLowerCase())) return fail(`the signature must cover the ${h} header`, `unsigned ${h}`);
    const date = headerValue(ctx, HMAC_DATE_HEADER);
    const signedAt = date === undefined ? NaN : Date.parse(date);
    if (date === undefined || Number.isNaN(signedAt)) return fail(`the ${HMAC_DATE_HEADER} header (a date) is required`, 'no date');
    const now = this.now();
    const skewMs = this.options.clockSkewSec * 1000;
    if (Math.abs(now - signedAt) > skewMs) return fail(`clock skew: the signed date is ${Math.round((now - signedAt) / 1000)}s from the gateway's clock (at most ${this.options.clockSkewSec}s allowed)`, 'stale or future date');
    const bodySha256 = sha256Hex(ctx.body);
    const claimed = headerValue(ctx, HMAC_DIGEST_HEADER);
    if (claimed !== undefined && claimed.toLowerCase() !== bodySha256) return fail('body digest mismatch: the body is not the one that was signed', 'digest mismatch');
    const headers: [string, string][] = [];
    for (const h of p.headers) {
      const v = headerValue(ctx, h);
      if (v === undefined) return fail(`signed header ${h} is missing`, `missing ${h}`);
      headers.push([h, v]);
    }
    const expected = Buffer.from(sign(key.secret, key.algorithm, { scheme: p.scheme, method: ctx.method, path: ctx.path, query: ctx.query, headers, date, nonce: p.nonce, bodySha256 }), 'base64');
    const given = Buffer.from(p.signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('invalid signature', `key ${key.id}: signature mismatch`);
    // Claimed only once the signature holds, so forged requests cannot burn a client's nonces.
    return andThen(this.state.claimNonce(`nonce:${key.id}:${p.nonce}`, 2 * skewMs, now), (fresh): Attempt => {
      if (!fresh) return fail('replayed request: nonce already used', `key ${key.id}: nonce replay`);
      const subject = key.consumer ?? key.id;
      const principal: Principal = { subject, consumer: subject, groups: [], scopes: [], roles: [], method: 'hmac', credentialId: key.id };
      return { kind: 'ok', principal };
    });
  }
}
