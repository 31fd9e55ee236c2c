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

describe('the demo, protected: examples/demo.yaml with every stage in front of the naive API', () => {
  let api: DemoApi;
  let gw: TestGateway;
  let key = '';
  let alice = '';
  let admin = '';
  beforeAll(async () => {
    const { createDemoCredentials } = await import('../../src/gateway/stages/authentication/demo-credentials.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parseConfigText } = await import('../../src/core/config/load.js');
    api = await startDemoApi({ port: 0 });
    const file = new URL('../../examples/demo.yaml', import.meta.url).pathname;
    const env = { DEMO_API_URL: api.url, RAMPART_KEYS_DB: join(mkdtempSync(join(tmpdir(), 'rampart-demo-test-')), 'keys.db') };
    gw = await startTestGateway(example('demo.yaml'), env, { configFile: file });
    const parsed = parseConfigText(example('demo.yaml'), env);
    if (!parsed.ok) throw new Error('demo.yaml invalid');
    const dir = new URL('../../examples/', import.meta.url).pathname;
    const c1 = await createDemoCredentials(parsed.config, dir, { subject: '1' });
    const c3 = await createDemoCredentials(parsed.config, dir, { subject: '3', roles: ['admin'] });
    key = c1.apiKey;
    alice = c1.token ?? '';
    admin = c3.token ?? '';
  });
  afterAll(async () => {
    await gw?.close();
    await api?.close();
  });

  it('guards every flaw of the naive API', async () => {
    const json = { 'content-type': 'application/json' };
    expect((await fetch(`${gw.url}/users/1`)).status).toBe(401);
    const one = await fetch(`${gw.url}/users/1`, { headers: { 'x-api-key': key } });
    expect(one.status).toBe(200);
    const body = (await one.json()) as Record<string, unknown>;
    expect(body.username).toBe('alice');
    expect(body.password_hash).toBeUndefined();
    expect((await fetch(`${gw.url}/users/2`, { method: 'PUT', headers: { ...json, authorization: `Bearer ${alice}` }, body: '{"name":"x"}' })).status).toBe(403);
    expect((await fetch(`${gw.url}/users/1`, { method: 'PUT', headers: { ...json, authorization: `Bearer ${alice}` }, body: '{"role":"admin"}' })).status).toBe(400);
    expect((await fetch(`${gw.url}/users/2`, { method: 'DELETE', headers: { authorization: `Bearer ${alice}` } })).status).toBe(403);
    expect((await fetch(`${gw.url}/users/1/orders`, { headers: { authorization: `Bearer ${alice}` } })).status).toBe(200);
    expect((await fetch(`${gw.url}/users/2/orders`, { headers: { authorization: `Bearer ${alice}` } })).status).toBe(403);
    expect((await fetch(`${gw.url}/users/2/orders`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
    const sqli = await fetch(`${gw.url}/users?limit=${encodeURIComponent("1' or 1=1--")}`, { headers: { 'x-api-key': key } });
    expect([400, 403]).toContain(sqli.status);
    const login = await fetch(`${gw.url}/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'bob', password: 'bob-password' }) });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token?: string }).token).toMatch(/^ey/);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(`${gw.url}/users/1`, { headers: { 'x-api-key': key } })).status);
    expect(statuses).toContain(429);
  });
});
