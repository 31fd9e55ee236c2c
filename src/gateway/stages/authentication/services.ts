import { Gauge } from 'prom-client';
import type { Config } from '../../../core/config/schema.js';
import { openKeyStore } from '../../../core/stores/keys/open.js';
import type { KeyStore } from '../../../core/stores/keys/key-store.js';
import type { StageEnv } from '../../pipeline/module.js';
import type { Principal } from '../../pipeline/types.js';
import { ApiKeyVerifier } from './api-key.js';
import { BasicVerifier } from './basic.js';
import { createBruteForceGuard, type BruteForceGuard } from './brute-force.js';
import { resolveAuthConfig } from './config.js';
import { Directory } from './directory.js';
import { HmacVerifier } from './hmac.js';
import { IdentityHeaders } from './identity.js';
import { Introspector } from './introspection.js';
import { JwtVerifier } from './jwt.js';
import type { AuthConfig } from './schema.js';
import { createMemoryStateStore, type AuthStateStore } from './state-store.js';
import { createRedisStateStore } from './redis-state-store.js';

/** Everything authentication needs, built once per config (the heavy work: keys, JWKS, stores). */
export interface AuthServices {
  readonly auth: AuthConfig;
  readonly now: () => number;
  readonly identity: IdentityHeaders;
  readonly directory: Directory;
  readonly guard: BruteForceGuard;
  readonly jwt: JwtVerifier | undefined;
  readonly introspectors: ReadonlyMap<string, Introspector>;
  readonly hmac: HmacVerifier;
  readonly basic: BasicVerifier;
  /** The enriched principal and its identity headers, memoised per verified principal object (cache hits). */
  resolve(p: Principal): Resolved;
  /** Created on first use: only routes with api-key open the key store. */
  apiKeys(): ApiKeyVerifier;
  close(): Promise<void>;
}

export interface Resolved {
  readonly principal: Principal;
  readonly upstreamHeaders: Readonly<Record<string, string>>;
}

export async function buildAuthServices(config: Readonly<Config>, env: StageEnv): Promise<AuthServices> {
  const auth = resolveAuthConfig(config);
  checkRoutes(config, auth);
  const now = env.now;
  const state = openStateStore(auth, env);
  const jwt =
    auth.jwt.issuers.length === 0
      ? undefined
      : await JwtVerifier.create(auth.jwt.issuers, auth.jwt.cacheEntries, {
          now,
          baseDir: env.baseDir,
          onJwksError: (url, message) => env.logger.warn({ jwks: url, err: message }, 'JWKS fetch failed'),
        });
  // Pre-warm: keys are fetched before the first request, and a JWKS that is down is reported now.
  await jwt?.warm();
  for (const h of jwt?.health() ?? []) if (!h.ok) env.logger.error({ jwks: h.url, err: h.lastError }, 'JWKS unavailable at start-up: tokens of this issuer fail until it answers');
  watchJwksHealth(env, jwt);

  const keyStore = keyStoreHandle(auth, env);
  let apiKeys: ApiKeyVerifier | undefined;
  const identity = new IdentityHeaders(auth.identityHeaders);
  const directory = new Directory(auth);
  const memo = new WeakMap<Principal, Resolved>();
  return {
    auth,
    now,
    identity,
    directory,
    resolve(p) {
      let r = memo.get(p);
      if (r === undefined) {
        const principal = directory.enrich(p);
        r = { principal, upstreamHeaders: Object.freeze(identity.forPrincipal(principal)) };
        memo.set(p, r);
      }
      return r;
    },
    guard: createBruteForceGuard(state, auth.bruteForce),
    jwt,
    introspectors: new Map(auth.introspection.map((c) => [c.name, new Introspector(c, now)])),
    hmac: new HmacVerifier(auth.hmac, state, now),
    basic: new BasicVerifier(auth.basic.users, now),
    apiKeys: () => (apiKeys ??= new ApiKeyVerifier(keyStore, auth.keyStore.cacheMs, now)),
    async close() {},
  };
}

/** Route sections that name unknown issuers or endpoints are config errors, reported at build. */
function checkRoutes(config: Readonly<Config>, auth: AuthConfig): void {
  const issuers = new Set(auth.jwt.issuers.map((i) => i.name));
  const endpoints = new Set(auth.introspection.map((i) => i.name));
  config.routes.forEach((route, i) => {
    const a = route.authentication;
    if (a === undefined) return;
    const at = `routes[${i}].authentication`;
    for (const name of a.issuers ?? []) if (!issuers.has(name)) throw new Error(`${at}.issuers: unknown issuer ${name} (see auth.jwt.issuers)`);
    if (a.methods.includes('jwt') && issuers.size === 0) throw new Error(`${at}.methods: jwt needs auth.jwt.issuers`);
    if (a.methods.includes('introspection') && (a.introspection === undefined || !endpoints.has(a.introspection))) throw new Error(`${at}.introspection: name one of auth.introspection`);
    if (a.methods.includes('hmac') && auth.hmac.keys.length === 0) throw new Error(`${at}.methods: hmac needs auth.hmac.keys`);
    if (a.methods.includes('basic') && auth.basic.users.length === 0) throw new Error(`${at}.methods: basic needs auth.basic.users`);
  });
}

/** Counters and nonces outlive a reload (a lock-out must not end because the config changed). */
function openStateStore(auth: AuthConfig, env: StageEnv): AuthStateStore {
  const s = auth.stateStore;
  if (s.kind === 'memory') return env.resource('auth:state:memory', () => createMemoryStateStore());
  if (s.url === undefined) throw new Error('auth.stateStore.url is required for kind "redis"');
  const url = s.url;
  return env.resource(`auth:state:redis:${url}:${s.prefix}`, () => createRedisStateStore(url, s.prefix), (r) => r.close?.());
}

/** The key store, opened once and kept across reloads; a failed open is retried on the next request. */
function keyStoreHandle(auth: AuthConfig, env: StageEnv): () => Promise<KeyStore> {
  const c = auth.keyStore;
  const id = `auth:keystore:${c.kind}:${c.path ?? ''}:${c.url ?? ''}:${c.schema ?? ''}:${c.table ?? ''}`;
  const holder = env.resource(id, (): { store: Promise<KeyStore> | undefined } => ({ store: undefined }), async (h) => (await h.store?.catch(() => undefined))?.close());
  return () => {
    holder.store ??= openKeyStore(c, env.baseDir).catch((err: unknown) => {
      holder.store = undefined;
      env.logger.error({ err: String(err) }, 'key store unavailable');
      throw err;
    });
    return holder.store;
  };
}

/** rampart_jwks_up{url}: 1 while the key set is usable. One gauge for the process; it reads the current build. */
function watchJwksHealth(env: StageEnv, jwt: JwtVerifier | undefined): void {
  const ref = env.resource('auth:jwks-gauge', () => {
    const r: { current: JwtVerifier | undefined } = { current: undefined };
    new Gauge({
      name: 'rampart_jwks_up',
      help: 'Whether each configured JWKS has a usable key set (1) or not (0).',
      labelNames: ['url'],
      registers: [env.metrics],
      collect() {
        this.reset();
        for (const h of r.current?.health() ?? []) this.set({ url: h.url }, h.ok ? 1 : 0);
      },
    });
    return r;
  });
  ref.current = jwt;
}
