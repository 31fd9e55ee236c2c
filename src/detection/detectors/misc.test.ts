import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { jsonRequest, queryRequest, ruleIds } from '../testing/requests.js';

const inspector = createInspector({ paranoia: 2 });
const rules = (req: InspectRequest) => ruleIds(inspector, req);
const query = (v: string): InspectRequest => queryRequest(v, 'u', '/api/proxy');

describe('crlf: request lines and response splitting', () => {
  it('a value that is a whole request line', () => {
    expect(rules(query('POST https://internal.example/admin HTTP/1.1'))).toContain('crlf.request-smuggling');
    expect(rules(query('GET /reports HTTP/2'))).toContain('crlf.request-smuggling');
  });

  it('a whole request (a request line, then a Host field) inside a raw text body', () => {
    const raw = (body: string): InspectRequest => ({ method: 'POST', path: '/', query: '', headers: { host: 'h', 'content-type': 'text/plain' }, body });
    expect(rules(raw('barGET /a.html HTTP/1.1\nSomething: GET /b.html HTTP/1.1\nHost: foo.com\nAccept: */*\n\n'))).toContain('crlf.request-smuggling');
    expect(rules(raw('0\r\n\r\nPOST /admin HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nx=1'))).toContain('crlf.request-smuggling');
    // Notes about HTTP with no request in them, and a request line with no Host field after it, pass.
    expect(inspector.inspect(raw('Call GET /users over HTTP/1.1 first.\nThen the Host header must match.')).blocked).toBe(false);
    expect(inspector.inspect(raw('Host: the server answering\nlog: GET /index.html HTTP/1.1 200\n')).blocked).toBe(false);
  });

  it('a blank line then markup in a cookie or a query value', () => {
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: 'pref=a%0d%0a%0d%0a<html><body>x</body></html>' } })).toContain('crlf.response-splitting');
    expect(rules(query('x\r\n\r\nHTTP/1.1 200 OK'))).toContain('crlf.response-splitting');
  });

  it('a header line with carriage returns before the colon', () => {
    expect(rules(query('a\r\nSet-Cookie\r\r: admin=1'))).toContain('crlf.header-injection');
  });

  it('passes prose about HTTP and multi-paragraph text in a JSON body', () => {
    expect(inspector.inspect(query('Send a GET request to /users over HTTP/1.1 and check it')).blocked).toBe(false);
    expect(inspector.inspect(query('see https://example.com/a/b')).blocked).toBe(false);
    const body = JSON.stringify({ text: 'Hello,\n\n<p>Thanks for the report.</p>\n\nBest' });
    expect(inspector.inspect({ method: 'POST', path: '/m', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body }).blocked).toBe(false);
  });
});

describe('views: US-ASCII with the high bit dropped', () => {
  it('reads ¼script¾ as <script>, written, \\x-escaped or as UTF-8 escapes', () => {
    for (const v of ['¼svg onload=alert(1)¾', '\\xbcscript\\xbealert(1)\\xbc/script\\xbe', '\\xc2\\xbcimg src=x onerror=alert(1)\\xc2\\xbe']) {
      expect(inspector.inspect(query(v)).blocked, v).toBe(true);
    }
  });

  it('leaves fractions, Latin-1 text and multibyte letters alone', () => {
    for (const v of ['Mix ¼ cup sugar and ¾ cup flour', 'Sitzbezüge ¼ Preis ¾', '\\xd0\\xbcscript\\xd0\\xbe', 'Price ¢50 §3']) {
      expect(inspector.inspect(query(v)).blocked, v).toBe(false);
    }
  });
});

describe('prototype pollution in values', () => {
  it.each(['__proto__[isAdmin]=1', 'constructor[prototype][role]=admin', '{"__proto__": {"role": "admin"}}', 'a.__proto__.x=1'])('assigned path: %s', (v) => {
    expect(rules(query(v))).toContain('proto.path-assignment');
  });

  it.each(['The __proto__ property is deprecated', 'Use constructor.prototype to add methods'])('passes: %s', (v) => {
    expect(inspector.inspect(query(v)).blocked).toBe(false);
  });
});

