import fc from 'fast-check';
import type { Credentials } from './demo-stack.js';

/** A generated request, sendable raw (bytes on a socket) or through fetch. */
export interface FuzzRequest {
  readonly method: string;
  /** The request target as sent (path and query), possibly with raw non-ASCII text. */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer | undefined;
  /** How a raw request frames its body. */
  readonly framing: Framing;
}

export type Framing = 'length' | 'chunked' | 'length-and-chunked' | 'two-lengths' | 'bad-length' | 'odd-chunked' | 'short-length';

const hex = (n: number) => '%' + n.toString(16).toUpperCase().padStart(2, '0');

/** Path segments that exercise the canonicaliser, the router and the stages behind them. */
const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('users', 'users', 'users', '1', '2', '3', '999', 'orders', 'login', 'health', 'openapi.json', 'openapi.yaml') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '..', '.', '%2e%2e', '%2E.', '.%2e', '%2e', '%2f', '%2F', '%5c', '\\', '%00', '%0a', '%0d%0a', '%c0%ae%c0%ae', '%c0%af', '%e0%80%ae',
      '%25', '%252e%252e', '%252f', '%u002e', '%zz', '%', '%4', 'USERS', 'Users', 'u%73ers', '%31', '%32', '1;role=admin', ';', '*',
      '~', '%C3%A9', '%FF', '%ED%A0%80', '%F0%9F%98%80', '%E2%80%AE', 'a'.repeat(300), '', '%20', '+', '@', ':', '?', '%3F', '%23', '%09',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map((x) => x.replace(/[^!$&-;=@-~]/g, '')) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }).map((b) => b.map(hex).join('')) },
  { weight: 1, arbitrary: fc.integer({ min: -1e12, max: 1e12 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('é', '\u{1F600}', ' ', '\u202e', 'a b') },
);

const weirdPath: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('/', '/', '/', '//', '/./', '\\', ''), fc.array(segment, { minLength: 0, maxLength: 6 }), fc.constantFrom('', '', '', '/', '//', '/.', '/..'))
  .map(([lead, segs, tail]) => lead + segs.join('/') + tail);

/** The demo's routes: a path and the methods it takes. */
const routes: readonly (readonly [string, readonly string[]])[] = [
  ['/users', ['GET', 'POST']],
  ['/users/1', ['GET', 'PUT', 'DELETE']],
  ['/users/2', ['GET', 'PUT', 'DELETE']],
  ['/users/3', ['GET', 'PUT']],
  ['/users/999', ['GET', 'PUT']],
  ['/users/1/orders', ['GET', 'POST']],
  ['/users/2/orders', ['GET', 'POST']],
  ['/users/1/orders/1', ['GET']],
  ['/login', ['POST']],
  ['/openapi.json', ['GET']],
];

/** Paths of the demo API (so most requests get past routing to the stages), some with one segment mangled. */
const apiPath: fc.Arbitrary<readonly [string, readonly string[]]> = fc
  .tuple(
    fc.constantFrom(...routes),
    fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), segment) }),
    fc.constantFrom('', '', '', '', '', '/'),
  )
  .map(([[p, methods], mangle, tail]) => {
    if (mangle === null) return [p + tail, methods] as const;
    const segs = p.split('/');
    // Mostly an inner segment: a mangled first segment only ever meets the router's 404.
    segs[segs.length <= 2 ? 1 : 2 + (mangle[0] % (segs.length - 2))] = mangle[1];
    return [segs.join('/') + tail, methods] as const;
  });

const path: fc.Arbitrary<readonly [string, readonly string[]]> = fc.oneof({ weight: 5, arbitrary: apiPath }, { weight: 1, arbitrary: weirdPath.map((p) => [p, ['GET']] as const) });

const queryKey = fc.oneof(
  fc.constantFrom('limit', 'offset', 'limit', 'q', 'limit[]', 'limit[0]', 'a[b][c]', '__proto__', 'constructor[prototype]', 'id', 'role', '', '%6cimit', 'LIMIT'),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);
const queryValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '10', '0', '-1', '1000', '1e3', '0x10', '', '1 or 1=1', "1' or '1'='1", '<script>alert(1)</script>', '${jndi:ldap://x}', '../../etc/passwd', '%00', '9'.repeat(40), 'NaN', 'true', '[]', '{}').map(encodeURIComponent) },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%00', '%C0%80', 'a+b', "1'or'1'='1", '<x>', '1;2', 'é', 'a b') },
);
const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 5, arbitrary: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 }).map((kv) => '?' + kv.map(([k, v]) => `${k}=${v}`).join('&')) },
  { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&&', '?limit', '?limit=1&limit=2', '?limit=1;offset=2', '?=', '#frag', '?a=%zz') },
);

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'accept', 'accept-encoding', 'accept-language', 'x-forwarded-for', 'x-forwarded-host', 'forwarded', 'x-real-ip', 'x-request-id', 'x-rampart-subject',
    'x-rampart-scopes', 'x-rampart-consumer', 'cookie', 'origin', 'referer', 'user-agent', 'range', 'if-none-match', 'x-http-method-override', 'x-original-url',
    'x-rewrite-url', 'te', 'upgrade', 'connection', 'expect', 'keep-alive', 'proxy-authorization', 'content-encoding', 'content-type', 'authorization', 'x-api-key', 'via',
  ),
  token,
).chain((n) => fc.constantFrom(n, n.toUpperCase(), n.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())));
const headerValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 40 }).map((v) => v.replace(/[\0-\x1f\x7f]/g, '')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')) },
  { weight: 4, arbitrary: fc.constantFrom('gzip, br', 'close', 'keep-alive', 'upgrade', 'websocket', '100-continue', 'trailers', 'bytes=0-1,2-3', '127.0.0.1, 10.0.0.1', 'GET', 'DELETE', '/admin', 'for=1.2.3.4;proto=https', '*/*', 'text/html;q=0.9, */*;q=0.1', 'ok') },
  // Huge values around listen.maxHeaderBytes (16 KiB), dense in the band where the block the gateway forwards
  // (its own headers added) crosses the upstream's 16 KiB (finding R5).
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1000, max: 20_000 }), fc.integer({ min: 15_500, max: 16_400 })).map((n) => 'v'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('a\u0001b', 'a\u007fb', 'nul\u0000', 'tab\tinside', '\u00e9t\u00e9', ' leading', 'trailing ') },
);

function authHeaders(c: Credentials): fc.Arbitrary<[string, string][]> {
  const jwt = fc.constantFrom(c.alice, c.bob, c.admin, ...c.invalid, ...c.oddlyShaped);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 4, arbitrary: fc.constantFrom(c.alice, c.bob, c.admin).map((t): [string, string][] => [['authorization', `Bearer ${t}`]]) },
    { weight: 2, arbitrary: fc.constant<[string, string][]>([['x-api-key', c.apiKey]]) },
    { weight: 3, arbitrary: jwt.map((t): [string, string][] => [['authorization', `Bearer ${t}`]]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(jwt, fc.constantFrom('bearer ', 'BEARER ', 'Bearer  ', 'Bearer\t', '', 'Basic ', 'Token ', 'Bearer '), fc.constantFrom('', ' ', ', Bearer x', '\t'))
        .map(([t, scheme, tail]): [string, string][] => [['Authorization', `${scheme}${t}${tail}`]]),
    },
    { weight: 2, arbitrary: fc.constantFrom(c.apiKey, c.apiKey.slice(0, -1) + (c.apiKey.endsWith('A') ? 'B' : 'A'), c.apiKey + 'x', 'rk_live_0000', '', 'k'.repeat(5000), c.apiKey.toUpperCase()).map((k): [string, string][] => [['x-api-key', k]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([['x-api-key', c.apiKey], ['authorization', `Bearer ${c.invalid[0] ?? ''}`]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([['authorization', `Bearer ${c.alice}`], ['authorization', `Bearer ${c.admin}`]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([['x-api-key', 'nope'], ['x-api-key', c.apiKey]]) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s): [string, string][] => [['authorization', 'Basic ' + Buffer.from(s).toString('base64')]]) },
  );
}

const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          username: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('alice', 'bob', "admin'--", 'a'.repeat(200)), fc.integer()),
          email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 10 })),
          name: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
          password: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('alice-password', 'bob-password')),
          role: fc.constantFrom('admin', 'user'),
          id: fc.oneof(fc.integer(), fc.constant('2')),
          item: fc.string({ maxLength: 10 }),
          quantity: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 15_000 }).map((d) => '['.repeat(d)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"username":"alice","username":"bob"}',
      '{"name":"x","role":"user","role":"admin"}',
      '{"__proto__":{"role":"admin"},"name":"x"}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      '{"name":1e999}',
      '{"quantity":123456789012345678901234567890}',
      '{"quantity":-0}',
      '{"name":"\\ud800"}',
      '{"name":"\\u0000"}',
      '{"name":"x"} trailing',
      '{"name":"x",}',
      "{'name':'x'}",
      '\ufeff{"name":"x"}',
      'null',
      '""',
      '1e999999',
      '[' + '1,'.repeat(20_000) + '1]',
      '{' + Array.from({ length: 3000 }, (_, i) => `"k${i}":${i}`).join(',') + '}',
      '',
    ),
  },
);

