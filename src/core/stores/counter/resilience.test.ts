import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { serviceAvailable } from '../../../testing/services.js';
import { createRedisClient, createRedisCounterStore } from './redis.js';
import { createResilientCounterStore, type FailureMode } from './resilient.js';
import { startFaultProxy, type FaultProxy } from './testing/fault-proxy.js';
import { dropPrefix, runPrefix, waitReady } from './testing/redis-helpers.js';
import { CounterStoreError, type CounterStore, type LimitCheck, type Verdict } from './types.js';

const up = await serviceAvailable('redis', 6379);
// Generous for a loaded CI machine (the production default is 50 ms): a healthy call must fit in it.
const TIMEOUT = 200;
const SLACK = 100;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('resilient counter store (unit)', () => {
  const failing: CounterStore = {
    kind: 'redis',
    consume: () => Promise.reject(new CounterStoreError('boom', 'unavailable')),
    close: async () => {},
  };
  const check: LimitCheck = { key: 'k', algorithm: 'gcra', limit: 2, periodMs: 60_000, burst: 2, cost: 1, maxDelayMs: 0 };

  it('fails open to a local limit that still limits, and reports the outage once', async () => {
    const events: string[] = [];
    const store = createResilientCounterStore({ primary: failing, onFailure: 'open', probeAfterMs: 10_000, events: { down: () => events.push('down'), failure: () => events.push('failure') } });
    const answers: Verdict[] = [];
    for (let i = 0; i < 4; i++) answers.push(await store.consume([check]));
    expect(answers.map((a) => [a.allowed, a.degraded])).toEqual([
      [true, 'open'],
      [true, 'open'],
      [false, 'open'],
      [false, 'open'],
    ]);
    // One failed call, then the open circuit answers locally without calling the primary.
    expect(events).toEqual(['failure', 'down']);
  });

  it('fails open with a share of each limit per instance when asked', async () => {
    const store = createResilientCounterStore({ primary: failing, onFailure: 'open', fallbackFactor: 0.5, probeAfterMs: 10_000 });
    const wide = { ...check, limit: 10, burst: 10 };
    const answers: boolean[] = [];
    for (let i = 0; i < 7; i++) answers.push((await store.consume([wide])).allowed);
    expect(answers).toEqual([true, true, true, true, true, false, false]);
  });

  it('stays synchronous over a synchronous primary, and fails open when it throws', () => {
    let broken = false;
    const sync: CounterStore = {
      kind: 'sqlite',
      consume: () => {
        if (broken) throw new CounterStoreError('locked', 'unavailable');
        return { allowed: true, delayMs: 0, results: [] };
      },
      close: async () => {},
    };
    const store = createResilientCounterStore({ primary: sync, onFailure: 'open', probeAfterMs: 10_000 });
    expect(store.consume([check])).toEqual({ allowed: true, delayMs: 0, results: [] });
    broken = true;
    expect(store.consume([check])).toMatchObject({ allowed: true, degraded: 'open' });
  });

  it('fails closed when configured', async () => {
    const store = createResilientCounterStore({ primary: failing, onFailure: 'closed' });
    expect(await store.consume([check])).toMatchObject({ allowed: false, degraded: 'closed' });
  });
});

describe.skipIf(!up)('counter store through a faulty network to Redis', () => {
  let proxy: FaultProxy;
  let client: Redis;
  const prefix = runPrefix('fault');

  beforeAll(async () => {
    proxy = await startFaultProxy(6379);
    client = createRedisClient(proxy.url, TIMEOUT);
    await waitReady(client);
  });
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
    const direct = createRedisClient('redis://127.0.0.1:6379', 500);
    await waitReady(direct);
    await dropPrefix(direct, prefix);
    direct.disconnect();
  });

  async function traffic(store: CounterStore, ms: number, key: string): Promise<{ n: number; maxMs: number; verdicts: Verdict[] }> {
    const verdicts: Verdict[] = [];
    let maxMs = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const t0 = performance.now();
      verdicts.push(await store.consume([{ key, algorithm: 'gcra', limit: 100_000, periodMs: 1000, burst: 100_000, cost: 1, maxDelayMs: 0 }]));
      maxMs = Math.max(maxMs, performance.now() - t0);
      await sleep(2);
    }
    return { n: verdicts.length, maxMs, verdicts };
  }

  async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (await cond()) return true;
      await sleep(20);
    }
    return false;
  }

  it.each<FailureMode>(['open', 'closed'])(
    'fail-%s: holds the failure mode when Redis is killed or slowed mid-traffic, stays within the timeout, and recovers',
    async (mode) => {
      const events: string[] = [];
      const store = createResilientCounterStore({
        primary: createRedisCounterStore({ client, prefix, timeoutMs: TIMEOUT }),
        onFailure: mode,
        probeAfterMs: 100,
        events: { down: (e) => events.push(`down:${e.reason}`), up: () => events.push('up') },
      });
      const key = `traffic-${mode}`;

      const healthy = await traffic(store, 200, key);
      expect(healthy.verdicts.every((v) => v.allowed && v.degraded === undefined)).toBe(true);
      expect(healthy.maxMs).toBeLessThan(TIMEOUT);

      proxy.down();
      const killed = await traffic(store, 300, key);
      expect(killed.verdicts.some((v) => v.degraded === mode)).toBe(true);
      expect(killed.verdicts.every((v) => v.degraded === mode || v.degraded === undefined)).toBe(true);
      if (mode === 'closed') expect(killed.verdicts.filter((v) => v.degraded === 'closed').every((v) => !v.allowed)).toBe(true);
      else expect(killed.verdicts.filter((v) => v.degraded === 'open').every((v) => v.allowed)).toBe(true);
      expect(killed.maxMs).toBeLessThan(TIMEOUT + SLACK);

      proxy.up();
      expect(await until(async () => (await store.consume([{ key: 'probe', algorithm: 'gcra', limit: 1e6, periodMs: 1000, burst: 1e6, cost: 1, maxDelayMs: 0 }])).degraded === undefined, 4000)).toBe(true);

      // Slower than the timeout: every call is cut at the timeout and the failure mode decides.
      proxy.delay(TIMEOUT * 4);
      const slow = await traffic(store, 3 * TIMEOUT, key);
      expect(slow.verdicts.some((v) => v.degraded === mode)).toBe(true);
      expect(slow.maxMs).toBeLessThan(TIMEOUT + SLACK);

      // Slow but within the timeout: answers come from Redis again, a little later.
      proxy.delay(20);
      expect(await until(async () => (await store.consume([{ key: 'probe', algorithm: 'gcra', limit: 1e6, periodMs: 1000, burst: 1e6, cost: 1, maxDelayMs: 0 }])).degraded === undefined, 4000)).toBe(true);
      const sluggish = await traffic(store, 200, key);
      expect(sluggish.verdicts.every((v) => v.degraded === undefined && v.allowed)).toBe(true);
      expect(sluggish.maxMs).toBeLessThan(TIMEOUT + SLACK);

      proxy.delay(0);
      expect(events[0]).toMatch(/^down:/);
      expect(events).toContain('up');
      expect(events.filter((e) => e === 'up').length).toBe(events.filter((e) => e.startsWith('down')).length);
    },
    20_000,
  );
});
