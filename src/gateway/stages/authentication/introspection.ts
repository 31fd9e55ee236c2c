import type { Principal } from '../../pipeline/types.js';
import { ExpiringCache, fail, stringList, tokenHash, type Attempt } from './attempt.js';
import { fetchJson } from './bounded-fetch.js';
import type { MaybePromise } from './maybe.js';
import type { IntrospectionConfig } from './schema.js';

/**
 * OAuth 2.0 token introspection (RFC 7662). Answers are cached by token hash: active tokens until their `exp`
 * (at most `cacheTtlMs`), inactive ones for `negativeCacheTtlMs`; concurrent requests with the same token
 * share one call. An unreachable endpoint fails closed (503), and does not count as a client failure.
 */
export class Introspector {
  readonly #cache = new ExpiringCache<Principal | null>(10_000);
  readonly #inflight = new Map<string, Promise<Attempt>>();
  readonly #auth: string;

  constructor(
    readonly config: IntrospectionConfig,
    private readonly now: () => number,
  ) {
    // RFC 7662 §2.1 + RFC 6749 §2.3.1: client credentials, form-encoded, in Basic.
    const enc = (s: string) => encodeURIComponent(s);
    this.#auth = 'Basic ' + Buffer.from(`${enc(config.clientId)}:${enc(config.clientSecret)}`).toString('base64');
  }

  verify(token: string): MaybePromise<Attempt> {
    const hash = tokenHash(token);
    const hit = this.#cache.get(hash, this.now());
    if (hit === null) return fail('token is not active', 'inactive (cached)');
    if (hit !== undefined) return { kind: 'ok', principal: hit };
    let p = this.#inflight.get(hash);
    if (p === undefined) {
      p = this.#introspect(token, hash).finally(() => this.#inflight.delete(hash));
      this.#inflight.set(hash, p);
    }
    return p;
  }

  async #introspect(token: string, hash: string): Promise<Attempt> {
    let doc: unknown;
    try {
      doc = await fetchJson(this.config.url, this.config, {
        method: 'POST',
        headers: { authorization: this.#auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      });
    } catch (err) {
      return { kind: 'unavailable', reason: `introspection ${this.config.name}: ${err instanceof Error ? err.message : String(err)}` };
    }
    const now = this.now();
    const get = (k: string): unknown => (typeof doc === 'object' && doc !== null ? Reflect.get(doc, k) : undefined);
    const exp = get('exp');
    const nbf = get('nbf');
    const active = get('active') === true && (typeof exp !== 'number' || exp * 1000 > now) && (typeof nbf !== 'number' || nbf * 1000 <= now);
    if (!active) {
      this.#cache.set(hash, null, now + this.config.negativeCacheTtlMs);
      return fail('token is not active', `introspection ${this.config.name}: inactive`);
    }
    const str = (k: string): string | undefined => {
      const v = get(k);
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const consumer = str('client_id');
    const subject = str('sub') ?? str('username') ?? consumer;
    if (subject === undefined) return fail('token has no subject', 'introspection: no sub, username or client_id');
    const claims: Record<string, unknown> = typeof doc === 'object' && doc !== null ? Object.fromEntries(Object.entries(doc)) : {};
    const principal: Principal = Object.freeze({
      subject,
      ...(consumer === undefined ? {} : { consumer }),
      groups: stringList(get('groups')),
      scopes: stringList(get('scope')),
      roles: stringList(get('roles')),
      method: 'introspection',
      credentialId: `${this.config.name}:${hash.slice(0, 12)}`,
      claims: Object.freeze(claims),
    });
    const until = Math.min(now + this.config.cacheTtlMs, typeof exp === 'number' ? exp * 1000 : Infinity);
    this.#cache.set(hash, principal, until);
    return { kind: 'ok', principal };
  }
}
