import { describe, expect, it } from 'vitest';
import { createInspector } from '../index.js';

const inspector = createInspector({ paranoia: 2 });

describe('protocol: Host', () => {
  it('an empty Host with an origin-form target is invalid (RFC 9112 §3.2)', () => {
    const r = inspector.inspect({ method: 'GET', path: '/', query: '', headers: { host: '' }, httpVersion: '1.1' });
    expect(r.findings.map((f) => f.ruleId)).toContain('protocol.invalid-host');
  });

  it('a normal or absent Host passes (HTTP/1.0 health checks send none)', () => {
    for (const headers of [{ host: 'api.example.com:8443' }, {}]) {
      expect(inspector.inspect({ method: 'GET', path: '/health', query: '', headers, httpVersion: '1.0' }).blocked).toBe(false);
    }
  });
});

describe('protocol: framing and media types', () => {
  const rules = (req: Parameters<typeof inspector.inspect>[0]) => inspector.inspect(req).findings.map((f) => f.ruleId);

  it('an unknown multipart subtype is a body the gateway would not parse as the framework does', () => {
    const body = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n';
    expect(rules({ method: 'POST', path: '/f', query: '', headers: { host: 'h', 'content-type': 'multipart/x-custom; boundary=b' }, body })).toContain('protocol.multipart-subtype');
    for (const ct of ['multipart/form-data; boundary=b', 'multipart/mixed; boundary=b', 'multipart/related; boundary=b', 'multipart/signed; boundary=b']) {
      expect(rules({ method: 'POST', path: '/f', query: '', headers: { host: 'h', 'content-type': ct }, body }), ct).not.toContain('protocol.multipart-subtype');
    }
  });

  it('HTTP/1.0 POST needs Content-Length (RFC 1945 §8.3); HTTP/1.1 POST without a body does not', () => {
    expect(rules({ method: 'POST', path: '/f', query: '', headers: { host: 'h' }, httpVersion: '1.0' })).toContain('protocol.missing-length');
    expect(rules({ method: 'POST', path: '/f', query: '', headers: { host: 'h', 'content-length': '0' }, httpVersion: '1.0' })).not.toContain('protocol.missing-length');
    expect(rules({ method: 'POST', path: '/f', query: '', headers: { host: 'h' }, httpVersion: '1.1' })).not.toContain('protocol.missing-length');
  });

  it('no request line carries HTTP/3.0', () => {
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h' }, httpVersion: 'HTTP/3.0' })).toContain('protocol.http-version');
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h' }, httpVersion: '2.0' })).not.toContain('protocol.http-version');
  });

  it('Accept may not ask for UTF-16 responses; UTF-8 passes', () => {
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h', accept: 'text/html;charset=utf-16' } })).toContain('protocol.accept-charset');
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h', accept: 'application/json;charset=utf-8' } })).not.toContain('protocol.accept-charset');
  });
});

describe('protocol: double encoding', () => {
  const rules = (query: string) => inspector.inspect({ method: 'GET', path: '/', query, headers: { host: 'h' } }).findings.map((f) => f.ruleId);

  it('letters or digits encoded twice, either way of writing it', () => {
    expect(rules('q=%2573%2565%256c')).toContain('protocol.double-encoded-unreserved');
    expect(rules('q=%25%37%33%25%36%35')).toContain('protocol.double-encoded-unreserved');
  });

  it('an encoded URL encoded again (reserved characters) is only double encoding', () => {
    const r = rules('next=https%253A%252F%252Fexample.com%252Fa%2520b');
    expect(r).toContain('protocol.double-encoding');
    expect(r).not.toContain('protocol.double-encoded-unreserved');
  });
});

