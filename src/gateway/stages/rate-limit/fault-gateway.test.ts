import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, whenReady } from '../../../core/stores/counter/redis.js';
import { startFaultProxy, type FaultProxy } from '../../../core/stores/counter/testing/fault-proxy.js';
import { dropPrefix, runPrefix } from '../../../core/stores/counter/testing/redis-helpers.js';
import { serviceAvailable } from '../../../testing/services.js';
import { startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { rateLimitModule } from './rate-limit.js';

const up = await serviceAvailable('redis', 6379);
const TIMEOUT = 200;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** The gateway in front of a Redis that dies and comes back: fail-open keeps serving, and says so once. */
describe.skipIf(!up)('rate limiting through the gateway when Redis fails', () => {
  let proxy: FaultProxy;
  let upstream: TestUpstream;
  let gw: TestGateway;
  const prefix = runPrefix('gw-fault');

  beforeAll(async () => {
    proxy = await startFaultProxy(6379);
    upstream = await startUpstream();
    gw = await startTestGateway(
      `
version: 1
log: { level: info, accessLog: false }
rateLimit:
  store: { kind: redis, url: "${proxy.url}", prefix: "${prefix}", timeoutMs: ${TIMEOUT}, onFailure: open, probeAfterMs: 100 }
upstreams:
  app: { targets: ["${upstream.url}"] }
routes:
  - id: all
    match: { path: "/**" }
    upstream: app
    rateLimit:
      policies: [{ name: per-client, limit: 1000000, per: 1m, key: [ip] }]
`,
      {},
      { modules: [rateLimitModule] },
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
    await proxy.close();
    const c = createRedisClient('redis://127.0.0.1:6379', 500);
    await whenReady(c, 2000);
    await dropPrefix(c, prefix);
    c.disconnect();
  });

  async function traffic(ms: number): Promise<{ statuses: Set<number>; maxMs: number }> {
    const statuses = new Set<number>();
    let maxMs = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await fetch(`${gw.url}/x`);
      await res.arrayBuffer();
      statuses.add(res.status);
      maxMs = Math.max(maxMs, performance.now() - t0);
      await sleep(5);
    }
    return { statuses, maxMs };
  }

  it('keeps answering 200 while Redis is down and slow, logs the outage once, and recovers', async () => {
    expect((await traffic(150)).statuses).toEqual(new Set([200]));
    proxy.down();
    const down = await traffic(400);
    expect(down.statuses).toEqual(new Set([200]));
    proxy.up();
    proxy.delay(TIMEOUT * 3);
    const slow = await traffic(600);
    expect(slow.statuses).toEqual(new Set([200]));
    // Each request waits at most one store timeout (plus the proxying itself).
    expect(slow.maxMs).toBeLessThan(TIMEOUT + 250);
    proxy.delay(0);
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && !gw.logs.some((l) => l.msg === 'rate-limit store recovered')) {
      await traffic(50);
    }
    const outages = gw.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('rate-limit store unavailable'));
    const recoveries = gw.logs.filter((l) => l.msg === 'rate-limit store recovered');
    expect(outages.length).toBeGreaterThanOrEqual(1);
    expect(recoveries.length).toBe(outages.length);
    expect(outages[0]).toMatchObject({ level: 'warn', onFailure: 'open' });
  });
});
