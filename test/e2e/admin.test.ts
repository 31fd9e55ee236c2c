import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleConfig, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../src/testing/gateway.js';

let up: TestUpstream;
let gw: TestGateway;
beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(simpleConfig(up.url));
});
afterAll(async () => {
  await gw.close();
  await up.close();
});

describe('admin listener', () => {
  it('serves Prometheus metrics counting calls by route, status class, decision and stage', async () => {
    await fetch(`${gw.url}/x`);
    await fetch(`${gw.url}/a%2fb`);
    // A call is counted once its response has been written, just after the client has it.
    let text = '';
    for (let i = 0; i < 50 && !text.includes('stage="hardening"'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      text = await (await fetch(`${gw.adminUrl()}/metrics`)).text();
    }
    expect(text).toMatch(/rampart_requests_total\{route="all",method="GET",status="2xx",decision="allow",stage="proxy"\} 1/);
    expect(text).toMatch(/rampart_requests_total\{route="",method="GET",status="4xx",decision="reject",stage="hardening"\} 1/);
    expect(text).toContain('rampart_request_duration_seconds_bucket');
    expect(text).toContain('rampart_upstream_target_healthy');
  });

  it('/healthz, /readyz with upstream health; other paths and methods are problems', async () => {
    expect((await fetch(`${gw.adminUrl()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.adminUrl()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', upstreams: { app: [{ healthy: true }] } });
    expect((await fetch(`${gw.adminUrl()}/nope`)).status).toBe(404);
    expect((await fetch(`${gw.adminUrl()}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
