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
  readonly #cache: ExpiringCache<ApiKeyRecord | null>;

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
          if (this.cacheMs > 0) this.#cache.set(prefix, record ?? null, now + this.cacheMs);
          return this.#check(key, record ?? null, this.now());
        },
        (err: unknown): Attempt => ({ kind: 'unavailable', reason: `key store: ${err instanceof Error ? err.message : String(err)}` }),
      );
  }

  #check(key: string, record: ApiKeyRecord | null, now: number): Attempt {
    // Hash even when the prefix is unknown, so both paths cost the same.
    const hash = hashApiKey(key);
    if (record === null) return fail('invalid API key', 'unknown key prefix');
    if (!digestsEqual(hash, record.hash)) return fail('invalid API key', `key ${record.prefix}: hash mismatch`);
    if (!keyUsable(record, now)) return fail('API key expired or revoked', `key ${record.prefix}: ${record.revokedAt === undefined ? 'expired' : 'revoked'}`);
    const principal: Principal = { subject: record.consumer, consumer: record.consumer, groups: [], scopes: [], roles: [], method: 'api-key', credentialId: record.prefix };
    return { kind: 'ok', principal };
  }
}
