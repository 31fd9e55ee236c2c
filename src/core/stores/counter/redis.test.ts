import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { serviceAvailable } from '../../../testing/services.js';
import { createRedisClient, createRedisCounterStore } from './redis.js';
import { runCounterStoreContract } from './testing/contract.js';
import { dropPrefix, runPrefix, waitReady } from './testing/redis-helpers.js';

const up = await serviceAvailable('redis', 6379);
const URL = 'redis://127.0.0.1:6379';

describe.skipIf(!up)('redis counter store', () => {
  let client: Redis;
  const prefix = runPrefix('counter');
  beforeAll(async () => {
    client = createRedisClient(URL, 500);
    await waitReady(client);
  });
  afterAll(async () => {
    await dropPrefix(client, prefix);
    client.disconnect();
  });

  runCounterStoreContract('redis', async () => {
    let t = 1_700_000_000_000;
    const store = createRedisCounterStore({ client, prefix, timeoutMs: 500, now: () => t });
    return { store, now: () => t, advance: (ms) => void (t += ms), close: () => store.close() };
  });

  it('decides with Redis TIME when no clock is injected', async () => {
    const store = createRedisCounterStore({ client, prefix, timeoutMs: 500 });
    const c = { key: 'time', algorithm: 'gcra' as const, limit: 1, periodMs: 60_000, burst: 1, cost: 1, maxDelayMs: 0 };
    expect((await store.consume([c])).allowed).toBe(true);
    const v = await store.consume([c]);
    expect(v.allowed).toBe(false);
    // Retry-After counts down from the period on the server's clock.
    expect(v.results[0]?.retryAfterMs).toBeGreaterThan(59_000);
    expect(v.results[0]?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('sets an expiry on every key it writes, no longer than the state matters', async () => {
    const store = createRedisCounterStore({ client, prefix, timeoutMs: 500 });
    const c = { key: 'ttl', algorithm: 'sliding-window' as const, limit: 5, periodMs: 10_000, burst: 5, cost: 1, maxDelayMs: 0 };
    await store.consume([c]);
    const ttl = await client.pttl(`${prefix}sliding-window:ttl`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });
});
