import { createHash } from 'node:crypto';
import { BoundedMap } from '../../../core/bounded-map.js';
import type { Principal } from '../../pipeline/types.js';

/** The outcome of checking one presented credential. */
export type Attempt =
  | { readonly kind: 'ok'; readonly principal: Principal }
  /** Bad credentials: 401 with the method's challenge; `countsAsFailure` feeds the brute-force guard. */
  | { readonly kind: 'fail'; readonly detail: string; readonly reason: string; readonly countsAsFailure: boolean }
  /** The check could not be made (JWKS or introspection endpoint down): fail closed with 503. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export const fail = (detail: string, reason: string = detail, countsAsFailure = true): Attempt => ({ kind: 'fail', detail, reason, countsAsFailure });

/** Cache key of a token: its SHA-256, so the cache never holds bearer secrets. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A bounded map of verified credentials by hash, each kept until its own expiry (token `exp`). Insertion
 * order doubles as age: past `max` entries the oldest goes.
 */
export class ExpiringCache<V> {
  readonly #entries: BoundedMap<string, { value: V; until: number }>;
  constructor(readonly max: number) {
    this.#entries = new BoundedMap(max);
  }

  get(key: string, now: number): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, until: number): void {
    this.#entries.set(key, { value, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Read a claim by name or dotted path (`realm_access.roles`). */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path in claims) return claims[path];
  let v: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = Reflect.get(v, part);
  }
  return v;
}

/** A claim as a list of strings: an array of strings, or a space-separated string (RFC 8693 `scope`). */
export function stringList(v: unknown): string[] {
  if (typeof v === 'string') return v.split(' ').filter((s) => s !== '');
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  return [];
}
