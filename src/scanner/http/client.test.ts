import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExhausted, ScanClient } from './client.js';

describe('ScanClient', () => {
  let server: Server;
  let url: string;
  let seen: Array<{ url: string; auth?: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.headers.authorization === 'Bearer old') {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('stays on the target origin under its path, with the query appended', async () => {
    const c = new ScanClient({ target: url, rate: 1000, maxRequests: 10, deadline: Date.now() + 10_000 });
    expect(c.url({ path: '/a b', query: { q: "'x", r: ['1', '2'] } }).toString()).toBe(`${url}/a%20b?q=%27x&r=1&r=2`);
    expect(() => c.url({ path: '//evil.example/x' })).not.toThrow();
    expect(c.url({ path: '//evil.example/x' }).origin).toBe(new URL(url).origin);
    await c.close();
  });

  it('stops at the request budget', async () => {
    const c = new ScanClient({ target: url, rate: 1000, maxRequests: 2, deadline: Date.now() + 10_000 });
    await c.send({ method: 'GET', path: '/1' });
    await c.send({ method: 'GET', path: '/2' });
    await expect(c.send({ method: 'GET', path: '/3' })).rejects.toBeInstanceOf(BudgetExhausted);
    expect(c.requestCount).toBe(2);
    await c.close();
  });

  it('paces requests to the rate', async () => {
    const c = new ScanClient({ target: url, rate: 20, maxRequests: 10, deadline: Date.now() + 10_000 });
    const t = performance.now();
    for (let i = 0; i < 5; i++) await c.send({ method: 'GET', path: '/p' });
    expect(performance.now() - t).toBeGreaterThanOrEqual(190); // 4 gaps of 50 ms
    await c.close();
  });

  it('caps kept bodies, reports transport errors as status 0, and logs in again after a 401', async () => {
    const c = new ScanClient({ target: url, rate: 1000, maxRequests: 10, deadline: Date.now() + 10_000, maxBodyBytes: 10 });
    let token = 'old';
    c.setCredentials({ headersFor: async () => ({ authorization: `Bearer ${token}` }), refresh: async () => ((token = 'new'), true) });
    seen = [];
    const ex = await c.send({ method: 'GET', path: '/me', identity: 'alice' });
    expect(ex.response.status).toBe(200);
    expect(ex.response.body).toHaveLength(10);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer old', 'Bearer new']);
    expect(ex.request.headers.authorization).toBe('<credentials of alice>');
    await c.close();
    const dead = new ScanClient({ target: 'http://127.0.0.1:1', rate: 1000, maxRequests: 1, deadline: Date.now() + 10_000 });
    expect((await dead.send({ method: 'GET', path: '/' })).response.status).toBe(0);
    await dead.close();
  });
});
