import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, simpleConfig, startTestGateway, startUpstream, statusesOf, type TestGateway, type TestUpstream } from '../../src/testing/gateway.js';

// Request smuggling and malformed framing, sent byte for byte on raw sockets.
let up: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startTestGateway(
    simpleConfig(up.url).replace(
      'routes:',
      `routes:
  - id: small
    match: { path: /small }
    upstream: app
    maxBodyBytes: 10`,
    ),
  );
});
afterAll(async () => {
  await gw.close();
  await up.close();
});

const head = (lines: string[]) => lines.join('\r\n') + '\r\n\r\n';

describe('ambiguous framing never reaches the upstream', () => {
  const cases: [string, string][] = [
    ['Content-Length with Transfer-Encoding', head(['POST /a HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked']) + '0\r\n\r\n'],
    ['differing Content-Length', head(['POST /a HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Content-Length: 6']) + 'hello!'],
    ['duplicate identical Content-Length', head(['POST /a HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Content-Length: 5']) + 'hello'],
    ['Content-Length list', head(['POST /a HTTP/1.1', 'Host: x', 'Content-Length: 5, 5']) + 'hello'],
    ['obfuscated TE: xchunked', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding: xchunked']) + '0\r\n\r\n'],
    ['obfuscated TE: chunked, identity', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked, identity']) + '0\r\n\r\n'],
    ['obfuscated TE: leading space in name', head(['POST /a HTTP/1.1', 'Host: x', ' Transfer-Encoding: chunked']) + '0\r\n\r\n'],
    ['obfuscated TE: space before colon', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding : chunked']) + '0\r\n\r\n'],
    ['obfuscated TE: vertical tab', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding:\x0bchunked']) + '0\r\n\r\n'],
    ['two TE headers', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']) + '0\r\n\r\n'],
    ['TE gzip, chunked', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip, chunked']) + '0\r\n\r\n'],
    ['TE in HTTP/1.0', head(['POST /a HTTP/1.0', 'Host: x', 'Transfer-Encoding: chunked']) + '0\r\n\r\n'],
    ['obs-fold header continuation', head(['GET /a HTTP/1.1', 'Host: x', 'X-A: 1', ' folded'])],
    ['bare LF line endings', 'GET /a HTTP/1.1\nHost: x\n\n'],
    ['invalid chunk size', head(['POST /a HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) + 'zz\r\nhello\r\n0\r\n\r\n'],
    ['missing Host', head(['GET /a HTTP/1.1'])],
    ['NUL in header value', head(['GET /a HTTP/1.1', 'Host: x', 'X-A: a\x00b'])],
  ];
  it.each(cases)('%s: 400 and no upstream request', async (_name, data) => {
    const before = up.seen.length;
    const { text, closed } = await rawExchange(gw.port, data);
    expect(statusesOf(text)[0]).toBe(400);
    expect(closed).toBe(true);
    expect(up.seen.length).toBe(before);
  });
});

describe('duplicate singleton headers', () => {
  it.each(['Host', 'Authorization', 'Content-Type'])('two %s headers: 400 problem', async (name) => {
    const before = up.seen.length;
    const first = name === 'Host' ? 'Host: a' : `Host: x\r\n${name}: a`;
    const { text } = await rawExchange(gw.port, head(['GET /a HTTP/1.1', first, `${name}: b`]));
    expect(statusesOf(text)[0]).toBe(400);
    if (name !== 'Host') expect(text).toContain('urn:rampart:problem:duplicate-header');
    expect(up.seen.length).toBe(before);
  });
});

describe('a request rejected early never lets its body be parsed as the next request', () => {
  const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  it.each([
    ['a refused path', 'POST /a/%2e%2e/%2e%2e/x HTTP/1.1'],
    ['a body over the route limit', 'POST /small HTTP/1.1'],
    ['an unknown method on a limited route', 'POST /small/%2fx HTTP/1.1'],
  ])('%s', async (_name, requestLine) => {
    const { text, closed } = await rawExchange(gw.port, head([requestLine, 'Host: x', `Content-Length: ${smuggled.length}`]) + smuggled);
    const statuses = statusesOf(text);
    expect(statuses.length).toBe(1);
    expect(statuses[0]).toBeGreaterThanOrEqual(400);
    expect(closed).toBe(true);
    expect(up.seen.some((r) => r.url.includes('smuggled'))).toBe(false);
  });

  it('a good keep-alive request is followed normally', async () => {
    const { text } = await rawExchange(gw.port, head(['GET /one HTTP/1.1', 'Host: x']) + head(['GET /two HTTP/1.1', 'Host: x', 'Connection: close']));
    expect(statusesOf(text)).toEqual([200, 200]);
  });
});

describe('listener limits', () => {
  it('headers larger than the limit: 431', async () => {
    const { text } = await rawExchange(gw.port, head(['GET /a HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`]));
    expect(statusesOf(text)[0]).toBe(431);
    expect(text).toContain('application/problem+json');
  });
  it('more header fields than the limit: 431', async () => {
    const lines = ['GET /a HTTP/1.1', 'Host: x'];
    for (let i = 0; i < 120; i++) lines.push(`X-H${i}: ${i}`);
    const { text } = await rawExchange(gw.port, head(lines));
    expect(statusesOf(text)[0]).toBe(431);
  });
  it('an overlong request target: 414', async () => {
    const { text } = await rawExchange(gw.port, head([`GET /${'a'.repeat(9000)} HTTP/1.1`, 'Host: x', 'Connection: close']));
    expect(statusesOf(text)[0]).toBe(414);
  });
  it('garbage instead of HTTP: 400 problem, closed, process alive', async () => {
    const { text, closed } = await rawExchange(gw.port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n');
    expect(statusesOf(text)[0]).toBe(400);
    expect(closed).toBe(true);
    const res = await fetch(`${gw.url}/still-alive`);
    expect(res.status).toBe(200);
  });
  it("Node's strict HTTP parser is on (insecureHTTPParser off)", async () => {
    // A lenient parser accepts a space-separated header name; the strict one refuses it.
    const { text } = await rawExchange(gw.port, head(['GET /a HTTP/1.1', 'Host: x', 'Bad Header: 1']));
    expect(statusesOf(text)[0]).toBe(400);
  });
});

describe('timeouts and connection limits', () => {
  it('a slow-loris client that never finishes its headers is cut off at the headers timeout', async () => {
    const slow = await startTestGateway(
      simpleConfig(up.url).replace('version: 1', 'version: 1\nlisten:\n  headersTimeoutMs: 400\n  requestTimeoutMs: 800'),
    );
    try {
      const t0 = Date.now();
      const { text, closed } = await rawExchange(slow.port, 'GET /a HTTP/1.1\r\nHost: x\r\nX-Slow: 1', 5000);
      expect(closed).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect([408, undefined]).toContain(statusesOf(text)[0]);
    } finally {
      await slow.close();
    }
  });

  it('closes a keep-alive connection after maxRequestsPerSocket requests', async () => {
    const limited = await startTestGateway(simpleConfig(up.url).replace('version: 1', 'version: 1\nlisten:\n  maxRequestsPerSocket: 2'));
    try {
      const { text, closed } = await rawExchange(limited.port, head(['GET /1 HTTP/1.1', 'Host: x']) + head(['GET /2 HTTP/1.1', 'Host: x']) + head(['GET /3 HTTP/1.1', 'Host: x']), 3000);
      // Node answers a request past the limit with 503 and Connection: close; the upstream never sees it.
      expect(statusesOf(text)).toEqual([200, 200, 503]);
      expect(text.split('HTTP/1.1 ')[2]).toContain('Connection: close');
      expect(up.seen.some((r) => r.url === '/3')).toBe(false);
      void closed;
    } finally {
      await limited.close();
    }
  });
});

describe('request lines', () => {
  it('another HTTP version than 1.x is a 505 problem; absolute-form targets are refused', async () => {
    const v2 = await rawExchange(gw.port, 'GET /a HTTP/2.0\r\nHost: x\r\n\r\n');
    expect(statusesOf(v2.text)[0]).toBe(505);
    expect(v2.text).toContain('urn:rampart:problem:http-version-not-supported');
    const abs = await rawExchange(gw.port, 'GET http://evil.example/a HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusesOf(abs.text)[0]).toBe(400);
  });
});