describe('ssrf / rfi: FTP URLs', () => {
  it('an FTP URL to a named host is a remote include; to an internal one it is SSRF', () => {
    expect(rules(query('ftp://files.example.net/pub/a.php'))).toContain('rfi.ftp-url');
    expect(rules(query('ftps://mirror.example.org/x'))).toContain('rfi.ftp-url');
    expect(rules(query('ftp://10.1.2.3/'))).toContain('ssrf.internal-host');
    expect(rules(query('ftp://files.example.net/pub/a.php'))).not.toContain('ssrf.internal-host');
  });
});

describe('xss: short JSFuck', () => {
  it('needs ! or + applied to []', () => {
    expect(rules(query('!![]'))).toContain('xss.jsfuck');
    expect(rules(query('[] []'))).not.toContain('xss.jsfuck');
    expect(rules(query('[x] (y)'))).not.toContain('xss.jsfuck');
  });
});

describe('ssti: the longer opener wins', () => {
  it('reads ${{7*7}} as a {{ }} expression', () => {
    expect(rules(query('${{7*7}}'))).toContain('ssti.probe');
    expect(inspector.inspect(query('Total: ${{ total }}')).blocked).toBe(false);
  });
});

describe('nosqli: JavaScript string breakouts and shell commands', () => {
  it.each([
    ['nosqli.js-breakout', "';return true;var a='"],
    ['nosqli.js-breakout', '"; while(1){}; "'],
    ['nosqli.js-breakout', "x' || this.role=='admin"],
    ['nosqli.shell-command', 'db.accounts.deleteMany({})'],
    ['nosqli.shell-command', "db.getSiblingDB('admin')"],
  ])('%s: %s', (id, v) => {
    expect(rules(query(v))).toContain(id);
  });

  it.each(["He said 'no'; return later", '"Hi"; let me know', 'I keep db.users.find in my notes'])('passes: %s', (v) => {
    expect(inspector.inspect(query(v)).blocked).toBe(false);
  });
});

describe('ssrf: names that are addresses, callback services', () => {
  it.each(['http://127.0.0.1.nip.io/', 'http://10-0-0-7.sslip.io/x', 'http://lvh.me:8080/', 'http://169.254.169.254.xip.io/', 'http://localhost.localdomain/', 'http://169.254.169.254@evil.example/'])('internal: %s', (v) => {
    expect(rules(query(v))).toContain('ssrf.internal-host');
  });

  it('out-of-band hosts, in any value', () => {
    expect(rules(query('http://k2j3h4.oastify.com/'))).toContain('ssrf.oast-host');
    expect(rules(query('nslookup abc.interact.sh'))).toContain('ssrf.oast-host');
  });

  it.each(['https://user:pass@api.example.com/x', 'https://ec2-54-12-34-56.compute-1.amazonaws.com/', 'https://api.example.com/v1', 'run interact.sh to start', 'toast.pro'])('passes: %s', (v) => {
    expect(inspector.inspect(query(v)).blocked).toBe(false);
  });
});

describe('crlf: characters truncated to line breaks', () => {
  it('U+560A U+560D before a header, in a query value', () => {
    expect(rules({ method: 'GET', path: '/', query: 'q=%E5%98%8A%E5%98%8DSet-Cookie:%20a=b', headers: { host: 'h' } })).toContain('crlf.header-injection');
  });

  it('CJK text passes (上 is U+4E0A)', () => {
    expect(inspector.inspect({ method: 'GET', path: '/', query: 'q=' + encodeURIComponent('上海 hotel: 2 nights'), headers: { host: 'h' } }).blocked).toBe(false);
  });
});

describe('ldapi: a breakout opens a filter', () => {
  it('after `*)(` comes a filter, not a regex group', () => {
    expect(rules(query('*)(uid=*))(|(uid=*'))).toContain('ldapi.filter-breakout');
    expect(rules(query('admin*)((|userpassword=*)'))).toContain('ldapi.filter-breakout');
    expect(rules(query('*)(objectClass)'))).toContain('ldapi.filter-breakout');
    expect(inspector.inspect(query('I use ^(0|[1-9]\\d*)(?:-[\\w.]+)?$ for semver')).blocked).toBe(false);
    expect(inspector.inspect(query('\\d*)(?:\\.\\d+)?')).blocked).toBe(false);
  });
});

