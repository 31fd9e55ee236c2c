import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Principal } from '../../pipeline/types.js';
import { claimAt, ExpiringCache, fail, stringList, tokenHash, type Attempt } from './attempt.js';
import { JwksCache, type JwksHealth } from './jwks.js';
import { isHmac, loadKey, type PinnedKey, type VerifyKey } from './jwt-keys.js';
import { andThen, type MaybePromise } from './maybe.js';
import { JWT_ALGORITHMS, type JwtIssuerConfig } from './schema.js';

/** Exact, case-sensitive: `none`, `None`, `NONE`... are simply not in it. */
const ALLOWED_ALGS: ReadonlySet<string> = new Set(JWT_ALGORITHMS);

interface Issuer {
  readonly config: JwtIssuerConfig;
  readonly keys: readonly PinnedKey[];
  readonly jwks: JwksCache | undefined;
  readonly options: JWTVerifyOptions;
}

interface Verified {
  readonly issuer: string;
  readonly principal: Principal;
}

export interface JwtEnv {
  readonly now: () => number;
  readonly baseDir: string;
  readonly onJwksError: (url: string, message: string) => void;
}

/** JWT bearer tokens of the configured issuers, verified with jose. */
export class JwtVerifier {
  readonly #issuers = new Map<string, Issuer>();
  readonly #cache: ExpiringCache<Verified>;

  private constructor(
    cacheEntries: number,
    private readonly env: JwtEnv,
  ) {
    this.#cache = new ExpiringCache(cacheEntries);
  }