describe('session fixation: framework session names', () => {
  const rules = (query: string, referer?: string, body?: string) =>
    inspector.inspect({ method: body === undefined ? 'GET' : 'POST', path: '/login', query, headers: { host: 'app.example.com', ...(referer === undefined ? {} : { referer }), ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) }, body }).findings.map((f) => f.ruleId);

  it.each(['_flask_session=abc', 'koa:sess=abc', 'laravel_session=x', 'connect.sid=s%3Aabc', 'cfid=1&cftoken=2', 'weblogicsession=x'])('%s from another site', (q) => {
    expect(rules(q, 'https://attacker.example/')).toContain('session.id-from-other-site');
  });

  it('a session id posted by a form from another site', () => {
    expect(rules('', 'https://attacker.example/', 'sessionid=abc&user=x')).toContain('session.id-from-other-site');
  });

  it('same-site referers and names that only contain the letters pass', () => {
    expect(rules('_flask_session=abc', 'https://app.example.com/a')).not.toContain('session.id-from-other-site');
    expect(rules('assessment_id=5&obsession=x', 'https://other.example/')).not.toContain('session.id-from-other-site');
    expect(rules('play_session=abc')).not.toContain('session.id-in-url');
  });
});

describe('protocol: multipart names and obsolete range headers', () => {
  const part = (disposition: string): Parameters<typeof inspector.inspect>[0] => ({
    method: 'POST', path: '/upload', query: '', headers: { host: 'h', 'content-type': 'multipart/form-data; boundary=b' },
    body: `--b\r\nContent-Disposition: form-data; ${disposition}\r\n\r\nx\r\n--b--\r\n`,
  });
  const rules = (r: Parameters<typeof inspector.inspect>[0]) => inspector.inspect(r).findings.map((f) => f.ruleId);

  it('a field name with ; = or a backslash', () => {
    expect(rules(part('name="a;b"'))).toContain('protocol.multipart-name');
    expect(rules(part('name="x=y"'))).toContain('protocol.multipart-name');
  });

  it('character references in a name and ordinary file names pass', () => {
    expect(rules(part('name="gr&uuml;&szlig;e"'))).not.toContain('protocol.multipart-name');
    expect(rules(part('name="file"; filename="O\'Brien; 2024=final.pdf"'))).not.toContain('protocol.multipart-name');
  });

  it('a script extension hidden by backslashes in the file name', () => {
    expect(rules(part('name="f"; filename="1.j\\s\\p"'))).toContain('php.script-upload');
  });

  it('Request-Range is refused, Range passes', () => {
    expect(inspector.inspect({ method: 'GET', path: '/a.bin', query: '', headers: { host: 'h', 'request-range': 'bytes=0-9' } }).findings.map((f) => f.ruleId)).toContain('protocol.restricted-header');
    expect(inspector.inspect({ method: 'GET', path: '/a.bin', query: '', headers: { host: 'h', range: 'bytes=0-9' } }).blocked).toBe(false);
  });
});

describe('protocol: method override', () => {
  const rules = (method: string, query: string, headers: Record<string, string> = {}) => inspector.inspect({ method, path: '/api/items/1', query, headers: { host: 'h', ...headers } }).findings.map((f) => f.ruleId);

  it('on a GET, or to TRACE / CONNECT', () => {
    expect(rules('GET', '_method=DELETE')).toContain('protocol.method-override');
    expect(rules('POST', '', { 'x-http-method-override': 'TRACE' })).toContain('protocol.method-override');
  });

  it('a form POST with _method=PUT (Rails, Laravel) passes', () => {
    expect(rules('POST', '_method=PUT')).not.toContain('protocol.method-override');
    expect(rules('POST', '', { 'x-http-method-override': 'PATCH' })).not.toContain('protocol.method-override');
  });
});

describe('protocol: legacy cookies', () => {
  it('$Version in a Cookie header', () => {
    expect(inspector.inspect({ method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: '$Version=1; session="a; admin=1"' } }).findings.map((f) => f.ruleId)).toContain('protocol.legacy-cookie');
    expect(inspector.inspect({ method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: 'session=abc; theme=dark' } }).blocked).toBe(false);
  });
});

