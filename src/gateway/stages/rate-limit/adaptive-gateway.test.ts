import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { authenticationModule } from '../authentication/authentication.js';
import { rateLimitModule } from './rate-limit.js';

/**
 * The adaptive limiter learns in onLog, which the runner calls for the rate-limit stage even when the
 * authentication stage (earlier in the pipeline) rejected: end to end with the real authentication stage.
 * Clients are told apart by X-Forwarded-For from a trusted loopback proxy.
 */
const SECRET = 'adaptive-e2e-secret-with-at-least-32-chars';
const yaml = (upstream: string) => `
version: 1
log: { level: info }
listen: { trustedProxies: ["127.0.0.1"] }
rateLimit:
  adaptive: { mode: enforce }
auth:
  bruteForce: { enabled: false }
  jwt:
    issuers:
      - name: demo
        issuer: https://demo.rampart.test
        keys: [{ kid: k1, alg: HS256, secret: "${SECRET}" }]
upstreams:
  app: { targets: ["${upstream}"] }
routes:
  - id: login
    match: { path: /login }
    upstream: app
    authentication: { methods: [jwt] }
  - id: data
    match: { path: /data }
    upstream: app
    rateLimit:
      policies: [{ name: per-client, limit: 20, per: 1m, key: [ip] }]
`;

describe('adaptive limits through the gateway', () => {
  let up: TestUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    up = await startUpstream();
    gw = await startTestGateway(yaml(up.url), {}, { modules: [authenticationModule, rateLimitModule] });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const get = async (path: string, client: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gw.url}${path}`, { headers: { 'x-forwarded-for': client, ...headers } });
    await res.arrayBuffer();
    return res.status;
  };

  it('tightens the limits of a client that keeps failing authentication, not those of a well-behaved one', async () => {
    const bad = '198.51.100.66';
    const good = '198.51.100.7';
    for (let i = 0; i < 12; i++) expect(await get('/login', bad, { authorization: 'Bearer not-a-token' })).toBe(401);
    let badOk = 0;
    let goodOk = 0;
    for (let i = 0; i < 30; i++) {
      if ((await get('/data', bad)) === 200) badOk++;
      if ((await get('/data', good)) === 200) goodOk++;
    }
    expect(goodOk).toBe(20);
    // Twelve failures: two halvings (20 -> 5).
    expect(badOk).toBe(5);
    const changes = gw.logs.filter((l) => typeof l.adaptive === 'object' && l.adaptive !== null);
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes.every((l) => JSON.stringify(l.adaptive).includes(`"client":"${bad}"`))).toBe(true);
  });
});
