import type { MaybePromise } from './maybe.js';

/**
 * The small port behind the brute-force guard and the HMAC nonce cache. The memory adapter answers
 * synchronously; the Redis adapter (redis-state-store.ts) shares counters and nonces across instances.
 */
export interface AuthStateStore {
  /** Count one failure under `key` in a fixed window of `windowMs`; returns the count in this window. */
  addFailure(key: string, windowMs: number, now: number): MaybePromise<number>;
  /** Forget the failures of `key` (after a success). */
  clearFailures(key: string): MaybePromise<void>;
  /** Lock `key` until `until` (ms since the epoch). */
  lock(key: string, until: number, now: number): MaybePromise<void>;
  /** When `key`'s lock ends, or 0 when it is not locked. */
  lockedUntil(key: string, now: number): MaybePromise<number>;
  /** Remember a nonce for `ttlMs`; false when it was already there (a replay). */
  claimNonce(key: string, ttlMs: number, now: number): MaybePromise<boolean>;
  close?(): Promise<void>;
}

interface Entry {
  count: number;
  /** Window end for counters, lock end for locks, expiry for nonces. */
  until: number;
}

/**
 * In-process state, bounded: past `maxEntries` expired entries are swept, then the oldest dropped (a flood of
 * distinct keys can shorten memory, never grow it without bound).
 */
export function createMemoryStateStore(maxEntries = 100_000): AuthStateStore {
  const failures = new Map<string, Entry>();
  const locks = new Map<string, number>();
  const nonces = new Map<string, number>();

  const bound = <V>(m: Map<string, V>, expiry: (v: V) => number, now: number): void => {
    if (m.size < maxEntries) return;
    for (const [k, v] of m) if (expiry(v) <= now) m.delete(k);
    for (const k of m.keys()) {
      if (m.size < maxEntries) break;
      m.delete(k);
    }
  };

  return {
    addFailure(key, windowMs, now) {
      const e = failures.get(key);
      if (e !== undefined && e.until > now) return ++e.count;
      bound(failures, (v) => v.until, now);
      failures.set(key, { count: 1, until: now + windowMs });
      return 1;
    },
    clearFailures(key) {
      failures.delete(key);
    },
    lock(key, until, now) {
      bound(locks, (v) => v, now);
      locks.set(key, Math.max(until, locks.get(key) ?? 0));
    },
    lockedUntil(key, now) {
      const u = locks.get(key);
      if (u === undefined) return 0;
      if (u <= now) {
        locks.delete(key);
        return 0;
      }
      return u;
    },
    claimNonce(key, ttlMs, now) {
      const u = nonces.get(key);
      if (u !== undefined && u > now) return false;
      bound(nonces, (v) => v, now);
      nonces.set(key, now + ttlMs);
      return true;
    },
  };
}