const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0xc0, 0xaf, 0xc0, 0xae]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xef, 0xbb, 0xbf, 0xff]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x7d]),
);

function multipart(boundary: string, parts: readonly [string, string, string][], close: boolean): string {
  let s = '';
  for (const [name, headers, content] of parts) s += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${headers}\r\n\r\n${content}\r\n`;
  return s + (close ? `--${boundary}--\r\n` : '');
}

const contentType = fc.constantFrom(
  'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/JSON', 'application/merge-patch+json',
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/json;;;',
  'application/json; boundary=x', '*/*', '', 'application/octet-stream', 'json', 'application/json, text/plain',
);

/** [content-type or undefined, body]. */
const body: fc.Arbitrary<[string | undefined, Buffer | undefined]> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<[string | undefined, Buffer | undefined]>([undefined, undefined]) },
  { weight: 6, arbitrary: fc.tuple(contentType, jsonText).map(([t, j]): [string | undefined, Buffer | undefined] => [t, Buffer.from(j)]) },
  { weight: 1, arbitrary: fc.tuple(contentType, invalidUtf8).map(([t, b]): [string | undefined, Buffer | undefined] => [t, b]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('XyZ', 'a'.repeat(70), '', '"quoted"', 'b--b'),
        fc.array(fc.tuple(fc.constantFrom('username', 'password', 'name', 'role', 'file', '', '"x'), fc.constantFrom('', '; filename="../../x.php"', '\r\nContent-Type: application/json', '\r\nX: ' + 'y'.repeat(3000)), fc.string({ maxLength: 40 })), { maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom('', '; charset=utf-8', ''),
      )
      .map(([b, parts, close, extra]): [string | undefined, Buffer | undefined] => [`multipart/form-data; boundary=${b}${extra}`, Buffer.from(multipart(b.replace(/"/g, ''), parts, close))]),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom('username', 'password', 'role', 'name', 'a[b]', '__proto__[role]', ''), fc.string({ maxLength: 16 })), { maxLength: 5 })
      .map((kv): [string | undefined, Buffer | undefined] => ['application/x-www-form-urlencoded', Buffer.from(kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'))]),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b): [string | undefined, Buffer | undefined] => [undefined, Buffer.from(b)]) },
);

const method = fc.oneof(
  { weight: 14, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'PUT', 'PUT', 'PATCH', 'DELETE', 'DELETE', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'get', 'Get', 'PROPFIND', 'PURGE', 'SEARCH', 'QUERY', 'FOO', 'M-SEARCH', 'CONNECT', 'PRI') },
);

const framing = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Framing>('length') },
  { weight: 3, arbitrary: fc.constant<Framing>('chunked') },
  { weight: 1, arbitrary: fc.constantFrom<Framing>('length-and-chunked', 'two-lengths', 'bad-length', 'odd-chunked', 'short-length') },
);

/** Generated requests, with the demo's real and forged credentials mixed in. */
export function fuzzRequest(c: Credentials): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      route: fc.tuple(path, query),
      method: fc.oneof({ weight: 1, arbitrary: method }, { weight: 3, arbitrary: fc.nat().map((n) => (methods: readonly string[]) => methods[n % methods.length] ?? 'GET') }),
      auth: authHeaders(c),
      extra: fc.oneof({ weight: 12, arbitrary: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 95, max: 130 }).map((n) => Array.from({ length: n }, (_, i): [string, string] => [`x-h${i}`, 'v'])) }),
      body,
      framing,
    })
    .map(({ route: [[p, methods], q], method: pick, auth, extra, body: [type, b], framing: f }) => {
      const m = typeof pick === 'string' ? pick : pick(methods);
      const target = p + q;
      const headers: [string, string][] = [...auth, ...extra];
      if (type !== undefined) headers.push(['content-type', type]);
      return { method: m, target, headers, body: b, framing: f };
    });
}

/** The raw bytes of a request. A bad framing still never promises more body than is sent (no client-made hangs). */
export function rawRequest(r: FuzzRequest, opts: { host?: string | null } = {}): Buffer {
  let head = `${r.method} ${r.target} HTTP/1.1\r\n`;
  if (opts.host !== null) head += `Host: ${opts.host ?? '127.0.0.1'}\r\n`;
  for (const [n, v] of r.headers) head += `${n}: ${v}\r\n`;
  const b = r.body ?? Buffer.alloc(0);
  const chunked = Buffer.concat([Buffer.from(b.length.toString(16) + '\r\n'), b, Buffer.from('\r\n0\r\n\r\n')]);
  let framed: Buffer = b;
  switch (r.framing) {
    case 'length':
      if (r.body !== undefined || ['POST', 'PUT', 'PATCH'].includes(r.method)) head += `Content-Length: ${b.length}\r\n`;
      break;
    case 'chunked':
      head += 'Transfer-Encoding: chunked\r\n';
      framed = b.length === 0 ? Buffer.from('0\r\n\r\n') : chunked;
      break;
    case 'length-and-chunked':
      head += `Content-Length: ${b.length}\r\nTransfer-Encoding: chunked\r\n`;
      framed = chunked;
      break;
    case 'two-lengths':
      head += `Content-Length: ${b.length}\r\nContent-Length: ${b.length}\r\n`;
      break;
    case 'bad-length':
      head += `Content-Length: +${b.length}\r\n`;
      break;
    case 'odd-chunked':
      head += 'Transfer-Encoding: chunked, identity\r\n';
      framed = chunked;
      break;
    case 'short-length':
      head += `Content-Length: ${Math.floor(b.length / 2)}\r\n`;
      break;
  }
  return Buffer.concat([Buffer.from(head + '\r\n', 'utf8'), framed]);
}

/**
 * Requests that get past routing, authentication and authorization (the right caller for each route), so the
 * body and query meet validation, detection, the upstream and response protection.
 */
export function authorisedRequest(c: Credentials): fc.Arbitrary<FuzzRequest> {
  const bearer = (t: string): [string, string] => ['authorization', `Bearer ${t}`];
  const target = fc.constantFrom<[string, string, [string, string][]]>(
    ['POST', '/users', [bearer(c.admin)]],
    ['PUT', '/users/1', [bearer(c.alice)]],
    ['PUT', '/users/3', [bearer(c.admin)]],
    ['POST', '/users/1/orders', [bearer(c.alice)]],
    ['POST', '/users/2/orders', [bearer(c.bob)]],
    ['POST', '/login', []],
    ['GET', '/users', [['x-api-key', c.apiKey]]],
    ['GET', '/users/1', [bearer(c.alice)]],
    ['GET', '/users/1/orders', [bearer(c.alice)]],
  );
  return fc
    .record({
      route: target,
      query,
      body: fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8'), jsonText).map(([t, j]): [string | undefined, Buffer | undefined] => [t, Buffer.from(j)]) }, { weight: 1, arbitrary: body }),
      extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 2 }),
      framing: fc.constantFrom<Framing>('length', 'length', 'length', 'chunked'),
    })
    .map(({ route: [m, p, auth], query: q, body: [type, b], extra, framing: f }) => {
      const headers: [string, string][] = [...auth, ...extra.filter(([n]) => !['authorization', 'x-api-key', 'content-type'].includes(n.toLowerCase()))];
      if (type !== undefined) headers.push(['content-type', type]);
      return { method: m, target: p + q, headers, body: m === 'GET' ? undefined : b, framing: f };
    });
}