describe('ldapi and ssti additions', () => {
  it('a composite filter matching every entry', () => {
    expect(rules(query('(|(cn=*))'))).toContain('ldapi.wildcard-filter');
  });

  it('an ERB scriptlet with a back-tick command', () => {
    expect(rules(query('<%= `uname -a` %>'))).toContain('ssti.object-traversal');
  });
});

describe('rich text (HTML) bodies', () => {
  const json = (html: string): InspectRequest => jsonRequest('html', html, '/api/pages');

  it.each([
    '<p>Hello <strong>world</strong>, see <a href="/docs/intro">the docs</a>.</p>',
    '<h2>Title</h2><p>Body &amp; more &lt;tags&gt;</p>',
    '<form action="/search" method="get"><input name="q"></form>',
    '<p class="note" title="a / or b">x</p>',
  ])('passes: %s', (html) => {
    const r = inspector.inspect(json(html));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });

  it('a tag with attributes is not a spaced tag; a name split by blanks is', () => {
    expect(rules(query('<iframe src="https://video.example.com/e/1"></iframe>'))).not.toContain('xss.spaced-tag');
    expect(rules(query('< i f r a m e src=x>'))).toContain('xss.spaced-tag');
  });

  it('a style element importing a sheet', () => {
    expect(rules(query("<style>@import 'https://evil.example/x.css';</style>"))).toContain('xss.css-expression');
  });

  it('entity references are text to the shell reading; decoded separators still count', () => {
    expect(rules(query('x&#59;cat /etc/passwd'))).toContain('cmdi.chained-command');
  });
});

describe('js: endless loops', () => {
  it.each(['while(true){}', 'while(!0);', 'while(+Infinity)', 'for(;;){}'])('loops: %s', (v) => {
    expect(rules(query(v))).toContain('js.endless-loop');
  });

  it.each(['while(!true);', 'while(0)', 'while (x < 10) x++;', 'for (i = 0; i < n; i++)'])('ends: %s', (v) => {
    expect(rules(query(v))).not.toContain('js.endless-loop');
  });
});

describe('nosqli: ORM lookups on secret fields', () => {
  const key = (k: string): InspectRequest => ({ method: 'GET', path: '/api/users', query: `${k}=a`, headers: { host: 'h' } });

  it.each(['password__startswith', 'created_by__user__password__regex', 'filter[token][startsWith]'])('%s', (k) => {
    expect(rules(key(k))).toContain('nosqli.orm-secret-lookup');
  });

  it.each(['name__icontains', 'created_at__gte', 'sort', 'password'])('passes: %s', (k) => {
    expect(inspector.inspect(key(k)).blocked).toBe(false);
  });

  it.each(['created_by__departments__employees__user__username__startswith', 'user__profile__city__startswith', 'order__customer__address__city__iexact'])('walks three relations: %s', (k) => {
    expect(rules(key(k))).toContain('nosqli.orm-relation-lookup');
  });

  it.each(['author__name__icontains', 'balance__gte', 'user__profile__city', 'data__has_key', 'a____b__gte'])('one relation, no lookup, or PL3 only: %s', (k) => {
    expect(inspector.inspect(key(k)).blocked).toBe(false);
  });
});

describe('ssrf: scheme-less internal targets', () => {
  it('a path after an internal host is a request target', () => {
    expect(rules(query('localhost/admin'))).toContain('ssrf.internal-host');
    expect(rules(query('192.168.1.10:8080/api'))).toContain('ssrf.internal-host');
  });

  it('a bare host or a CIDR block is a setting (scored, not blocked)', () => {
    for (const v of ['localhost', 'localhost:5432', '10.0.0.0/8']) expect(inspector.inspect(query(v)).blocked, v).toBe(false);
  });
});

describe('xss: a parenthesised object indexed by a string', () => {
  it('(document)["cookie"] is document.cookie', () => {
    expect(rules(query('(document/*x*/)["cookie"]'))).toContain('xss.dom-sink');
  });
});

