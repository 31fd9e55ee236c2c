import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
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

describe('examples/bench.yaml (the ../shared/bench target)', () => {
  let up: TestUpstream;
  let gw: TestGateway;
  const secret = 'bench-test-secret-0123456789abcdef-xyz';
  beforeAll(async () => {
    up = await startUpstream((req, res, body) => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? body : '{"users":[]}');
    });
    const file = new URL('../../examples/bench.yaml', import.meta.url).pathname;
    gw = await startTestGateway(example('bench.yaml'), { UPSTREAM_URL: up.url, JWT_SECRET: secret, RAMPART_ACCESS_LOG: 'stdout' }, { configFile: file });
  });
  afterAll(async () => {
    await gw?.close();
    await up?.close();
  });
  it('verifies the JWT, validates GET and POST /users, limits, detects attacks', async () => {
    const token = await new SignJWT({ sub: 'bench-user-42', scope: 'users:read users:write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('proxy-bench')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const auth = { authorization: `Bearer ${token}` };
    const list = await fetch(`${gw.url}/users?limit=10&offset=0`, { headers: auth });
    expect(list.status).toBe(200);
    expect(list.headers.get('ratelimit')).toBeTruthy();
    expect((await fetch(`${gw.url}/users?limit=10&offset=0`)).status).toBe(401);
    const payload = readFileSync(new URL('../fixtures/bench-user.json', import.meta.url));
    const created = await fetch(`${gw.url}/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: payload });
    expect(created.status).toBe(201);
    const bad = await fetch(`${gw.url}/users?limit=1000`, { headers: auth });
    expect(bad.status).toBe(400);
    const attack = await fetch(`${gw.url}/users?limit=10&offset=0&q=${encodeURIComponent("' union select password from users--")}`, { headers: auth });
    expect([400, 403]).toContain(attack.status);
  });
});
