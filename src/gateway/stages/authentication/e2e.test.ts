import { request } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { authorizationModule } from '../authorization/authorization.js';
import { authenticationModule } from './authentication.js';

/** End to end through the real server: canonical paths, routing, both stages, the proxy. */
const SECRET = 'e2e-shared-secret-with-at-least-32-chars';
let up: TestUpstream;
let gw: TestGateway;

const yaml = (upstream: string) => `
version: 1
log: { level: debug }
upstreams:
  app:
    targets: ["${upstream}"]
auth:
  jwt:
    issuers:
      - name: demo
        issuer: https://demo.rampart.test
        audience: [demo-api]
        keys: [{ kid: demo-1, alg: HS256, secret: "${SECRET}" }]
routes:
  - id: user
    match: { path: "/users/{id}" }
    upstream: app
    authentication: { methods: [jwt] }
    authorization:
      owner: { param: id }
      methods: { DELETE: { adminOnly: true } }
  - id: public
    match: { path: "/public" }
    upstream: app
`;

const token = (sub: string, roles: string[] = []) =>
  new SignJWT({ sub, roles, scope: 'read' }).setProtectedHeader({ alg: 'HS256', kid: 'demo-1' }).setIssuer('https://demo.rampart.test').setAudience('demo-api').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

/** Raw request: fetch would normalise the path and refuse some headers. */
function send(method: string, path: string, headers: Record<string, string | string[]>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(yaml(up.url), {}, { modules: [authenticationModule, authorizationModule] });
});
afterAll(async () => {
  await gw?.close();
  await up?.close();
});

describe('auth end to end', () => {
  it('proxies the owner with identity headers, dropping spoofed copies and override headers', async () => {
    const t = await token('alice');
    const res = await send('GET', '/users/alice', { authorization: `Bearer ${t}`, 'x-rampart-subject': 'root', x_rampart_subject: 'root', 'x-http-method-override': 'DELETE' });
    expect(res.status).toBe(200);
    const h = up.seen.at(-1)?.headers ?? {};
    expect(h['x-rampart-subject']).toBe('alice');
    expect(h.x_rampart_subject).toBeUndefined();
    expect(h['x-http-method-override']).toBeUndefined();
  });

  it('answers 401 with a challenge without a token, and 403 for another user through path tricks', async () => {
    expect(await send('GET', '/users/alice', {})).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="rampart"' } });
    const t = await token('alice');
    for (const path of ['/users/bob', '/USERS/bob', '/users/%62ob', '/users/alice/../bob', '/users//bob', '/public/../users/bob']) {
      const res = await send('GET', path, { authorization: `Bearer ${t}` });
      expect([403, 400, 404], path).toContain(res.status);
      expect(res.status, path).not.toBe(200);
    }
  });

  it('keeps DELETE for admins, and spoofed identity headers away on unauthenticated routes', async () => {
    expect((await send('DELETE', '/users/alice', { authorization: `Bearer ${await token('alice')}` })).status).toBe(403);
    expect((await send('DELETE', '/users/bob', { authorization: `Bearer ${await token('root', ['admin'])}` })).status).toBe(200);
    await send('GET', '/public', { 'X-Rampart-Subject': 'root', 'x.rampart.consumer': 'root' });
    const h = up.seen.at(-1)?.headers ?? {};
    expect(h['x-rampart-subject']).toBeUndefined();
    expect(h['x.rampart.consumer']).toBeUndefined();
  });

  it('refuses duplicate Authorization headers', async () => {
    const t = await token('alice');
    expect((await send('GET', '/users/alice', { authorization: [`Bearer ${t}`, 'Bearer x'] })).status).toBe(400);
  });
});
