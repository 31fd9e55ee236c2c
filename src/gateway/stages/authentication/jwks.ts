import type { CryptoKey } from 'jose';
import { fetchJson } from './bounded-fetch.js';
import { importPublicJwk, stringField } from './jwt-keys.js';
import type { JwtAlgorithm } from './schema.js';

export interface JwksOptions {
  readonly url: string;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly refreshMs: number;
  readonly maxStaleMs: number;
  readonly cooldownMs: number;
}

export interface JwksHealth {
  readonly url: string;
  readonly ok: boolean;
  readonly keys: number;
  /** Age of the key set in ms, or null before the first successful fetch. */
  readonly ageMs: number | null;
  readonly lastError?: string;
}

type KeySet = Map<string, Map<string, CryptoKey>>;
const NO_KID = '\u0000';
const MAX_KEYS = 100;

/**
 * One JWKS URL, cached. Keys are served from memory (synchronously) while fresh; past `refreshMs` they are
 * refreshed in the background and still served (stale-while-revalidate) up to `maxStaleMs`. An unknown kid
 * triggers a refresh only once per `cooldownMs`, shared by every waiting request (no refetch storm).
 * Only the configured URL is ever fetched: token headers (jku, x5u, jwk) play no part here.
 */
export class JwksCache {
  #keys: KeySet = new Map();
  #fetchedAt = -Infinity;
  #attemptAt = -Infinity;
  #inflight: Promise<void> | undefined;
  #lastError: string | undefined;
  #fetches = 0;

  constructor(
    readonly options: JwksOptions,
    private readonly now: () => number,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  /** The key for (kid, alg): synchronously when cached, after at most one shared refresh otherwise. */
  get(kid: string | undefined, alg: string): CryptoKey | undefined | Promise<CryptoKey | undefined> {
    const now = this.now();
    const age = now - this.#fetchedAt;
    const usable = age <= this.options.refreshMs + this.options.maxStaleMs;
    if (age > this.options.refreshMs && now - this.#attemptAt >= this.options.cooldownMs) void this.refresh().catch(() => {});
    const found = usable ? this.#lookup(kid, alg) : undefined;
    if (found !== undefined) return found;
    if (this.#inflight !== undefined) return this.#inflight.then(() => this.#lookup(kid, alg), () => undefined);
    if (now - this.#attemptAt < this.options.cooldownMs) return undefined;
    return this.refresh().then(
      () => this.#lookup(kid, alg),
      () => undefined,
    );
  }

  /** Fetch the set now (shared with concurrent callers). Rejects when the fetch fails; old keys stay. */
  refresh(): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    this.#attemptAt = this.now();
    this.#fetches++;
    const p = this.#fetch().then(
      (keys) => {
        this.#keys = keys;
        this.#fetchedAt = this.now();
        this.#lastError = undefined;
      },
      (err: unknown) => {
        this.#lastError = err instanceof Error ? err.message : String(err);
        this.onError(this.#lastError);
        throw err;
      },
    );
    this.#inflight = p.finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  health(): JwksHealth {
    const now = this.now();
    let n = 0;
    for (const m of this.#keys.values()) n += m.size;
    const fetched = Number.isFinite(this.#fetchedAt);
    const ok = fetched && now - this.#fetchedAt <= this.options.refreshMs + this.options.maxStaleMs;
    return { url: this.options.url, ok, keys: n, ageMs: fetched ? now - this.#fetchedAt : null, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) };
  }

  /** How many fetches were started (tests: proves the no-storm rule). */
  get fetches(): number {
    return this.#fetches;
  }

  #lookup(kid: string | undefined, alg: string): CryptoKey | undefined {
    if (kid !== undefined) return this.#keys.get(kid)?.get(alg);
    // No kid: only unambiguous when the set holds exactly one key.
    if (this.#keys.size !== 1) return undefined;
    for (const m of this.#keys.values()) return m.get(alg);
    return undefined;
  }

  async #fetch(): Promise<KeySet> {
    const doc = await fetchJson(this.options.url, this.options);
    const list: unknown = typeof doc === 'object' && doc !== null ? Reflect.get(doc, 'keys') : undefined;
    if (!Array.isArray(list)) throw new Error('not a JWK Set (no "keys" array)');
    const out: KeySet = new Map();
    for (const item of list.slice(0, MAX_KEYS)) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      const jwk: Record<string, unknown> = Object.fromEntries(Object.entries(item));
      const use = stringField(jwk, 'use');
      if (use !== undefined && use !== 'sig') continue;
      const kid = stringField(jwk, 'kid') ?? NO_KID;
      const byAlg = new Map<string, CryptoKey>();
      for (const alg of candidateAlgorithms(jwk, this.options.algorithms)) {
        try {
          byAlg.set(alg, await importPublicJwk(jwk, alg));
        } catch {
          // A key that does not fit this algorithm (wrong curve, private, symmetric) is skipped, not fatal.
        }
      }
      if (byAlg.size > 0) out.set(kid, byAlg);
    }
    if (out.size === 0) throw new Error('the JWK Set holds no usable signing key');
    return out;
  }
}

/** The allowed algorithms a JWK may verify: its own `alg` when it names one, else those fitting its type. */
function candidateAlgorithms(jwk: Readonly<Record<string, unknown>>, allowed: readonly JwtAlgorithm[]): JwtAlgorithm[] {
  const declared = stringField(jwk, 'alg');
  if (declared !== undefined) return allowed.filter((a) => a === declared);
  const kty = stringField(jwk, 'kty');
  const crv = stringField(jwk, 'crv');
  return allowed.filter((a) => {
    if (kty === 'RSA') return a.startsWith('RS') || a.startsWith('PS');
    if (kty === 'EC') return (a === 'ES256' && crv === 'P-256') || (a === 'ES384' && crv === 'P-384') || (a === 'ES512' && crv === 'P-521');
    if (kty === 'OKP') return (a === 'EdDSA' || a === 'Ed25519') && crv === 'Ed25519';
    return false;
  });
}