describe('rfi: UNC paths', () => {
  it('to an address literal or to code', () => {
    expect(rules(query('\\\\203.0.113.9\\s\\a'))).toContain('rfi.unc-path');
    expect(rules(query('\\\\evil.example\\share\\x.php'))).toContain('rfi.unc-path');
  });

  it('intranet shares and document links pass', () => {
    for (const v of ['\\\\fileserver\\docs\\plan.docx', '\\\\corp.example.com\\dfs\\q4.xlsx', 'C:\\Users\\bob']) expect(inspector.inspect(query(v)).blocked, v).toBe(false);
  });
});

describe('mail: POP3 and IMAP commands after a line break', () => {
  it.each(['x\nRETR 1', 'x\r\nAPOP mrose c4c9334bac560ecc979e58001b3e22fb', 'x\na001 authenticate PLAIN', 'x\r\nd store 2 +FLAGS (\\Deleted)', 'x\r\nA1 UID FETCH 1:* (FLAGS)', 'x\r\nA1 LOGOUT', 'x\r\nLIST 3', 'x\r\nAUTH PLAIN AGFkbWluAHNlY3JldA==', 'x\r\nAUTH corerulest dGhpc2lzIWF0ZXN0'])('%s', (v) => {
    expect(rules(query(v))).toContain('mail.protocol-injection');
  });

  it.each(['Shopping\nI store my files here', 'To do:\nlist 3 items for Monday', 'Login failed\nAuth required', 'Notes\nwe fetch 2 of them'])('passes prose lines: %s', (v) => {
    expect(rules(query(v))).not.toContain('mail.protocol-injection');
  });
});

describe('xss: spacing and empty namespace prefixes', () => {
  it('document /* */ . cookie and <:vmlframe', () => {
    expect(rules(query('document /*x*/ .      cookie'))).toContain('xss.dom-sink');
    expect(rules(query('<:vmlframe src=x>'))).toContain('xss.spaced-tag');
    expect(inspector.inspect(query('Time <: 5 and a <:-) smile')).blocked).toBe(false);
  });
});

describe('ssrf and crlf in headers', () => {
  it('mod_proxy unix socket then URL', () => {
    expect(rules(query('unix:/run/x.sock|http://internal.example/'))).toContain('ssrf.scheme');
  });

  it('an encoded line break then a header in a header value', () => {
    expect(rules({ method: 'GET', path: '/', query: '', headers: { host: 'h', 'x-note': 'a%0dInjected: 1' } })).toContain('crlf.header-injection');
  });
});

describe('xss: IE behavior needs a url()', () => {
  it('"behavior:" in prose passes; behavior: url() in a style does not', () => {
    expect(inspector.inspect(query('To restore the v1 warning behavior: set the flag')).blocked).toBe(false);
    expect(rules(query('<div style="behavior: url(x.htc)">'))).toContain('xss.css-expression');
  });
});

