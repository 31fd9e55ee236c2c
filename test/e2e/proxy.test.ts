import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange, simpleConfig, startTestGateway, startUpstream, statusesOf, type TestGateway, type TestUpstream } from '../../src/testing/gateway.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
async function upstream(...args: Parameters<typeof startUpstream>): Promise<TestUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}
async function gateway(yaml: string, ...rest: Parameters<typeof startTestGateway> extends [string, ...infer R] ? R : never): Promise<TestGateway> {
  const g = await startTestGateway(yaml, ...rest);
  cleanups.push(() => g.close());
  return g;
}
/** A TCP port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('proxying', () => {
  it('forwards method, canonical path and query; answers with the upstream status, headers and body', async () => {
    const up = await upstream((req, res) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'x-up': 'yes' });
      res.end(`${req.method} ${req.url}`);
    });
    const gw = await gateway(simpleConfig(up.url));
    const res = await fetch(`${gw.url}/a//b/./c/../d?x=1&y=%20`, { method: 'PUT', body: 'hi' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-up')).toBe('yes');
    expect(await res.text()).toBe('PUT /a/b/d?x=1&y=%20');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('removes hop-by-hop headers, including those named in Connection', async () => {
    const up = await upstream();
    const gw = await gateway(simpleConfig(up.url));
    await new Promise<void>((ok, fail) => {
      const req = request(`${gw.url}/h`, { headers: { Connection: 'keep-alive, X-Secret-Hop', 'X-Secret-Hop': '1', 'Keep-Alive': 'timeout=5', TE: 'trailers', Upgrade: 'h2c', 'Proxy-Authorization': 'Basic eA==', 'X-Kept': 'yes' } }, (res) => {
        res.resume();
        res.on('end', ok);
      });
      req.on('error', fail);
      req.end();
    });
    const h = up.seen.at(-1)?.headers ?? {};
    for (const name of ['x-secret-hop', 'keep-alive', 'te', 'upgrade', 'proxy-authorization']) expect(h[name], name).toBeUndefined();
    expect(h['x-kept']).toBe('yes');
  });

  it('sets X-Forwarded-* and drops client-sent copies (any spelling) from untrusted peers', async () => {
    const up = await upstream();
    const gw = await gateway(simpleConfig(up.url));
    await fetch(`${gw.url}/x`, { headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Host': 'evil', 'X-Forwarded-Proto': 'https', Forwarded: 'for=6.6.6.6', 'X-Real-IP': '6.6.6.6', X_Forwarded_For: '7.7.7.7', 'X-Request-Id': 'client-chosen' } });
    const h = up.seen.at(-1)?.headers ?? {};
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(h['x-real-ip']).toBe('127.0.0.1');
    expect(h.forwarded).toBeUndefined();
    expect(h.x_forwarded_for).toBeUndefined();
    expect(h['x-request-id']).not.toBe('client-chosen');
  });

  it('extends the chain and keeps the request id from a trusted proxy', async () => {
    const up = await upstream();
    const gw = await gateway(simpleConfig(up.url, '', 'listen: { trustedProxies: ["127.0.0.1/32"] }'));
    const res = await fetch(`${gw.url}/x`, { headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Request-Id': 'edge-123' } });
    const h = up.seen.at(-1)?.headers ?? {};
    expect(h['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-real-ip']).toBe('203.0.113.9');
    expect(res.headers.get('x-request-id')).toBe('edge-123');
    expect(gw.accessLogs().at(-1)?.clientIp).toBe('203.0.113.9');
  });

  it('streams large bodies both ways without corruption', async () => {
    const size = 24 * 1024 * 1024;
    const up = await upstream(
      (_req, res, body) => {
        const digest = createHash('sha256').update(body).digest('hex');
        res.writeHead(200, { 'x-digest': digest, 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      },
    );
    const gw = await gateway(simpleConfig(up.url, '    maxBodyBytes: 33554432'));
    const payload = Buffer.alloc(size, 3);
    const res = await fetch(`${gw.url}/upload`, { method: 'POST', body: payload });
    expect(res.headers.get('x-digest')).toBe(createHash('sha256').update(payload).digest('hex'));
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.length).toBe(size);
    expect(got.every((b) => b === 7)).toBe(true);
  });

  it('413 for a declared or a streamed body over the route limit', async () => {
    const up = await upstream();
    const gw = await gateway(simpleConfig(up.url, '    maxBodyBytes: 1000'));
    const declared = await fetch(`${gw.url}/x`, { method: 'POST', body: 'a'.repeat(2000) });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('content-type')).toBe('application/problem+json');
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('a'.repeat(600)));
        c.enqueue(new TextEncoder().encode('b'.repeat(600)));
        c.close();
      },
    });
    const chunked = await fetch(`${gw.url}/x`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});

describe('upstream failures', () => {
  it('upstream down: 502 problem with the request id', async () => {
    const gw = await gateway(simpleConfig(`http://127.0.0.1:${await deadPort()}`));
    const res = await fetch(`${gw.url}/x`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { requestId: string; type: string };
    expect(body.type).toBe('urn:rampart:problem:bad-gateway');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(gw.accessLogs().at(-1)).toMatchObject({ status: 502, decision: 'error', stage: 'proxy' });
  });

  it('slow upstream: 504 after the response timeout', async () => {
    const up = await upstream((_req, res) => setTimeout(() => res.end('late'), 1500));
    const gw = await gateway(
      `
version: 1
upstreams:
  app: { targets: ["${up.url}"], responseTimeoutMs: 200 }
routes:
  - { id: all, match: { path: "/**" }, upstream: app }
`,
    );
    const t0 = Date.now();
    const res = await fetch(`${gw.url}/slow`);
    expect(res.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(1200);
  });

  it('retries an idempotent request on another target when the connection is refused, never a POST', async () => {
    const up = await upstream();
    const dead = await deadPort();
    const gw = await gateway(`
version: 1
upstreams:
  app: { targets: ["http://127.0.0.1:${dead}", "${up.url}"], retries: 1, passiveHealth: { failures: 100 } }
routes:
  - { id: all, match: { path: "/**" }, upstream: app }
`);
    const gets = await Promise.all([1, 2, 3, 4].map(() => fetch(`${gw.url}/g`).then((r) => r.status)));
    expect(gets).toEqual([200, 200, 200, 200]);
    const posts = [];
    for (let i = 0; i < 4; i++) posts.push((await fetch(`${gw.url}/p`, { method: 'POST', body: 'x' })).status);
    expect(posts.filter((s) => s === 502).length).toBe(2); // round robin: half of them hit the dead target
    expect(up.seen.filter((r) => r.method === 'POST').length).toBe(2);
  });

  it('passive health ejects a failing target for a while', async () => {
    const up = await upstream();
    const dead = await deadPort();
    const gw = await gateway(`
version: 1
upstreams:
  app: { targets: ["http://127.0.0.1:${dead}", "${up.url}"], retries: 0, passiveHealth: { failures: 2, ejectMs: 60000 } }
routes:
  - { id: all, match: { path: "/**" }, upstream: app }
`);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${gw.url}/x`)).status);
    expect(statuses.filter((s) => s === 502).length).toBe(2);
    expect(statuses.slice(-6).every((s) => s === 200)).toBe(true);
    const health = gw.gateway.current().routes[0]?.upstream.health();
    expect(health?.find((h) => h.target.endsWith(`:${dead}`))?.healthy).toBe(false);
    expect(gw.logs.some((l) => l.msg === 'upstream target ejected after consecutive failures')).toBe(true);
  });

  it('active health checks take an unhealthy target out and put it back', async () => {
    let sick = true;
    const a = await upstream((req, res) => {
      if (req.url === '/health') res.writeHead(sick ? 500 : 200).end();
      else res.end('a');
    });
    const b = await upstream((_req, res) => res.end('b'));
    const gw = await gateway(`
version: 1
upstreams:
  app:
    targets: ["${a.url}", "${b.url}"]
    activeHealth: { path: /health, intervalMs: 100, timeoutMs: 200, healthyThreshold: 1, unhealthyThreshold: 1 }
routes:
  - { id: all, match: { path: "/**" }, upstream: app }
`);
    await new Promise((r) => setTimeout(r, 350));
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add(await (await fetch(`${gw.url}/x`)).text());
    expect([...bodies]).toEqual(['b']);
    sick = false;
    await new Promise((r) => setTimeout(r, 350));
    const after = new Set<string>();
    for (let i = 0; i < 6; i++) after.add(await (await fetch(`${gw.url}/x`)).text());
    expect([...after].sort()).toEqual(['a', 'b']);
  });

  it('an upstream answer with broken framing is a 502 and its connection is not reused', async () => {
    let connections = 0;
    let broken = true;
    const tcp = createTcpServer((sock) => {
      connections++;
      sock.on('data', () => {
        if (broken) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello');
        else sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((ok) => tcp.listen(0, '127.0.0.1', ok));
    cleanups.push(() => new Promise<void>((ok) => tcp.close(() => ok())));
    const port = (tcp.address() as AddressInfo).port;
    const gw = await gateway(simpleConfig(`http://127.0.0.1:${port}`));
    const res = await fetch(`${gw.url}/x`);
    expect(res.status).toBe(502);
    broken = false;
    const ok = await fetch(`${gw.url}/x`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');
    expect(connections).toBe(2);
  });
});

describe('errors never leak', () => {
  it('an exception in a stage is a generic 500 problem; the cause is only logged', async () => {
    const up = await upstream();
    const gw = await gateway(simpleConfig(up.url), {}, {
      modules: [
        {
          name: 'validation',
          build: () => ({
            forRoute: () => ({
              name: 'validation',
              onRequest() {
                throw new Error('secret internal detail');
              },
            }),
          }),
        },
      ],
    });
    const res = await fetch(`${gw.url}/x`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:rampart:problem:internal-error', status: 500 });
    expect(JSON.stringify(gw.logs)).toContain('secret internal detail');
    expect(up.seen.length).toBe(0);
  });
});

describe('routing through the server', () => {
  it('404 and 405 problems; bypass attempts do not reach a route they are not meant for', async () => {
    const up = await upstream((req, res) => res.end(req.url));
    const gw = await gateway(`
version: 1
upstreams:
  app: { targets: ["${up.url}"] }
routes:
  - { id: users, match: { path: "/users/{id}", methods: [GET] }, upstream: app }
  - { id: admin, match: { path: "/admin/**" }, upstream: app }
`);
    expect((await fetch(`${gw.url}/nope`)).status).toBe(404);
    const r405 = await fetch(`${gw.url}/users/1`, { method: 'DELETE' });
    expect(r405.status).toBe(405);
    expect(r405.headers.get('allow')).toBe('GET, HEAD');
    for (const p of ['/users/1/..%2fadmin', '/users/%252e%252e/admin', '/users/1;/admin', '/users/%5c..%5cadmin']) {
      const res = await fetch(`${gw.url}${p}`);
      expect(res.status, p).toBe(400);
    }
    // fetch() would turn "\\" into "/"; a raw client does not.
    const raw = await rawExchange(gw.port, 'GET /users\\..\\admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusesOf(raw.text)[0]).toBe(400);
    expect(up.seen.some((r) => r.url.includes('admin'))).toBe(false);
    // Resolved before routing: these reach exactly the route their canonical path names.
    expect(await (await fetch(`${gw.url}/users/../admin/x`)).text()).toBe('/admin/x');
    expect(gw.accessLogs().at(-1)?.route).toBe('admin');
    expect(await (await fetch(`${gw.url}//ADMIN/x`)).text()).toBe('/ADMIN/x');
    expect(gw.accessLogs().at(-1)?.route).toBe('admin');
  });
});

describe('stage facts', () => {
  it('identity headers added and client headers dropped by several stages accumulate', async () => {
    const up = await upstream();
    const mk = (name: 'authentication' | 'validation', add: string, drop: string) => ({
      name,
      build: () => ({ forRoute: () => ({ name, onRequest: () => ({ kind: 'continue' as const, facts: { upstreamHeaders: { [add]: '1' }, dropHeaders: [drop] } }) }) }),
    });
    const gw = await gateway(simpleConfig(up.url), {}, { modules: [mk('authentication', 'x-a', 'x-drop-a'), mk('validation', 'x-b', 'x-drop-b')] });
    await fetch(`${gw.url}/x`, { headers: { 'x-drop-a': '1', 'x-drop-b': '1', 'x-keep': '1' } });
    const h = up.seen.at(-1)?.headers ?? {};
    expect(h).toMatchObject({ 'x-a': '1', 'x-b': '1', 'x-keep': '1' });
    expect(h['x-drop-a']).toBeUndefined();
    expect(h['x-drop-b']).toBeUndefined();
  });
});

describe('client disconnects', () => {
  it('a client that goes away cancels its upstream request', async () => {
    let upstreamSawClose = false;
    const up = await upstream((_req, res) => {
      res.on('close', () => (upstreamSawClose = !res.writableFinished));
      setTimeout(() => res.end('late'), 3000).unref();
    });
    const gw = await gateway(simpleConfig(up.url));
    const ac = new AbortController();
    const pending = fetch(`${gw.url}/slow`, { signal: ac.signal }).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 150));
    ac.abort();
    expect(await pending).toBe('aborted');
    for (let i = 0; i < 50 && !upstreamSawClose; i++) await new Promise((r) => setTimeout(r, 20));
    expect(upstreamSawClose).toBe(true);
  });
});

describe('answers without a body', () => {
  it('HEAD, 204 and 304 pass through with their headers and no body', async () => {
    const up = await upstream((req, res) => {
      if (req.url === '/204') return void res.writeHead(204, { 'x-a': '1' }).end();
      if (req.url === '/304') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const gw = await gateway(simpleConfig(up.url));
    const head = await fetch(`${gw.url}/x`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    expect(await head.text()).toBe('');
    const r204 = await fetch(`${gw.url}/204`);
    expect([r204.status, r204.headers.get('x-a'), await r204.text()]).toEqual([204, '1', '']);
    const r304 = await fetch(`${gw.url}/304`);
    expect([r304.status, r304.headers.get('etag')]).toEqual([304, '"v1"']);
    // The connection is still usable afterwards.
    expect(await (await fetch(`${gw.url}/x`)).text()).toBe('hello');
  });
});
