import { andThen, type MaybePromise } from './maybe.js';
import type { AuthStateStore } from './state-store.js';

export interface BruteForcePolicy {
  readonly enabled: boolean;
  readonly maxFailures: number;
  readonly windowMs: number;
  /** First lock-out; doubles with each failure past maxFailures, up to maxLockMs. */
  readonly lockMs: number;
  readonly maxLockMs: number;
}

/**
 * Failed authentications counted per client IP and per credential id (key prefix, user name, HMAC key id).
 * Past `maxFailures` in a window, the key is locked out with exponential back-off: a lock-out answers 429 with
 * Retry-After before any credential is checked, so a locked-out attacker learns nothing more.
 */
export interface BruteForceGuard {
  /** ms until the lock-out of any of these keys ends; 0 when none is locked. */
  retryAfterMs(keys: readonly string[], now: number): MaybePromise<number>;
  failed(keys: readonly string[], now: number): MaybePromise<void>;
  succeeded(credentialKey: string | undefined): MaybePromise<void>;
}

export const ipKey = (ip: string): string => `ip:${ip}`;
export const credentialKey = (method: string, id: string): string => `cred:${method}:${id}`;

export function createBruteForceGuard(store: AuthStateStore, p: BruteForcePolicy): BruteForceGuard {
  if (!p.enabled) return { retryAfterMs: () => 0, failed: () => undefined, succeeded: () => undefined };
  const lockFor = (count: number): number => {
    const over = count - p.maxFailures;
    // 2^over grows past maxLockMs long before it overflows; cap the exponent anyway.
    return Math.min(p.lockMs * 2 ** Math.min(over, 30), p.maxLockMs);
  };
  const one = (key: string, now: number): MaybePromise<void> =>
    andThen(store.addFailure(key, p.windowMs, now), (count) => (count >= p.maxFailures ? store.lock(key, now + lockFor(count), now) : undefined));

  return {
    retryAfterMs(keys, now) {
      let result: MaybePromise<number> = 0;
      for (const k of keys) {
        result = andThen(result, (acc) => andThen(store.lockedUntil(k, now), (until) => Math.max(acc, until > now ? until - now : 0)));
      }
      return result;
    },
    failed(keys, now) {
      let result: MaybePromise<void> = undefined;
      for (const k of keys) result = andThen(result, () => one(k, now));
      return result;
    },
    succeeded(key) {
      return key === undefined ? undefined : store.clearFailures(key);
    },
  };
}