describe('public-collection forms (payloads.jsonl)', () => {
  it('template probes of Razor, Twig, FreeMarker and the multi-engine polyglot', () => {
    expect(rules(query('@(7*7)'))).toContain('ssti.probe');
    expect(rules(query('{{dump(app)}}'))).toContain('ssti.object-traversal');
    expect(rules(query("{{app.request.server.all|join(',')}}"))).toContain('ssti.object-traversal');
    expect(rules(query('<#if 7*7==49>x</#if>'))).toContain('ssti.directive');
    expect(rules(query('${{<%[%\'"}}%\\.'))).toContain('ssti.probe');
  });

  it('passes e-mail addresses, handles and prose with one template-like piece', () => {
    for (const v of ['anna@(work) example.com', 'ping @(team) about 7 items', 'me@example.com', 'cost ${price} per {{unit}}', '#if you can']) {
      expect(inspector.inspect(query(v)).blocked, v).toBe(false);
    }
  });

  it('Log4j lookups that leak the environment block alone', () => {
    expect(inspector.inspect(query('${env:AWS_SECRET_ACCESS_KEY}')).blocked).toBe(true);
    expect(inspector.inspect(query('${sys:java.version}')).blocked).toBe(true);
    expect(inspector.inspect(query('Total: 12 EUR (env: production, sys: linux)')).blocked).toBe(false);
  });

  it('CR/LF hidden as U+560A/U+560D behind percent-encoding in a JSON body', () => {
    const body = JSON.stringify({ url: '%E5%98%8D%E5%98%8ASet-Cookie%3A%20x%3D1' });
    expect(rules({ method: 'POST', path: '/m', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body })).toContain('crlf.header-injection');
    // CJK prose in a JSON body, written as itself, is text.
    const prose = JSON.stringify({ text: '上海嘊嘍 Set: 一' });
    expect(inspector.inspect({ method: 'POST', path: '/m', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: prose }).blocked).toBe(false);
  });

  it('a base64 path segment that decodes to lines is not a line break in the path', () => {
    const seg = Buffer.from('Name,Email\nAnna,anna@example.com\n').toString('base64');
    expect(rules({ method: 'GET', path: `/files/${seg}`, query: '', headers: { host: 'h' } })).not.toContain('crlf.in-path');
    expect(rules({ method: 'GET', path: '/files/a%0d%0aSet-Cookie:x=1', query: '', headers: { host: 'h' } })).toContain('crlf.in-path');
  });

  it('a $where string context: a statement end and a return of this.field', () => {
    expect(rules(query('1; return this.isAdmin == true'))).toContain('nosqli.js-breakout');
    expect(rules(query('0;return true'))).toContain('nosqli.js-breakout');
    expect(inspector.inspect(query('Ship it; return policy is 30 days')).blocked).toBe(false);
    expect(inspector.inspect(query('Paid; return this item if it breaks')).blocked).toBe(false);
  });

  it('a scheme-relative URL to an IP literal or an internal host', () => {
    expect(rules(query('//203.0.113.7/shell.txt'))).toContain('rfi.ip-url');
    expect(rules(query('//169.254.169.254/latest/meta-data/'))).toContain('ssrf.internal-host');
    expect(inspector.inspect(query('//cdn.example.com/lib.js')).blocked).toBe(false);
    expect(inspector.inspect(query('// TODO: 1.2 release')).blocked).toBe(false);
  });

  it('padded base64 of a short payload is decoded; short mixed-case words are not', () => {
    expect(inspector.inspect(query(Buffer.from('1 OR 2>1').toString('base64'))).blocked).toBe(true);
    for (const v of ['McDonald', 'iPhone', 'YouTube', 'GitHub=', 'PayPal==']) expect(inspector.inspect(query(v)).blocked, v).toBe(false);
  });
});

describe('public-collection forms, second batch', () => {
  it('Jinja objects printed whole, a computed property on the global object, CSS url(javascript cut short', () => {
    expect(rules(query('{{config}}'))).toContain('ssti.object-traversal');
    expect(rules(query('{{ request.environ }}'))).toContain('ssti.object-traversal');
    expect(inspector.inspect(query('Hello {{name}}, your order {{order.id}} shipped')).blocked).toBe(false);
    expect(rules(query("<img src=x onerror=top['al'+'ert'](1)>"))).toContain('xss.dom-sink');
    expect(rules(query('self["\\x24"]'))).toContain('xss.dom-sink');
    expect(inspector.inspect(query("see window['title'] in the docs")).blocked).toBe(false);
    expect(rules(query('x=x:url(javascript'))).toContain('xss.css-expression');
    expect(rules(query('<div onwebkitplaybacktargetavailabilitychanged=alert(1)>'))).toContain('xss.event-handler');
  });

  it('SQL keywords split by comments, and a breakout whose expression ends in a comment', () => {
    expect(rules(query('1 UNI/**/ON SEL/**/ECT 1,2,3'))).toContain('sqli.split-keyword');
    expect(rules(query('DR/**/OP/*bypass*/sampletable'))).toContain('sqli.split-keyword');
    expect(rules(query("x' mod id--"))).toContain('sqli.breakout-comment');
    expect(rules(query("x'-email--"))).toContain('sqli.breakout-comment');
    for (const v of ["It's 5-10 --", "Bob's score: 5+3 #", "x'~email--", 'see /* note */ below', 'a/*b*/c']) expect(inspector.inspect(query(v)).blocked, v).toBe(false);
  });

  it('Log4j prefixes in any case; a JS string context returning a comparison', () => {
    expect(rules(query('${EnV:AWS_SECRET_ACCESS_KEY}'))).toContain('jndi.log4j-lookup');
    expect(rules(query("'; return '' == '"))).toContain('nosqli.js-breakout');
  });

  it('base64 of UTF-8 text is decoded (full-width and enclosed digits, other scripts)', () => {
    expect(inspector.inspect(query(Buffer.from('http://①②⑦.⓪.⓪.①/').toString('base64url'))).blocked).toBe(true);
    expect(inspector.inspect(query(Buffer.from('Привет, как дела? Всё хорошо.').toString('base64'))).blocked).toBe(false);
  });
});

