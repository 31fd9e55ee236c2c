import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type DemoApi } from '../../src/demo/users-api.js';
import { startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../src/testing/gateway.js';

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

describe('examples/demo.yaml in front of the demo API', () => {
  let api: DemoApi;
  let gw: TestGateway;
  beforeAll(async () => {
    api = await startDemoApi({ port: 0 });
    gw = await startTestGateway(example('demo.yaml'), { DEMO_API_URL: api.url }, { configFile: new URL('../../examples/demo.yaml', import.meta.url).pathname });
  });
  afterAll(async () => {
    await gw?.close();
    await api?.close();
  });

  it('serves the API through the gateway and refuses path tricks', async () => {
    const list = await fetch(`${gw.url}/users?limit=2`);
    expect(list.status).toBeLessThan(500);
    expect(list.headers.get('x-request-id')).toBeTruthy();
    const trick = await fetch(`${gw.url}/users/1/..%2f..%2fadmin`);
    expect(trick.status).toBe(400);
    expect(trick.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${gw.url}/nothing-here`)).status).toBe(404);
  });
});

describe('examples/minimal.yaml', () => {
  let up: TestUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    up = await startUpstream((req, res) => res.end(`${req.method} ${req.url}`));
    gw = await startTestGateway(example('minimal.yaml'), { UPSTREAM_URL: up.url });
  });
  afterAll(async () => {
    await gw?.close();
    await up?.close();
  });
  it('proxies everything to ${UPSTREAM_URL}', async () => {
    expect(await (await fetch(`${gw.url}/any/path?q=1`)).text()).toBe('GET /any/path?q=1');
  });
});
