import type { Redis } from 'ioredis';
import { loadIoredis } from '../../../core/lazy/optional-deps.js';
import type { AuthStateStore } from './state-store.js';

// Fixed window: INCR, and set the expiry on the first hit only. Atomic, one round trip.
const ADD_FAILURE = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;
// Keep the later of two lock-outs.
const LOCK = `local cur = tonumber(redis.call('GET', KEYS[1]) or '0') local u = tonumber(ARGV[1]) if u > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end return 1`;

/** Failure counters, lock-outs and nonces in Redis: shared by every gateway instance. */
export function createRedisStateStore(url: string, prefix: string, client?: Redis): AuthStateStore {
  const redis = client ?? new (loadIoredis().Redis)(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000 });
  // Errors surface on each command (and fail closed in the stage); an 'error' listener keeps them from crashing.
  redis.on('error', () => {});
  return {
    async addFailure(key, windowMs) {
      return Number(await redis.eval(ADD_FAILURE, 1, `${prefix}fail:${key}`, String(windowMs)));
    },
    async clearFailures(key) {
      await redis.del(`${prefix}fail:${key}`);
    },
    async lock(key, until, now) {
      await redis.eval(LOCK, 1, `${prefix}lock:${key}`, String(until), String(Math.max(1, until - now)));
    },
    async lockedUntil(key, now) {
      const v = await redis.get(`${prefix}lock:${key}`);
      const u = v === null ? 0 : Number(v);
      return u > now ? u : 0;
    },
    async claimNonce(key, ttlMs) {
      return (await redis.set(`${prefix}nonce:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async close() {
      if (client === undefined) await redis.quit().catch(() => undefined);
    },
  };
}
