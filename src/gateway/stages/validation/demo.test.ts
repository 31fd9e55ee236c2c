import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi } from '../../../demo/users-api.js';
import { startTestGateway, type TestGateway } from '../../../testing/gateway.js';
import { responseProtectionModule } from '../response-protection/response-protection.js';
import { DEMO_OPENAPI } from './test-config.js';
import { validationModule } from './validation.js';

/**
 * The demo users API (deliberately naive: accepts any field, returns password_hash, answers errors with stack
 * traces) behind the gateway as examples/demo.yaml configures it: its own contract closes each hole.
 */
describe('the demo API behind validation and response protection', () => {
  let api: { url: string; close(): Promise<void> };
  let gw: TestGateway;
  let token = '';
  const config = (apiUrl: string, mode: string) => `
version: 1
log: { level: debug }
upstreams:
  users-api:
    targets: ["${apiUrl}"]
routes:
  - id: all
    match: { path: "/**" }
    upstream: users-api
    maxBodyBytes: 65536
    validation:
      openapi: ${JSON.stringify(DEMO_OPENAPI)}
      mode: ${mode}
      responses: { validate: true, stripUndeclared: true, sensitive: redact, exposeSensitive: [login] }
    responseProtection:
      sensitiveFields: [password, password_hash]
`;
  beforeAll(async () => {
    api = await startDemoApi({ port: 0, dbFile: ':memory:' });
    gw = await startTestGateway(config(api.url, 'strict'), {}, { modules: [validationModule, responseProtectionModule] });
    const login = await fetch(gw.url + '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }) });
    const body: unknown = await login.json();
    token = typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token : '';
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });
  const get = (path: string) => fetch(gw.url + path, { headers: { authorization: `Bearer ${token}` } });

  it('lets the login token through (exposeSensitive) and strips password_hash from users', async () => {
    expect(token).not.toBe('');
    const direct = await (await fetch(`${api.url}/users/1`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(direct).toHaveProperty('password_hash');
    const r = await get('/users/1');
    expect(r.status).toBe(200);
    const user: unknown = await r.json();
    expect(user).toMatchObject({ id: 1, username: 'alice' });
    expect(user).not.toHaveProperty('password_hash');
    const page: unknown = await (await get('/users?limit=5')).json();
    expect(JSON.stringify(page)).not.toContain('password_hash');
  });

  it('closes mass assignment and shadow endpoints', async () => {
    const r = await fetch(gw.url + '/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ username: 'mallory', password: 'mallory-password', role: 'admin' }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ errors: [{ in: 'body', pointer: '/role', keyword: 'additionalProperties' }] });
    expect((await get('/admin')).status).toBe(404);
  });

  it('in learning mode, a verbose upstream 500 (stack trace) is still replaced by a problem', async () => {
    const learning = await startTestGateway(config(api.url, 'learning'), {}, { modules: [validationModule, responseProtectionModule] });
    try {
      const r = await fetch(learning.url + '/users', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '[1]' });
      expect(r.status).toBe(500);
      const text = await r.text();
      expect(text).not.toContain('stack');
      expect(JSON.parse(text)).toMatchObject({ type: 'urn:rampart:problem:internal-error', requestId: r.headers.get('x-request-id') });
    } finally {
      await learning.close();
    }
  });
});
