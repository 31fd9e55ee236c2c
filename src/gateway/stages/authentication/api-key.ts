import { apiKeyPrefix, hashApiKey, digestsEqual } from '../../../core/stores/keys/api-key.js';
import { keyUsable, type ApiKeyRecord, type KeyStore } from '../../../core/stores/keys/key-store.js';
import type { Principal } from '../../pipeline/types.js';
import { ExpiringCache, fail, type Attempt } from './attempt.js';
import type { MaybePromise } from './maybe.js';

/**
 * API keys: the public prefix finds the record (cached `cacheMs`, misses too, so random prefixes cannot
 * hammer the store); the SHA-256 of the presented key is compared in constant time with the stored hash.
 */
export class ApiKeyVerifier {
  /** The record and the principal made from it (one object per record, so later stages can memoise on it). */
  readonly #cache: ExpiringCache<Entry | null>;

  constructor(
    private readonly store: () => Promise<KeyStore>,
    private readonly cacheMs: number,
    private readonly now: () => number,
    maxCached = 50_000,
  ) {
    this.#cache = new ExpiringCache(maxCached);
  }

  /** The credential id used for brute-force counting and logs (the public prefix), if the key is well-formed. */
  static credentialId(key: string): string | undefined {
    return apiKeyPrefix(key);
  }

  verify(key: string): MaybePromise<Attempt> {
    const prefix = apiKeyPrefix(key);
    if (prefix === undefined) return fail('invalid API key', 'malformed API key');
    const now = this.now();
    const cached = this.#cache.get(prefix, now);
    if (cached !== undefined) return this.#check(key, cached, now);
    return this.store()
      .then((s) => s.find(prefix))
      .then(
        (record) => {
          const entry = record === undefined ? null : { record, principal: principalOf(record) };
          if (this.cacheMs > 0) this.#cache.set(prefix, entry, now + this.cacheMs);
          return this.#check(key, entry, this.now());
        },
        (err: unknown): Attempt => ({ kind: 'unavailable', reason: `key store: ${err instanceof Error ? err.message : String(err)}` }),
      );
  }

  #check(key: string, entry: Entry | null, now: number): Attempt {
    // Hash even when the prefix is unknown, so both paths cost the same.
    const hash = hashApiKey(key);
    if (entry === null) return fail('invalid API key', 'unknown key prefix');
    const record = entry.record;
    if (!digestsEqual(hash, record.hash)) return fail('invalid API key', `key ${record.prefix}: hash mismatch`);
    if (!keyUsable(record, now)) return fail('API key expired or revoked', `key ${record.prefix}: ${record.revokedAt === undefined ? 'expired' : 'revoked'}`);
    return { kind: 'ok', principal: entry.principal };
  }
}

interface Entry {
  readonly record: ApiKeyRecord;
  readonly principal: Principal;
}

const principalOf = (r: ApiKeyRecord): Principal => Object.freeze({ subject: r.consumer, consumer: r.consumer, groups: [], scopes: [], roles: [], method: 'api-key', credentialId: r.prefix });
