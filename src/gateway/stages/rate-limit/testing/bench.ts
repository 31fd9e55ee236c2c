/**
 * Cost per rate-limit decision: `node --import tsx src/gateway/stages/rate-limit/testing/bench.ts`.
 * A few seconds in total: memory store alone, the whole stage (key building, headers) on the memory store,
 * and the Redis store (one EVALSHA per decision) sequentially and with 32 decisions in flight.
 */
import { createMemoryCounterStore, createRedisClient, createRedisCounterStore, type LimitCheck } from '../../../../core/stores/counter/index.js';
import { waitReady } from '../../../../core/stores/counter/testing/redis-helpers.js';
import { request, stageFor, testEnv } from './harness.js';

const check = (i: number): LimitCheck => ({ key: `bench:${i % 10_000}`, algorithm: 'gcra', limit: 1000, periodMs: 1000, burst: 1000, cost: 1, maxDelayMs: 0 });

function time(label: string, n: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(7)} ns/decision`);
}

const mem = createMemoryCounterStore();
time('memory store, 1 policy (gcra)', 300_000, (i) => void mem.consume([check(i)]));
time('memory store, 2 policies (gcra + fixed-window)', 300_000, (i) => void mem.consume([check(i), { ...check(i), key: `d:${i % 10_000}`, algorithm: 'fixed-window', periodMs: 86_400_000 }]));

const env = testEnv();
const stage = await stageFor(env, { policies: [{ name: 'per-client', algorithm: 'gcra', limit: 1_000_000, per: '1s', key: ['ip'], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true }] });
const ctxs = Array.from({ length: 1000 }, (_, i) => request({ clientIp: `10.0.${i >> 8}.${i & 255}` }));
time('stage onRequest (memory, key [ip], headers)', 200_000, (i) => void stage.onRequest?.(ctxs[i % 1000] ?? request()));
const v6 = Array.from({ length: 1000 }, (_, i) => request({ clientIp: `2001:db8:${i.toString(16)}::${i.toString(16)}` }));
time('stage onRequest (memory, IPv6 /64 key)', 200_000, (i) => void stage.onRequest?.(v6[i % 1000] ?? request()));
await env.dispose();

const client = createRedisClient('redis://127.0.0.1:6379', 1000);
try {
  await waitReady(client, 1000);
  const redis = createRedisCounterStore({ client, prefix: `rampart-bench:${process.pid}:`, timeoutMs: 1000 });
  await redis.consume([check(0)]);
  const n = 3000;
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await redis.consume([check(i)]);
  const seqUs = Number(process.hrtime.bigint() - t0) / n / 1000;
  console.log(`${'redis store, sequential (round trip)'.padEnd(44)} ${seqUs.toFixed(0).padStart(7)} us/decision`);
  t0 = process.hrtime.bigint();
  let next = 0;
  const m = 20_000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < m) await redis.consume([check(next++)]);
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${'redis store, 32 in flight'.padEnd(44)} ${Math.round(m / s).toString().padStart(7)} decisions/s`);
  const keys = await client.keys(`rampart-bench:${process.pid}:*`);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
} catch (err) {
  console.log(`redis: skipped (${err instanceof Error ? err.message : String(err)})`);
} finally {
  client.disconnect();
}