  /** Load every key (throws with `issuer NAME: ...` on a bad one) and create the JWKS caches. */
  static async create(configs: readonly JwtIssuerConfig[], cacheEntries: number, env: JwtEnv): Promise<JwtVerifier> {
    const v = new JwtVerifier(cacheEntries, env);
    for (const c of configs) {
      if (v.#issuers.has(c.name)) throw new Error(`auth.jwt.issuers: duplicate name ${c.name}`);
      const keys: PinnedKey[] = [];
      for (const [i, k] of c.keys.entries()) {
        try {
          keys.push(await loadKey(k, env.baseDir));
        } catch (err) {
          throw new Error(`auth.jwt.issuers[${c.name}].keys[${i}]: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
      if (c.jwks?.algorithms.some(isHmac) === true) throw new Error(`auth.jwt.issuers[${c.name}].jwks: HMAC algorithms cannot come from a JWKS URL`);
      if (keys.length === 0 && c.jwks === undefined) throw new Error(`auth.jwt.issuers[${c.name}]: needs keys or jwks`);
      const jwks = c.jwks === undefined ? undefined : new JwksCache(c.jwks, env.now, (m) => env.onJwksError(c.jwks?.url ?? '', m));
      const options: JWTVerifyOptions = {
        issuer: c.issuer,
        clockTolerance: c.clockSkewSec,
        requiredClaims: c.requiredClaims,
        ...(c.audience === undefined ? {} : { audience: c.audience }),
        ...(c.maxTokenAgeSec === undefined ? {} : { maxTokenAge: c.maxTokenAgeSec }),
      };
      v.#issuers.set(c.name, { config: c, keys, jwks, options });
    }
    return v;
  }

  has(name: string): boolean {
    return this.#issuers.has(name);
  }

  get names(): string[] {
    return [...this.#issuers.keys()];
  }

  /** Pre-warm every JWKS; failures are reported through health, never thrown. */
  async warm(): Promise<void> {
    await Promise.all([...this.#issuers.values()].map((i) => i.jwks?.refresh().catch(() => undefined)));
  }

  health(): JwksHealth[] {
    return [...this.#issuers.values()].flatMap((i) => (i.jwks === undefined ? [] : [i.jwks.health()]));
  }

  /** Verify `token` for a route that accepts the issuers `allowed` (names). */
  verify(token: string, allowed: readonly string[]): MaybePromise<Attempt> {
    const now = this.env.now();
    const hash = tokenHash(token);
    const hit = this.#cache.get(hash, now);
    if (hit !== undefined) return allowed.includes(hit.issuer) ? { kind: 'ok', principal: hit.principal } : fail('token issuer not accepted here', `issuer ${hit.issuer} not allowed on this route`);

    if (token.split('.').length !== 3) return fail('malformed token', 'not a JWS compact serialization');
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      return fail('malformed token', 'unreadable JWS header');
    }
    if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) return fail('token algorithm not allowed', `alg ${JSON.stringify(alg)} refused`);
    if (kid !== undefined && typeof kid !== 'string') return fail('malformed token', 'kid is not a string');

    const issuer = this.#pickIssuer(token, allowed);
    if (issuer === undefined) return fail('token issuer not accepted here', 'no configured issuer matches iss');
    return andThen(this.#resolveKey(issuer, kid, alg), (key) => {
      if (typeof key === 'string') return key === 'unavailable' ? { kind: 'unavailable', reason: `JWKS ${issuer.jwks?.options.url ?? ''} unavailable` } : fail('unknown signing key', key);
      return this.#verifyWith(token, hash, issuer, key, now);
    });
  }

  #pickIssuer(token: string, allowed: readonly string[]): Issuer | undefined {
    if (allowed.length === 1) return this.#issuers.get(allowed[0] ?? '');
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    for (const name of allowed) {
      const i = this.#issuers.get(name);
      if (i !== undefined && i.config.issuer === iss) return i;
    }
    return undefined;
  }

  /** The pinned key for this header, or why there is none. */
  #resolveKey(issuer: Issuer, kid: string | undefined, alg: string): MaybePromise<PinnedKey | string> {
    const inline = kid === undefined ? (issuer.keys.length === 1 ? issuer.keys[0] : undefined) : issuer.keys.find((k) => k.kid === kid);
    if (inline !== undefined) return inline.alg === alg ? inline : `alg ${alg} does not match the key (pinned to ${inline.alg})`;
    const jwks = issuer.jwks;
    if (jwks === undefined) return `no key for kid ${JSON.stringify(kid ?? null)}`;
    const pinned = jwks.options.algorithms.find((a) => a === alg);
    if (pinned === undefined) return `alg ${alg} not allowed for the JWKS`;
    return andThen(jwks.get(kid, alg), (key): PinnedKey | string => {
      if (key !== undefined) return { kid, alg: pinned, key };
      return jwks.health().ok ? `no key for kid ${JSON.stringify(kid ?? null)} in the JWKS` : 'unavailable';
    });
  }

  async #verifyWith(token: string, hash: string, issuer: Issuer, key: PinnedKey, now: number): Promise<Attempt> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.key satisfies VerifyKey, { ...issuer.options, algorithms: [key.alg], currentDate: new Date(now) }));
    } catch (err) {
      return describeJoseError(err);
    }
    const principal = this.#principal(issuer, key, payload);
    if (principal === undefined) return fail('token has no subject', 'no subject or consumer claim');
    if (typeof payload.exp === 'number') this.#cache.set(hash, { issuer: issuer.config.name, principal }, payload.exp * 1000);
    return { kind: 'ok', principal };
  }

  #principal(issuer: Issuer, key: PinnedKey, claims: JWTPayload): Principal | undefined {
    const m = issuer.config.claims;
    const sub = claimAt(claims, m.subject);
    const consumerClaim = claimAt(claims, m.consumer);
    const consumer = typeof consumerClaim === 'string' ? consumerClaim : undefined;
    const subject = typeof sub === 'string' && sub !== '' ? sub : consumer;
    if (subject === undefined) return undefined;
    const scopes = new Set([...stringList(claimAt(claims, m.scopes)), ...stringList(claims.scp)]);
    return Object.freeze({
      subject,
      ...(consumer === undefined ? {} : { consumer }),
      groups: stringList(claimAt(claims, m.groups)),
      scopes: [...scopes],
      roles: stringList(claimAt(claims, m.roles)),
      method: 'jwt',
      credentialId: `${issuer.config.name}:${key.kid ?? '-'}`,
      claims: Object.freeze({ ...claims }),
    });
  }
}

/** A jose failure as a client-safe description (RFC 6750 error_description) plus the log reason. */
function describeJoseError(err: unknown): Attempt {
  // Claims are checked after the signature: a validly signed token with a bad claim is not a guess, so it
  // does not count towards a brute-force lock-out (a client retrying an expired token is not an attacker).
  if (err instanceof errors.JWTExpired) return fail('token expired', `expired (${err.claim})`, false);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return fail('token not yet valid', 'nbf in the future', false);
    return fail(`token claim "${err.claim}" is invalid`, `${err.claim}: ${err.reason}`, false);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return fail('invalid token signature', 'signature verification failed');
  if (err instanceof errors.JOSEAlgNotAllowed) return fail('token algorithm not allowed', err.message);
  if (err instanceof errors.JOSEError) return fail('malformed token', `${err.code}: ${err.message}`);
  return fail('malformed token', err instanceof Error ? err.message : String(err));
}
