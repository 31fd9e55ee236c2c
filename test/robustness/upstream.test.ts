import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../src/testing/gateway.js';
import { startDemoGateway, type Credentials } from './demo-stack.js';
import { exchange } from './exchange.js';
import { LogIndex } from './oracle.js';

/**
 * The other side of the bar: whatever the API answers (odd statuses, lying content types, bodies that are not
 * JSON, deep or huge JSON, leaks, broken connections), the response stages of examples/demo.yaml (response
 * validation, sensitive-field redaction, error-body scanning) never throw, and the client gets well-formed HTTP.
 */
const RUNS = Number(process.env.FUZZ_UPSTREAM_RUNS ?? 400);

interface Scripted {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** Break the connection after this many body bytes (the answer is then incomplete). */
  readonly breakAfter: number | undefined;
}

let next: Scripted | undefined;
let server: Server;
let gw: TestGateway;
let creds: Credentials;
let logs: LogIndex;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const s = next;
      if (req.url === '/health' || s === undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
        return;
      }
      const headers: Record<string, string | string[]> = {};
      for (const [n, v] of s.headers) {
        const had = headers[n];
        headers[n] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
      }
      if (s.breakAfter !== undefined) {
        headers['content-length'] = String(s.body.length);
        res.writeHead(s.status, headers);
        res.write(s.body.subarray(0, s.breakAfter), () => res.destroy());
        return;
      }
      res.writeHead(s.status, headers);
      res.end(req.method === 'HEAD' ? undefined : s.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  ({ gw, creds } = await startDemoGateway(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  logs = new LogIndex(gw);
});
afterAll(async () => {
  await gw?.close();
  server?.closeAllConnections();
  await new Promise<void>((ok) => (server === undefined ? ok() : server.close(() => ok())));
});

const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const user = (extra: Record<string, unknown>) => JSON.stringify({ id: 1, username: 'alice', email: 'a@example.test', name: 'A', role: 'user', created_at: '2026-01-01T00:00:00Z', ...extra });

const body: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    user({}),
    user({ password_hash: 'x', password: 'y', apiKey: 'k', nested: { password_hash: 'z', list: [{ Password_Hash: 'w' }] } }),
    JSON.stringify({ items: [JSON.parse(user({ password_hash: 'x' }))], total: 1, limit: 1, offset: 0 }),
    JSON.stringify({ token: 'ey.x.y' }),
    JSON.stringify({ error: 'Error: boom\n    at f (/srv/app.js:1:2)\n    at g (/srv/app.js:3:4)' }),
    'Error: SQLITE_ERROR: near "x": syntax error\n    at Statement.run (/srv/db.js:10:5)',
    'Traceback (most recent call last):\n  File "/srv/app.py", line 3, in <module>',
    '<html><body>oops</body></html>',
    deep(3000),
    deep(200_000),
    '['.repeat(100_000),
    JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ id: i })) }),
    '{"id":1,"id":2}',
    '{"id":1e400}',
    '',
    'null',
  ),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
);

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/plain', 'text/html', 'application/json; charset=latin1', 'application/vnd.api+json', '', 'json');

const scripted: fc.Arbitrary<Scripted> = fc
  .record({
    status: fc.oneof(fc.constantFrom(200, 200, 201, 204, 304, 400, 401, 403, 404, 409, 422, 429, 500, 500, 502, 503), fc.integer({ min: 200, max: 599 })),
    type: fc.option(contentType, { freq: 6 }),
    encoding: fc.option(fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'), { freq: 5 }),
    extra: fc.array(
      fc.tuple(fc.constantFrom('set-cookie', 'server', 'x-powered-by', 'etag', 'cache-control', 'content-security-policy', 'x-frame-options', 'www-authenticate', 'location', 'vary', 'link'), fc.string({ maxLength: 30 }).map((v) => v.replace(/[^\x20-\x7e]/g, ''))),
      { maxLength: 3 },
    ),
    body,
    breaks: fc.option(fc.nat(), { freq: 8 }),
  })
  .map(({ status, type, encoding, extra, body: b, breaks }) => {
    const bytes = typeof b === 'string' ? Buffer.from(b) : b;
    const headers: [string, string][] = [...extra];
    if (type !== null) headers.push(['content-type', type]);
    if (encoding !== null) headers.push(['content-encoding', encoding]);
    const empty = status === 204 || status === 304;
    return { status, headers, body: empty ? Buffer.alloc(0) : bytes, breakAfter: breaks === null || empty || bytes.length < 2 ? undefined : breaks % bytes.length };
  });

function requestFor(c: Credentials): fc.Arbitrary<string> {
  return fc.constantFrom(
    `GET /users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${c.alice}\r\n\r\n`,
    `GET /users?limit=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${c.apiKey}\r\nAccept-Encoding: gzip\r\n\r\n`,
    `HEAD /users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${c.alice}\r\n\r\n`,
    `GET /users/1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${c.alice}\r\n\r\n`,
    `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n{"username":"alice","password":"alice-passw"}`,
  );
}

describe('whatever the API answers, the response stages of examples/demo.yaml hold', () => {
  it(`${RUNS} generated answers: well-formed HTTP or a closed connection for a broken body, no exception`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestFor(creds), scripted, async (raw, s) => {
        next = s;
        const r = await exchange(gw.port, raw, { head: raw.startsWith('HEAD'), timeoutMs: 5000 });
        if (r.kind === 'timeout' || r.kind === 'malformed') throw new Error(`${r.kind}: ${JSON.stringify(r.partial.slice(0, 300))}`);
        if (r.kind === 'closed') {
          // Only an answer the API broke off may end without a complete response.
          expect(s.breakAfter, `closed without an answer: ${JSON.stringify(r.partial.slice(0, 200))}`).toBeDefined();
          return;
        }
        const a = r.response;
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        const id = a.headers['x-request-id'] ?? '';
        const line = await logs.find(id);
        expect(line, `no access line for ${a.status}`).toBeDefined();
        // A gateway-made answer (refusal or replacement) is a problem; a pass-through keeps the API's status.
        if (line?.decision === 'reject' || line?.decision === 'error') {
          if (raw.startsWith('HEAD')) return;
          expect(a.headers['content-type'], `${a.status} from ${String(line.stage)}`).toBe('application/problem+json');
        }
        expect(a.headers['x-powered-by']).toBeUndefined();
        if (a.status < 400 && (a.headers['content-type'] ?? '').includes('json') && a.headers['content-encoding'] === undefined) {
          expect(a.body.toString('latin1'), 'a sensitive field reached the client').not.toMatch(/"password_hash"\s*:/i);
        }
      }),
      { numRuns: RUNS, endOnFailure: process.env.CI !== undefined },
    );
    next = undefined;
    await new Promise((r) => setTimeout(r, 100));
    expect(logs.errors(), JSON.stringify(logs.errors()).slice(0, 2000)).toEqual([]);
    expect(gw.logs.filter((l) => l.problem === 'internal-error' && l.stage !== 'response-protection')).toEqual([]);
    expect(statuses.size).toBeGreaterThan(5);
    const ok = await exchange(gw.port, `GET /users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${creds.alice}\r\n\r\n`);
    expect(ok.kind === 'response' && ok.response.status).toBe(200);
  }, 120_000);
});
