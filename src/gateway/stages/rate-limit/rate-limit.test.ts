import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRedisClient, whenReady } from '../../../core/stores/counter/redis.js';
import { dropPrefix } from '../../../core/stores/counter/testing/redis-helpers.js';
import { serviceAvailable } from '../../../testing/services.js';
import type { Decision, Principal } from '../../pipeline/types.js';
import { buildRateLimit } from './rate-limit.js';
import { configWith, decide, logRecord, request, response, stageFor, testEnv, type TestEnv } from './testing/harness.js';

const redisUp = await serviceAvailable('redis', 6379);

let env: TestEnv;
beforeEach(() => {
  env = testEnv();
});
afterEach(async () => {
  await env.dispose();
});

const principal = (subject: string, consumer?: string, claims?: Record<string, unknown>): Principal => ({
  subject,
  consumer,
  groups: [],
  scopes: [],
  roles: [],
  method: 'api-key',
  claims,
});

function rejected(d: Decision) {
  if (d.kind !== 'reject') throw new Error(`expected a rejection, got ${d.kind}`);
  return d.problem;
}

describe('rate-limit stage', () => {
  it('answers 429 with Retry-After and the IETF headers once the limit is spent', async () => {
    const stage = await stageFor(env, { policies: [{ name: 'per-client', algorithm: 'gcra', limit: 2, per: '1s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    const first = request();
    expect((await decide(stage, first)).kind).toBe('continue');
    const res = response();
    await stage.onResponse?.(first, res);
    expect(res.headers['ratelimit-policy']).toBe('"per-client";q=2;w=1');
    expect(res.headers.ratelimit).toBe('"per-client";r=1;t=1');
    expect((await decide(stage, request())).kind).toBe('continue');
    const p = rejected(await decide(stage, request()));
    expect(p.code).toBe('too-many-requests');
    expect(p.headers?.['retry-after']).toBe('1');
    expect(p.headers?.ratelimit).toBe('"per-client";r=0;t=1');
    expect(p.extensions?.policy).toBe('per-client');
    env.advance(500);
    expect((await decide(stage, request())).kind).toBe('continue');
  });

  it('answers synchronously with the memory store', async () => {
    const stage = await stageFor(env, { policies: [{ algorithm: 'gcra', limit: 2, per: '1s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    expect(stage.onRequest?.(request())).not.toBeInstanceOf(Promise);
  });

  it('applies several policies; a request one denies consumes nothing from the others', async () => {
    const stage = await stageFor(env, {
      policies: [
        { name: 'second', algorithm: 'gcra', limit: 10, per: '1s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true },
        { name: 'minute', algorithm: 'fixed-window', limit: 3, per: '1m', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true },
      ],
    });
    for (let i = 0; i < 3; i++) expect((await decide(stage, request())).kind).toBe('continue');
    for (let i = 0; i < 5; i++) expect(rejected(await decide(stage, request())).extensions?.policy).toBe('minute');
    const ok = request();
    env.advance(60_000);
    await decide(stage, ok);
    const res = response();
    await stage.onResponse?.(ok, res);
    // 10/s was touched by 4 accepted requests only (the 5 rejections took nothing) and has refilled since.
    const m = /^"second";r=9;t=1, "minute";r=2;t=(\d+)$/.exec(String(res.headers.ratelimit));
    expect(Number(m?.[1])).toBeGreaterThan(0);
    expect(Number(m?.[1])).toBeLessThanOrEqual(60);
    expect(res.headers['ratelimit-policy']).toBe('"second";q=10;w=1, "minute";q=3;w=60');
  });

  it('keys by consumer, falling back to the client IP for anonymous callers', async () => {
    const stage = await stageFor(env, { policies: [{ algorithm: 'gcra', limit: 1, per: '1m', key: ['consumer'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    const sameIp = { clientIp: '198.51.100.1' };
    expect((await decide(stage, request({ ...sameIp, facts: { principal: principal('alice', 'app-a') } }))).kind).toBe('continue');
    expect((await decide(stage, request({ ...sameIp, facts: { principal: principal('bob', 'app-b') } }))).kind).toBe('continue');
    expect((await decide(stage, request({ ...sameIp, facts: { principal: principal('carol', 'app-a') } }))).kind).toBe('reject');
    expect((await decide(stage, request(sameIp))).kind).toBe('continue');
    expect((await decide(stage, request(sameIp))).kind).toBe('reject');
  });

  it('keys by header, claim and method', async () => {
    const stage = await stageFor(env, {
      policies: [{ algorithm: 'gcra', limit: 1, per: '1m', key: [{ header: 'X-Tenant' }, { claim: 'org' }, 'method'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }],
    });
    const t1 = { headers: { 'x-tenant': 't1' }, facts: { principal: principal('a', undefined, { org: 'o1' }) } };
    expect((await decide(stage, request(t1))).kind).toBe('continue');
    expect((await decide(stage, request({ ...t1, clientIp: '192.0.2.99' }))).kind).toBe('reject');
    expect((await decide(stage, request({ ...t1, method: 'POST' }))).kind).toBe('continue');
    expect((await decide(stage, request({ ...t1, headers: { 'x-tenant': 't2' } }))).kind).toBe('continue');
  });

  it('does not let a client escape its limit by rotating addresses inside its IPv6 /64', async () => {
    const stage = await stageFor(env, { policies: [{ algorithm: 'gcra', limit: 5, per: '1m', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    let accepted = 0;
    for (let i = 0; i < 50; i++) {
      const ip = `2001:db8:aa:bb:${((i * 7919) & 0xffff).toString(16)}:${i.toString(16)}::${(i + 1).toString(16)}`;
      if ((await decide(stage, request({ clientIp: ip }))).kind === 'continue') accepted++;
    }
    expect(accepted).toBe(5);
    expect((await decide(stage, request({ clientIp: '2001:db8:aa:bc::1' }))).kind).toBe('continue');
  });

  it('counts a monthly quota per consumer in calendar months', async () => {
    const stage = await stageFor(env, { policies: [{ name: 'monthly', algorithm: 'fixed-window', limit: 2, per: 'month', key: ['consumer'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: false }] });
    env.advance(Date.UTC(2027, 2, 31, 12) - env.now());
    const who = { facts: { principal: principal('svc', 'acme') } };
    expect((await decide(stage, request(who))).kind).toBe('continue');
    expect((await decide(stage, request(who))).kind).toBe('continue');
    const p = rejected(await decide(stage, request(who)));
    expect(p.headers?.['retry-after']).toBe(String(12 * 3600));
    expect(p.headers?.['ratelimit-policy']).toBe('"monthly";q=2;w=2592000');
    env.advance(12 * 3600 * 1000);
    expect((await decide(stage, request(who))).kind).toBe('continue');
  });

  it('sends the legacy X-RateLimit headers when asked', async () => {
    const stage = await stageFor(env, { headers: 'legacy', policies: [{ algorithm: 'fixed-window', limit: 5, per: '10s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    const ctx = request();
    await decide(stage, ctx);
    const res = response();
    await stage.onResponse?.(ctx, res);
    expect(res.headers).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4' });
    expect(res.headers.ratelimit).toBeUndefined();
  });

  it('refuses throttling on a window algorithm when built', async () => {
    const { config, route } = configWith({ policies: [{ algorithm: 'fixed-window', limit: 5, per: '1s', maxDelay: '100ms', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    const build = await buildRateLimit(config, env);
    expect(() => build.forRoute(route)).toThrow(/policies\[0\]\.maxDelay: throttling needs algorithm gcra or token-bucket/);
  });

  it('refuses a policy name declared twice on a route, or with different settings on two routes', async () => {
    const p = { name: 'x', algorithm: 'gcra' as const, limit: 5, per: '1s', key: ['ip' as const], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true };
    const twice = configWith({ policies: [p, p] });
    await expect(buildRateLimit(twice.config, env)).rejects.toThrow(/routes\[0\]\.rateLimit\.policies\[1\]\.name: "x" is declared twice/);
    const a = configWith({ policies: [p] });
    const b = configWith({ policies: [{ ...p, limit: 6 }] }, undefined, 'r2');
    a.config.routes.push(b.route);
    await expect(buildRateLimit(a.config, env)).rejects.toThrow(/routes\[1\]\.rateLimit\.policies\[0\]: policy "x" differs from routes\[0\]/);
    const same = configWith({ policies: [p] });
    same.config.routes.push(configWith({ policies: [{ ...p, cost: 2 }] }, undefined, 'r3').route);
    await expect(buildRateLimit(same.config, env)).resolves.toBeDefined();
  });

  it('reports a bad top-level section with its path', async () => {
    const { config } = configWith(undefined, { store: { kind: 'redis', url: 'http://x' } });
    await expect(buildRateLimit(config, env)).rejects.toThrow(/rateLimit\.store\.url/);
  });

  it('keeps a daily quota across a restart with the sqlite store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-rl-'));
    try {
      const route = { policies: [{ name: 'daily', algorithm: 'fixed-window' as const, limit: 3, per: '1d', key: ['ip' as const], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] };
      const global = { store: { kind: 'sqlite', path: join(dir, 'counters.db') } };
      const before = await stageFor(env, route, global);
      expect((await decide(before, request())).kind).toBe('continue');
      expect((await decide(before, request())).kind).toBe('continue');
      await env.dispose(); // the gateway stops: the database is closed
      const restarted = testEnv();
      const after = await stageFor(restarted, route, global);
      expect((await decide(after, request())).kind).toBe('continue');
      expect(rejected(await decide(after, request())).code).toBe('too-many-requests');
      await restarted.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps counters and in-flight slots across a config reload', async () => {
    const route = { concurrency: 1, policies: [{ name: 'p', algorithm: 'gcra' as const, limit: 3, per: '1m', key: ['ip' as const], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] };
    const before = await stageFor(env, route);
    const inFlight = request();
    expect((await decide(before, inFlight)).kind).toBe('continue');
    const after = await stageFor(env, route); // the runner builds again on reload, with the same env
    expect(rejected(await decide(after, request())).code).toBe('service-unavailable');
    before.onLog?.(inFlight, logRecord(inFlight)); // the old build's request finishes
    for (let i = 0; i < 2; i++) {
      const ctx = request();
      expect((await decide(after, ctx)).kind).toBe('continue');
      after.onLog?.(ctx, logRecord(ctx));
    }
    expect(rejected(await decide(after, request())).code).toBe('too-many-requests');
  });

  it('gives no stage to a route that neither limits nor learns', async () => {
    const { config, route } = configWith(undefined);
    expect((await buildRateLimit(config, env)).forRoute(route)).toBeUndefined();
  });
});

describe.skipIf(!redisUp)('rate-limit stage on Redis', () => {
  it('is ready when built: the first requests are decided by Redis, not the failure policy', async () => {
    const prefix = `rampart-test:stage:${process.pid}:${Date.now().toString(36)}:`;
    const stage = await stageFor(
      env,
      { policies: [{ name: 'shared', algorithm: 'gcra', limit: 2, per: '1m', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] },
      { store: { kind: 'redis', url: 'redis://127.0.0.1:6379', prefix, onFailure: 'closed' } },
    );
    const first = request();
    expect((await decide(stage, first)).kind).toBe('continue');
    expect(first.notes.rateLimit).toBeUndefined();
    expect((await decide(stage, request())).kind).toBe('continue');
    expect(rejected(await decide(stage, request())).code).toBe('too-many-requests');
    const client = createRedisClient('redis://127.0.0.1:6379', 1000);
    await whenReady(client, 2000);
    await dropPrefix(client, prefix);
    client.disconnect();
  });
});

describe('throttling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delays excess requests up to maxDelay instead of rejecting, with a bounded queue', async () => {
    const stage = await stageFor(env, {
      maxQueue: 2,
      policies: [{ algorithm: 'gcra', limit: 10, per: '1s', burst: 1, maxDelay: '1s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }],
    });
    expect(await decide(stage, request())).toEqual({ kind: 'continue' });
    const settled: string[] = [];
    const second = Promise.resolve(stage.onRequest?.(request())).then((d) => settled.push(`2:${d?.kind}`));
    const third = Promise.resolve(stage.onRequest?.(request())).then((d) => settled.push(`3:${d?.kind}`));
    // Queue full (2 waiting): the next one is not throttled but refused.
    const fourth = request();
    const p = rejected(await decide(stage, fourth));
    expect(p.code).toBe('too-many-requests');
    expect(fourth.notes.rateLimit).toMatchObject({ retryAfterMs: 300 });
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual(['2:continue']);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([second, third]);
    expect(settled).toEqual(['2:continue', '3:continue']);
  });
});

describe('concurrency', () => {
  it('limits requests in flight on a route and frees a slot when the call is logged', async () => {
    const stage = await stageFor(env, { concurrency: 2 });
    const a = request();
    const b = request();
    expect((await decide(stage, a)).kind).toBe('continue');
    expect((await decide(stage, b)).kind).toBe('continue');
    const p = rejected(await decide(stage, request()));
    expect(p.code).toBe('service-unavailable');
    expect(p.headers?.['retry-after']).toBe('1');
    stage.onLog?.(a, logRecord(a));
    stage.onLog?.(a, logRecord(a)); // a second log of the same call frees nothing more
    expect((await decide(stage, request())).kind).toBe('continue');
    expect((await decide(stage, request())).kind).toBe('reject');
  });

  it('does not hold a slot for a request the rate limit rejected', async () => {
    const stage = await stageFor(env, { concurrency: 1, policies: [{ algorithm: 'gcra', limit: 1, per: '1m', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
    const a = request();
    expect((await decide(stage, a)).kind).toBe('continue');
    stage.onLog?.(a, logRecord(a));
    const b = request();
    expect(rejected(await decide(stage, b)).code).toBe('too-many-requests');
    stage.onLog?.(b, logRecord(b, { status: 429, decision: 'reject', stage: 'rate-limit', problem: 'too-many-requests' }));
    expect((await decide(stage, request({ clientIp: '192.0.2.1' }))).kind).toBe('continue');
  });

  it('limits an upstream across routes, sharing the count', async () => {
    const global = { upstreams: { up: { concurrency: 1 } } };
    const one = await stageFor(env, {}, global);
    const two = await stageFor(env, {}, global);
    const a = request();
    expect((await decide(one, a)).kind).toBe('continue');
    expect(rejected(await decide(two, request())).code).toBe('service-unavailable');
    one.onLog?.(a, logRecord(a));
    expect((await decide(two, request())).kind).toBe('continue');
  });
});
