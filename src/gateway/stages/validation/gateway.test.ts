import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, simpleConfig, startTestGateway, startUpstream, statusesOf, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { responseProtectionModule } from '../response-protection/response-protection.js';
import { DEMO_OPENAPI } from './test-config.js';
import { validationModule } from './validation.js';

/** Through the real runner: what is validated is exactly what the upstream receives, and refusals are 4xx. */

const leakyUser = { id: 1, username: 'alice', email: null, name: 'Alice', role: 'user', created_at: '2026-01-01T00:00:00.000Z', password_hash: 'scrypt$abc' };

describe('validation and response protection through the gateway', () => {
  let up: TestUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    up = await startUpstream((req, res, body) => {
      if (req.url === '/users/2') {
        res.writeHead(500, { 'content-type': 'text/plain', 'x-powered-by': 'Express' });
        res.end('Error: SQLITE_ERROR: no such column: passwd\n    at Statement.get (/srv/app/db.js:10:5)');
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', server: 'demo/1.0' });
      res.end(req.method === 'POST' ? JSON.stringify({ ...leakyUser, ...JSON.parse(body.toString() || '{}'), password: undefined }) : JSON.stringify(leakyUser));
    });
    const route = `
    maxBodyBytes: 65536
    validation:
      openapi: ${JSON.stringify(DEMO_OPENAPI)}
      unknownProperties: strip
      sanitise: { trim: true }
      responses: { stripUndeclared: true, sensitive: redact }
    responseProtection:
      errorBodies: scan`;
    gw = await startTestGateway(simpleConfig(up.url, route), {}, { modules: [validationModule, responseProtectionModule] });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const post = (path: string, body: string, type = 'application/json') => fetch(gw.url + path, { method: 'POST', headers: { 'content-type': type }, body });

  it('forwards the stripped, sanitised body with a correct Content-Length, and filters the response', async () => {
    const before = up.seen.length;
    const r = await post('/users', JSON.stringify({ username: 'carol', password: 'carol-password', name: '  Carol ', role: 'admin' }));
    expect(r.status).toBe(201);
    const seen = up.seen[before];
    expect(JSON.parse(seen?.body.toString() ?? '')).toEqual({ username: 'carol', password: 'carol-password', name: 'Carol' });
    expect(seen?.headers['content-length']).toBe(String(seen?.body.length));
    expect(seen?.headers['accept-encoding']).toBe('identity');
    const body: unknown = await r.json();
    expect(body).toEqual({ id: 1, username: 'carol', email: null, name: 'Carol', role: 'user', created_at: '2026-01-01T00:00:00.000Z' });
    expect(r.headers.get('server')).toBeNull();
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses bad requests with problem+json and never reaches the upstream', async () => {
    const before = up.seen.length;
    const cases: [Promise<Response>, number, string][] = [
      [post('/users', JSON.stringify({ username: 'carol' }), 'text/plain'), 415, 'unsupported-media-type'],
      [post('/users', '{"username":"carol","password":"12345678","password":"x"}'), 400, 'invalid-request'],
      [post('/users', '{"n":1e400}'), 400, 'invalid-request'],
      [post('/users', '['.repeat(30_000) + ']'.repeat(30_000)), 400, 'invalid-request'],
      [fetch(gw.url + '/users?limit=1&limit=2'), 400, 'invalid-request'],
      [fetch(gw.url + '/internal/debug'), 404, 'not-found'],
    ];
    for (const [pending, status, code] of cases) {
      const r = await pending;
      expect(r.status, code).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      const p: unknown = await r.json();
      expect(p).toMatchObject({ type: `urn:rampart:problem:${code}` });
    }
    expect(up.seen.length).toBe(before);
  });

  it('refuses two Content-Type headers', async () => {
    const body = '{"username":"carol","password":"carol-password"}';
    const raw = `POST /users HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const { text } = await rawExchange(gw.port, raw);
    expect(statusesOf(text)[0]).toBeGreaterThanOrEqual(400);
    expect(statusesOf(text)[0]).toBeLessThan(500);
  });

  it('replaces an upstream error that leaks SQL and a stack trace, keeping the request id', async () => {
    const r = await fetch(gw.url + '/users/2');
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(text).not.toContain('SQLITE');
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:rampart:problem:internal-error', requestId: r.headers.get('x-request-id') });
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });
});