describe('protocol: restricted file extensions', () => {
  const ids = (path: string) => inspector.inspect({ method: 'GET', path, query: '', headers: { host: 'api.example.com' } }).findings.map((f) => f.ruleId);
  it('backup, database and config files, also with the dot percent-encoded (the server decodes the name)', () => {
    for (const p of ['/backup/db.sql', '/get/dump.rdb', '/get/dump%2Erdb', '/app/.env', '/site.tar.gz.bak', '/x/config.php~']) expect(ids(p), p).toContain('protocol.restricted-extension');
  });
  it('ordinary resources and names that only contain the letters pass', () => {
    for (const p of ['/docs/readme.html', '/api/logs/today', '/files/report%20final.pdf', '/api/envelopes/12', '/users/sqlite-guide']) expect(ids(p), p).not.toContain('protocol.restricted-extension');
  });
});

describe('crlf: line breaks in names and smuggled parameters', () => {
  const ids = (query: string, body?: string) =>
    inspector
      .inspect({ method: body === undefined ? 'GET' : 'POST', path: '/search', query, headers: { host: 'api.example.com', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body })
      .findings.map((f) => f.ruleId);
  it('a parameter or member name with a line break is refused', () => {
    expect(ids('parameter%0d%0a=test')).toContain('crlf.newline-in-name');
    expect(ids('', JSON.stringify({ 'name\r\nX-Admin: 1': 'x' }))).toContain('crlf.newline-in-name');
  });
  it('a query value whose line break starts another name=value', () => {
    expect(ids('q=test%0Dnext=more')).toContain('crlf.parameter-injection');
    expect(ids('q=test%0A%0Dadmin=true')).toContain('crlf.parameter-injection');
  });
  it('multi-line text, escaped text and newlines in bodies pass', () => {
    for (const q of ['message=line%20one%0Aline%20two', 'path=C:%5Cnew=1', 'note=a%3Db%20and%0Athen%20more']) expect(ids(q), q).not.toContain('crlf.parameter-injection');
    expect(ids('', JSON.stringify({ env: 'A=1\nB=2' }))).not.toContain('crlf.parameter-injection');
    expect(ids('q=hello')).not.toContain('crlf.newline-in-name');
  });
});

describe('protocol: NUL and control characters', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex');
  const ids = (r: { findings: readonly { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);

  it('a binary upload carries such bytes: raw image bodies and multipart files pass', () => {
    expect(ids(inspector.inspect({ method: 'PUT', path: '/me/avatar', query: '', headers: { host: 'h', 'content-type': 'image/png' }, body: png }))).toEqual([]);
    const b = 'XyZ';
    const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="avatar"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${b}--\r\n`)]);
    expect(ids(inspector.inspect({ method: 'POST', path: '/me', query: '', headers: { host: 'h', 'content-type': `multipart/form-data; boundary=${b}` }, body }))).toEqual([]);
  });

  it('a NUL in text, an SVG or a part without a binary type still counts', () => {
    const svg = inspector.inspect({ method: 'PUT', path: '/logo', query: '', headers: { host: 'h', 'content-type': 'image/svg+xml' }, body: '<svg>\0</svg>' });
    expect(ids(svg)).toContain('protocol.nul-byte');
    const text = inspector.inspect({ method: 'POST', path: '/n', query: '', headers: { host: 'h', 'content-type': 'text/plain' }, body: 'a\0b' });
    expect(ids(text)).toContain('protocol.nul-byte');
  });

  it('`\\x00` spelt in a JSON string is text; %00 and a JSON \\u0000 are bytes', () => {
    const json = (v: string) => inspector.inspect({ method: 'POST', path: '/r', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: JSON.stringify({ regex: v }) });
    expect(ids(json('[^\\x00-\\x7F]+'))).not.toContain('protocol.nul-byte');
    expect(ids(json('a\\u0001b'))).not.toContain('protocol.control-character');
    expect(ids(json('../../etc/passwd\0.png'))).toContain('protocol.nul-byte');
    expect(ids(inspector.inspect({ method: 'GET', path: '/f', query: 'file=shell.php%2500.jpg', headers: { host: 'h' } }))).toContain('protocol.nul-byte');
  });
});