describe('CRS v4 generic forms read by grammar', () => {
  it('loopback aliases of /etc/hosts and a host spelt with escaped letters', () => {
    expect(rules(query('localhost4/'))).toContain('ssrf.internal-host');
    expect(rules(query('ipv6-localhost/'))).toContain('ssrf.internal-host');
    expect(rules(query('http://\\l\\o\\c\\a\\l\\h\\o\\s\\t/'))).toContain('ssrf.internal-host');
    expect(inspector.inspect(query('http://a\\b.example.com/')).blocked).toBe(false);
  });

  it('endless loops on an object or a global function; not on a falsy or NaN condition', () => {
    expect(rules(query('while(new Date);'))).toContain('js.endless-loop');
    expect(rules(query('while(String);'))).toContain('js.endless-loop');
    expect(rules(query('while(-String);'))).not.toContain('js.endless-loop');
    expect(rules(query('while(!!"");'))).not.toContain('js.endless-loop');
  });

  it('template control statements in <% %> (Mako, ERB, EJS)', () => {
    expect(rules(query('<% if True %>49<% endif %>'))).toContain('ssti.directive');
    expect(inspector.inspect(query('Save 20 <% off if you order today')).blocked).toBe(false);
  });
});

describe('encoders: form encoding outside a form, wrapped base64', () => {
  it("reads '+' as a blank in form-encoded text placed in JSON or a header", () => {
    const body = (v: string): InspectRequest => ({ method: 'POST', path: '/m', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: JSON.stringify({ q: v }) });
    expect(inspector.inspect(body('%27+OR+1%3D1--')).blocked).toBe(true);
    expect(inspector.inspect(body('1+UNION+SELECT+password+FROM+users')).blocked).toBe(true);
    for (const v of ['C%2B%2B+tutorial', '2024-01-01T00:00:00+01:00', 'Rock+and+roll+or+jazz', 'a+b=c']) expect(inspector.inspect(body(v)).blocked, v).toBe(false);
  });

  it('decodes base64 wrapped in MIME lines; multi-line prose is not base64', () => {
    const doc = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    const wrapped = (Buffer.from(doc).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    const body = (v: string): InspectRequest => ({ method: 'POST', path: '/m', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: JSON.stringify({ saml: v }) });
    expect(rules(body(wrapped))).toContain('xxe.entity');
    expect(inspector.inspect(body('AlphaBravoCharlieDeltaEcho\nFoxtrotGolfHotelIndiaJuliet\nKilo')).blocked).toBe(false);
  });
});

describe('public-collection forms, third batch', () => {
  it('\\r\\n written out as escapes, ERB reaching Ruby runtime classes, subclasses() in a template', () => {
    expect(rules(query('\\r\\n\\tSet-Cookie: x=1'))).toContain('crlf.header-injection');
    expect(inspector.inspect(query('C:\\new\\tools\\nmap.exe')).blocked).toBe(false);
    expect(rules(query("<%= Dir.entries('/') %>"))).toContain('ssti.object-traversal');
    expect(rules(query('{{ [].class.base.subclasses() }}'))).toContain('ssti.object-traversal');
    expect(inspector.inspect(query('<%= file.name %> uploaded')).blocked).toBe(false);
  });
});

describe('js: serialized functions', () => {
  it('node-serialize and funcster markers, with the marker as evidence', () => {
    for (const [v, marker] of [
      ['{"rce":"_$$ND_FUNC$$_function(){require(\'child_process\').exec(\'id\')}()"}', '_$$ND_FUNC$$_'],
      ['{"f":{"__js_function":"function(){return process.mainModule}"}}', '__js_function'],
    ] as const) {
      const f = inspector.inspect(query(v)).findings.find((x) => x.ruleId === 'js.serialized-function');
      expect(f?.fragment.startsWith(marker), v).toBe(true);
    }
  });
});
