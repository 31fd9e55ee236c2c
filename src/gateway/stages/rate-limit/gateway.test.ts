import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleConfig, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { rateLimitModule } from './rate-limit.js';

/** The stage in the real runtime: HTTP in, problem+json and headers out. */
describe('rate limiting through the gateway', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startUpstream();
    const route = `    rateLimit:
      policies:
        - { name: per-client, limit: 3, per: 1m, key: [ip] }`;
    gw = await startTestGateway(simpleConfig(upstream.url, route), {}, { modules: [rateLimitModule] });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('limits a client, answers 429 problem+json with Retry-After and RateLimit headers, and rotating X-Forwarded-For does not escape', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      // No trusted proxies are configured, so X-Forwarded-For is the client's own claim: it must not mint buckets.
      last = await fetch(`${gw.url}/anything`, { headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-policy')).toBe('"per-client";q=3;w=60');
        expect(last.headers.get('ratelimit')).toMatch(/^"per-client";r=2;t=\d+$/);
      }
      await last.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const res = await fetch(`${gw.url}/anything`);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('ratelimit')).toBe('"per-client";r=0;t=60');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'urn:rampart:problem:too-many-requests', status: 429, policy: 'per-client' });
    expect(upstream.seen.length).toBe(3);
  });
});
