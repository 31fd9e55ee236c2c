import { BoundedMap } from '../../core/bounded-map.js';
import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import type { Extracted } from '../extract/request.js';
import { boundaryOf, parseMultipart } from '../extract/multipart.js';
import { decodeHtmlEntities } from '../normalize/escapes.js';
import { percentDecodeDeep, percentDecodeOnce } from '../normalize/percent.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type RequestDetector, type Rule, type ValueDetector } from '../rule.js';
import type { InspectRequest } from '../types.js';

/** Protocol anomalies that attacks need: NUL bytes, unknown methods, UTF-7 charsets, multipart tricks, range abuse. */
const R = {
  nul: rule('protocol', 'protocol.nul-byte', 1, 5, 'NUL byte in an input'),
  control: rule('protocol', 'protocol.control-character', 2, 5, 'control character in an input'),
  newlineName: rule('crlf', 'crlf.newline-in-name', 1, 5, 'line break in a parameter, field or cookie name (header injection through names)'),
  newlineParameter: rule('crlf', 'crlf.parameter-injection', 2, 5, 'line break followed by name= in a query value (a parameter smuggled past a line-based parser)'),
  method: rule('protocol', 'protocol.unknown-method', 1, 5, 'request method outside HTTP/WebDAV'),
  charset: rule('protocol', 'protocol.charset', 1, 5, 'body charset other than UTF-8 / Latin-1 / ASCII (UTF-7 evasion)'),
  multipartCharset: rule('protocol', 'protocol.multipart-charset', 1, 5, 'multipart part with a non-UTF-8 charset or transfer encoding'),
  range: rule('protocol', 'protocol.range-abuse', 1, 5, 'Range header with many or overlapping ranges'),
  contentTypeConfusion: rule('protocol', 'protocol.content-type-confusion', 1, 5, 'Content-Type with several media types or a boundary outside multipart'),
  headerNewline: rule('crlf', 'crlf.header-value', 1, 5, 'header value with an embedded line break'),
  target: rule('protocol', 'protocol.invalid-target', 1, 5, 'request target that is not an origin-form path (RFC 9112 §3.2)'),
  contentLength: rule('protocol', 'protocol.invalid-content-length', 1, 5, 'Content-Length that is not a decimal number (RFC 9110 §8.6)'),
  contentTypeSyntax: rule('protocol', 'protocol.invalid-content-type', 1, 5, 'Content-Type that is not type/subtype;param=value (RFC 9110 §8.3.1)'),
  duplicateParam: rule('protocol', 'protocol.duplicate-charset', 1, 5, 'Content-Type with several charset parameters'),
  bodyOnGet: rule('protocol', 'protocol.body-on-get', 2, 5, 'GET or HEAD request with a body'),
  encoding: rule('protocol', 'protocol.invalid-encoding', 2, 5, 'malformed percent-encoding'),
  iisEncoding: rule('protocol', 'protocol.iis-unicode-encoding', 1, 5, '%u escape (IIS-only encoding used for evasion)'),
  utf8: rule('protocol', 'protocol.invalid-utf8', 1, 5, 'percent-encoded bytes that are not valid UTF-8 (overlong forms)'),
  doubleEncoding: rule('protocol', 'protocol.double-encoding', 2, 3, 'percent-encoded percent sign (double encoding)'),
  extension: rule('protocol', 'protocol.restricted-extension', 1, 5, 'request for a backup, database or config file'),
  encodedDotSegment: rule('traversal', 'traversal.encoded-dot-segment', 1, 5, 'a dot segment written percent-encoded in the path (%2e%2e, .%2e between slashes): one server climbs where another did not'),
  header: rule('protocol', 'protocol.restricted-header', 1, 5, 'Proxy header (httpoxy) or WebDAV/range header on a plain request'),
  host: rule('protocol', 'protocol.invalid-host', 1, 5, 'Host header with characters outside a host name'),
  version: rule('protocol', 'protocol.http-version', 1, 5, 'HTTP version other than 1.0, 1.1, 2 or 3'),
  connection: rule('protocol', 'protocol.connection-options', 1, 5, 'Connection header repeating or contradicting its options'),
  manyRanges: rule('protocol', 'protocol.many-ranges', 2, 5, 'more than five byte ranges outside PDF byte-serving'),
  acceptCharset: rule('protocol', 'protocol.accept-charset', 1, 5, 'Accept asks for a charset other than UTF-8 / Latin-1 / ASCII (EBCDIC evasion)'),
  multipartSubtype: rule('protocol', 'protocol.multipart-subtype', 1, 5, 'multipart body of an unregistered subtype (parsed as form data by some frameworks only)'),
  legacyCookie: rule('protocol', 'protocol.legacy-cookie', 1, 5, 'RFC 2109 cookie attributes ($Version, $Path): servers split such cookies differently'),
  methodOverride: rule('protocol', 'protocol.method-override', 2, 5, 'method override on a GET, or to TRACE or CONNECT'),
  multipartName: rule('protocol', 'protocol.multipart-name', 1, 5, 'multipart field name with ; = quote or backslash (parsers read it differently)'),
  doubleUnreserved: rule('protocol', 'protocol.double-encoded-unreserved', 2, 5, 'letters or digits percent-encoded twice (no encoder produces them)'),
  missingLength: rule('protocol', 'protocol.missing-length', 2, 5, 'HTTP/1.0 POST or PUT without Content-Length (RFC 1945 §8.3)'),
};
/** The IANA-registered multipart subtypes (RFC 2046 and later): a made-up one (multipart/foo) is an evasion. */
const MULTIPART_TYPES = new Set(['alternative', 'appledouble', 'byteranges', 'digest', 'encrypted', 'example', 'form-data', 'header-set', 'mixed', 'multilingual', 'parallel', 'related', 'report', 'signed', 'voice-message', 'x-mixed-replace'].map((t) => 'multipart/' + t));
/** Charsets a client may ask for in Accept: a response in UTF-16/32 or EBCDIC is one that response inspection cannot read. */
const ACCEPT_CHARSETS = new Set(['utf-8', 'utf8', 'iso-8859-1', 'iso-8859-15', 'us-ascii', 'windows-1252', 'latin1', 'ascii']);
const SCANNER = {
  userAgent: rule('scanner', 'scanner.user-agent', 1, 5, 'User-Agent of a security scanner'),
  path: rule('scanner', 'scanner.probe-path', 1, 5, 'request for a scanner fingerprint path'),
  header: rule('scanner', 'scanner.header', 1, 5, 'header only security scanners send'),
};
const SESSION = {
  offSite: rule('session-fixation', 'session.id-from-other-site', 1, 5, 'session id in the URL of a request referred by another site'),
  inUrl: rule('session-fixation', 'session.id-in-url', 2, 5, 'session id set through the URL without a referer'),
};
const SCANNER_HEADERS: ReadonlySet<string> = new Set(['x-scanner', 'x-scan-memo', 'x-request-memo', 'x-requestmanager-memo', 'x-wipp', 'acunetix-aspect', 'acunetix-aspect-password', 'acunetix-aspect-queries', 'acunetix-product', 'x-burp-rule']);
const SESSION_NAME_SPLIT = re('[^a-z0-9]+');
const SESSION_PARAMS = /* cookie names frameworks also accept in the URL */ ['phpsessid', 'jsessionid', 'aspsessionid', 'asp.net_sessionid', 'sessionid', 'session_id', 'cfid', 'cftoken', 'sid'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'QUERY']);
const GOOD_CHARSETS = new Set(['utf-8', 'utf8', 'iso-8859-1', 'iso-8859-15', 'us-ascii', 'windows-1252', 'latin1', 'ascii', 'utf-16', 'utf-16le', 'utf-16be']);
const SCANNERS = re(
  '\\b(?:nikto|sqlmap|nessus|openvas|acunetix|netsparker|appscan|w3af|burp(?:suite)?|dirbuster|gobuster|ffuf|wfuzz|nuclei|masscan|zgrab|nmap|arachni|' +
    'skipfish|wpscan|joomscan|havij|zmeu|morfeus|commix|paros|webinspect|qualys|whatweb|jaeles|xsstrike|dotdotpwn|grabber|jbrofuzz|fimap|bsqlbf|brutus|' +
    'hydra|metasploit|vega|zaproxy|owasp zap|webshag|nsauditor|pangolin|sqlninja|absinthe|cgichk|floodgate|httrack|mysqloit|n-stealth|' +
    'webvulnscan|wapiti|teh forest lobster|nasl|nessustest|struts-pwn|interactsh)\\b',
  'i',
);
const SCANNER_PATHS = re('/(?:nessus|appscan_fingerprint|nikto-test|acunetix-wvs-test|w00tw00t|hnap1|\\.well-known/security-test|mstshash)', 'i');

export const nulDetector: ValueDetector = {
  name: 'protocol',
  rules: [R.nul, R.control, R.newlineName, R.newlineParameter],
  trigger: M.CONTROL | M.NEWLINE,
  inspect(view: View, item: Item, out: Emitter): void {
    // An image or an archive is made of such bytes; no string of it ends at a NUL.
    if (item.binary === true) return;
    if ((view.mask & M.CONTROL) !== 0) {
      // A NUL that only `\x00`, `\u0000` or `\0` spelt (a regex in a filter, C source) is text: no parser the value
      // meets turns those escapes into a byte unless it evaluates code, which other detectors read. Percent-encoding
      // and character references are undone by the servers and parsers behind (`%2500`).
      const bytes = view.via === 'decoded' ? decodeHtmlEntities(percentDecodeDeep(item.value)) : view.text;
      const at = bytes.indexOf('\0');
      if (at !== -1) out.emit(R.nul, excerpt(bytes.replaceAll('\0', '\\0'), Math.max(0, at - 20)));
      // Other control characters count as received, or once a cookie's percent-encoding is undone (frameworks
      // decode cookies); one that a decoding layer made of a body or header value (`%10s`, `%08.2f` in a printf
      // format string read as percent-escapes) is nobody's byte.
      else if (view.via !== 'decoded' || item.kind === 'cookie' || item.location.startsWith('cookie-name:')) out.emit(R.control, '');
    }
    if ((view.mask & M.NEWLINE) === 0) return;
    // No form, query string, JSON member or cookie has a multi-line name: one that has is aimed at a parser that
    // writes names into headers or line-based formats.
    // The value as received (a `\n` escape decoded in another view is text, `C:\new=1`).
    if (view.via !== 'raw') return;
    if (item.kind === 'key') out.emit(R.newlineName, excerpt(view.text, 0));
    else if (item.kind === 'query' && (view.mask & M.EQ) !== 0) {
      const p = NEWLINE_PARAMETER.exec(view.text);
      if (p !== null) out.emit(R.newlineParameter, excerpt(view.text, p.index));
    }
  },
};
/** A line break, then a parameter name and '=' (`x%0D%0Aadmin=1`). */
const NEWLINE_PARAMETER = re('[\\r\\n][A-Za-z_][\\w.\\-\\[\\]]{0,63}=');

/** Content-Type findings depend on the header alone, and clients send the same few values: remembered, bounded. */
const CONTENT_TYPE_MEMO = new BoundedMap<string, ReadonlyArray<readonly [Rule, string]>>(256);

function contentTypeFindings(ct: string): ReadonlyArray<readonly [Rule, string]> {
  const known = CONTENT_TYPE_MEMO.get(ct);
  if (known !== undefined) return known;
  const found: Array<readonly [Rule, string]> = [];
  const head = ct.split(';')[0] ?? '';
  // Boundaries are often sent unquoted with characters RFC 2046 only allows quoted: do not hold that against them.
  const b = ct.indexOf('boundary=');
  if (!validMediaType(b === -1 ? ct : ct.slice(0, b) + 'boundary=x')) found.push([R.contentTypeSyntax, ct.slice(0, 80)]);
  // A multipart subtype the gateway does not parse as form data while a framework may: an uninspected body.
  if (ct.startsWith('multipart/') && !MULTIPART_TYPES.has(head.trim())) found.push([R.multipartSubtype, head.slice(0, 60)]);
  if (ct.indexOf('charset=') !== ct.lastIndexOf('charset=')) found.push([R.duplicateParam, ct.slice(0, 80)]);
  const cs = /* charset parameter */ param(ct, 'charset');
  if (cs !== undefined && !GOOD_CHARSETS.has(cs.replaceAll('"', '').replaceAll("'", '').trim())) found.push([R.charset, ct.slice(0, 80)]);
  const types = head.split(',').length > 1 || head.split('/').length > 2;
  if (types || (ct.includes('boundary=') && !ct.startsWith('multipart/'))) found.push([R.contentTypeConfusion, ct.slice(0, 80)]);
  if (ct.length <= 256) CONTENT_TYPE_MEMO.set(ct, found);
  return found;
}

export const protocolDetector: RequestDetector = {
  name: 'protocol',
  rules: [R.encodedDotSegment, R.manyRanges, R.acceptCharset, R.method, R.charset, R.multipartCharset, R.range, R.contentTypeConfusion, R.headerNewline, R.target, R.contentLength, R.contentTypeSyntax, R.duplicateParam, R.bodyOnGet, R.encoding, R.iisEncoding, R.utf8, R.doubleEncoding, R.extension, R.header, R.host, R.version, R.connection, R.multipartSubtype, R.missingLength, R.doubleUnreserved, R.multipartName, R.methodOverride, R.legacyCookie],
  inspect(req: InspectRequest, ex: Extracted, out: Emitter, at: (location: string) => void): void {
    const method = req.method.toUpperCase();
    if (!METHODS.has(method) || method !== req.method || method === 'CONNECT') {
      at('method');
      out.emit(R.method, req.method.slice(0, 40));
    }
    if (!req.path.startsWith('/') && req.path !== '*') {
      at('path');
      out.emit(R.target, req.path.slice(0, 80));
    }
    target(req, ex, out, at);
    acceptCharsets(ex, out, at);
    if (req.httpVersion !== undefined && req.httpVersion !== '') {
      const v = req.httpVersion.replace(/* a leading HTTP/ */ 'HTTP/', '');
      // RFC 9114 §3.1 names HTTP/3 "h3": no request line carries "3.0".
      if (v !== '1.1' && v !== '1.0' && v !== '2' && v !== '2.0' && v !== '3') {
        at('version');
        out.emit(R.version, req.httpVersion.slice(0, 20));
      } else if (v === '1.0' && (method === 'POST' || method === 'PUT') && !ex.headers.has('content-length')) {
        at('header:content-length');
        out.emit(R.missingLength, method);
      }
    }
    const conn = ex.headers.get('connection');
    if (conn !== undefined && conn.includes(',')) {
      const opts = conn.toLowerCase().split(',').map((o) => o.trim());
      if (new Set(opts).size !== opts.length || (opts.includes('close') && opts.includes('keep-alive'))) {
        at('header:connection');
        out.emit(R.connection, conn.slice(0, 60));
      }
    }
    framing(req, ex, method, out, at);
    methodOverride(ex, method, out, at);
    // Browsers have never sent `$Version`; Java servers that still parse RFC 2109 read quoted values across ';'.
    const cookie = ex.headers.get('cookie');
    if (cookie !== undefined && cookie.toLowerCase().includes('$version')) {
      at('header:cookie');
      out.emit(R.legacyCookie, cookie.slice(0, 60));
    }
    const ct = ex.contentType;
    if (ct !== '') {
      at('header:content-type');
      for (const [rule, fragment] of contentTypeFindings(ct)) out.emit(rule, fragment);
      if (ct.startsWith('multipart/') && ex.bodyText !== '') multipart(ex, req, out, at);
    }
    for (let k = 0; k < 2; k++) {
      const h = k === 0 ? 'range' : 'request-range';
      const v = ex.headers.get(h);
      if (v !== undefined && rangeAbuse(v)) {
        at(`header:${h}`);
        out.emit(R.range, v.slice(0, 80));
      } else if (v !== undefined && v.split(',').length > 5 && !req.path.toLowerCase().endsWith('.pdf')) {
        // More than five ranges outside PDF byte-serving (the one client that needs many) is range amplification.
        at(`header:${h}`);
        out.emit(R.manyRanges, v.slice(0, 80));
      }
    }
    for (const [name, v] of ex.headers) {
      if (v.includes('\n') || v.includes('\r')) {
        at(`header:${name}`);
        out.emit(R.headerNewline, v.slice(0, 80));
      }
    }
  },
};
const ENCODED_DOT_SEGMENT = re('(?:^|/|%2f|\\\\|%5c)(?:%2e|\\.){0,1}%2e(?:%2e|\\.)?(?:$|/|%2f|\\\\|%5c|;|\\?)', 'i');
/** An editor's backup of a file as a middle segment (`/config.php~/x`); `~name~` is a user name, not a backup. */
const BACKUP_SEGMENT = re('/[^/~]{0,100}\\.[a-z0-9]{1,8}~/', 'i');
const RESTRICTED_EXT = re('\\.(?:sql|bak|db|dump|backup|tar|old)\\.(?:zip|gz|tgz|bz2|xz|7z|rar)$|\\.(?:bak|backup|old|orig|save|swp|swo|tmp|temp|sql|sqlite|sqlite3|db|mdb|rdb|dump|dmp|log|cfg|conf|config|ini|env|key|pem|p12|pfx|jks|kdbx|passwd|htpasswd|htaccess|git|svn|hg|ds_store|inc|dist|lock)$|~$', 'i');
// Request-Range: Netscape's obsolete Range, sent today only to slip range requests past range checks.
const RESTRICTED_HEADERS: ReadonlySet<string> = new Set(['proxy', 'lock-token', 'content-range', 'if', 'translate', 'x-forwarded-server', 'request-range']);
/** `name="a;b"`: the raw field name of a part (form authors write names; only crafted ones hold these). */
const ENTITY_REF = re('&#?[a-z0-9]{1,10};', 'gi');
const PART_NAME = re('(?:^|[;\\s])name\\s{0,4}=\\s{0,4}"([^"\\r\\n]{0,200})"', 'i');

function target(req: InspectRequest, ex: Extracted, out: Emitter, at: (location: string) => void): void {
  // A form body is percent-encoded like a query (WHATWG application/x-www-form-urlencoded).
  if (req.path.indexOf('%') !== -1) encodings('path', req.path, out, at);
  if (req.query.indexOf('%') !== -1) encodings('query', req.query, out, at);
  if (ex.contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = ex.bodyText.slice(0, 65_536);
    if (form.indexOf('%') !== -1) encodings('body', form, out, at);
  }
  // Clients resolve dot segments before sending (RFC 3986 §5.2.4) and never encode a dot (an unreserved
  // character): `/%2e%2e/` or `/.%2e/` is written to pass a proxy's normalisation and climb on the server
  // (CVE-2021-41773).
  if (req.path.indexOf('%') !== -1 && ENCODED_DOT_SEGMENT.test(req.path)) {
    at('path');
    out.emit(R.encodedDotSegment, req.path.slice(0, 80));
  }
  // Only a last segment with a dot or a '~' can name a restricted extension.
  const path = req.path;
  const q = path.indexOf('?');
  const segs = q === -1 ? path : path.slice(0, q);
  // The server reads the name decoded: `dump%2Erdb` is dump.rdb.
  const raw = segs.slice(segs.lastIndexOf('/') + 1);
  const last = raw.includes('%') ? percentDecodeOnce(raw, false) : raw;
  if (((last.includes('.') || last.endsWith('~')) && RESTRICTED_EXT.test(last)) || (segs.includes('~/') && BACKUP_SEGMENT.test(segs))) {
    at('path');
    out.emit(R.extension, segs.slice(-60));
  }
}

/** Malformed, %u, double and overlong percent-encodings of one raw target part or form body. */
function encodings(loc: string, raw: string, out: Emitter, at: (location: string) => void): void {
  at(loc);
  let bad = false;
  let iis = false;
  let double = false;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '%') continue;
    const h = raw.slice(i + 1, i + 3);
    if ((raw[i + 1] === 'u' || raw[i + 1] === 'U') && isHex(raw.slice(i + 2, i + 6), 4)) iis = true;
    else if (!isHex(h, 2)) bad = true;
    else {
      if (h === '25' && isHex(raw.slice(i + 3, i + 5), 2)) double = true;
      bytes.push(parseInt(h, 16));
      if (raw[i + 3] !== '%') bytes.push(-1);
    }
  }
  if (iis) out.emit(R.iisEncoding, raw.slice(0, 80));
  if (bad) out.emit(R.encoding, raw.slice(0, 80));
  if (double) out.emit(R.doubleEncoding, raw.slice(0, 80));
  if (raw.includes('%25') && encodedUnreserved(percentDecodeOnce(raw, loc !== 'path')) >= 2) out.emit(R.doubleUnreserved, raw.slice(0, 80));
  if (!validUtf8Runs(bytes)) out.emit(R.utf8, raw.slice(0, 80));
}

/**
 * Escapes of letters and digits in a once-decoded target (`%2573`, `%25%37%33` both give `%73`): RFC 3986 §2.3
 * says these never need encoding, so an encoder that runs twice does not produce them; evasion does.
 */
function encodedUnreserved(once: string): number {
  let n = 0;
  for (let i = once.indexOf('%'); i !== -1 && i < 65_536; i = once.indexOf('%', i + 1)) {
    const h = once.slice(i + 1, i + 3);
    if (!isHex(h, 2)) continue;
    const c = parseInt(h, 16);
    if ((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122)) n++;
  }
  return n;
}

/** Charset parameters inside Accept media ranges (`text/html;charset=CP1026`): a response encoding evasion. */
function acceptCharsets(ex: Extracted, out: Emitter, at: (location: string) => void): void {
  const accept = ex.headers.get('accept');
  if (accept === undefined || !accept.toLowerCase().includes('charset=')) return;
  for (const range of accept.toLowerCase().split(',')) {
    const cs = param(range, 'charset');
    if (cs !== undefined && !ACCEPT_CHARSETS.has(cs.replaceAll('"', '').replaceAll("'", '').trim())) {
      at('header:accept');
      out.emit(R.acceptCharset, accept.slice(0, 80));
      return;
    }
  }
}

function isHex(s: string, n: number): boolean {
  if (s.length !== n) return false;
  for (const c of s.toLowerCase()) if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

/** Runs of percent-encoded bytes (separated by -1) must be valid, shortest-form UTF-8 (RFC 3629 §3). */
function validUtf8Runs(bytes: number[]): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? -1;
    if (b < 0x80) continue;
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return false;
    const b1 = bytes[i + 1] ?? -1;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f) || (b === 0xed && b1 > 0x9f)) return false;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] ?? -1;
      if (c < 0x80 || c > 0xbf) return false;
    }
    i += need;
  }
  return true;
}

function framing(req: InspectRequest, ex: Extracted, method: string, out: Emitter, at: (location: string) => void): void {
  const cl = ex.headers.get('content-length');
  if (cl !== undefined && !digitsOnly(cl.trim())) {
    at('header:content-length');
    out.emit(R.contentLength, cl.slice(0, 40));
  }
  if ((method === 'GET' || method === 'HEAD') && (ex.bodyText !== '' || (cl !== undefined && cl.trim() !== '0'))) {
    at('body');
    out.emit(R.bodyOnGet, method);
  }
  for (const h of ex.headers.keys()) {
    if (RESTRICTED_HEADERS.has(h)) {
      at(`header:${h}`);
      out.emit(R.header, h);
    }
  }
  const host = ex.headers.get('host');
  // RFC 9110 §4.2.1 / RFC 9112 §3.2: an http(s) target has a non-empty host, so an empty Host with an
  // origin-form target names no one (only an authority-less URI may send it empty).
  if (host !== undefined && (!HOST.test(host) || (host.trim() === '' && req.path.startsWith('/')))) {
    at('header:host');
    out.emit(R.host, host.slice(0, 80));
  }
}
const HOST = re('^(?:[a-z0-9._~-]{0,253}|\\[[0-9a-f:.]{2,45}\\])(?::\\d{1,5})?$', 'i');

function digitsOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}


const TCHAR = "!#$%&'*+-.^_`|~";
function isToken(s: string): boolean {
  if (s === '' || s.length > 127) return false;
  for (const c of s) if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || TCHAR.includes(c))) return false;
  return true;
}

/** RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] ), lower-cased input. */
export function validMediaType(ct: string): boolean {
  const parts = ct.split(';');
  const [type, sub, extra] = (parts[0] ?? '').trim().split('/');
  if (type === undefined || sub === undefined || extra !== undefined || !isToken(type) || !isToken(sub)) return false;
  for (const p of parts.slice(1)) {
    const t = p.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq <= 0 || !isToken(t.slice(0, eq).trim())) return false;
    const v = t.slice(eq + 1).trim();
    const quoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"') && !v.slice(1, -1).includes('"');
    if (!quoted && !isToken(v)) return false;
  }
  return true;
}

function param(ct: string, name: string): string | undefined {
  const at = ct.indexOf(name + '=');
  if (at === -1) return undefined;
  const rest = ct.slice(at + name.length + 1);
  const semi = rest.indexOf(';');
  return (semi === -1 ? rest : rest.slice(0, semi)).trim();
}

function multipart(ex: Extracted, req: InspectRequest, out: Emitter, at: (location: string) => void): void {
  const b = boundaryOf(req.contentType ?? ex.headers.get('content-type') ?? '');
  if (b === undefined) return;
  for (const p of parseMultipart(ex.bodyText, b, 100)) {
    const h = p.headers.toLowerCase();
    const cs = p.contentType === undefined ? undefined : param(p.contentType.toLowerCase(), 'charset');
    const charsetPart = p.name === '_charset_' && !GOOD_CHARSETS.has(p.body.trim().toLowerCase());
    if ((cs !== undefined && !GOOD_CHARSETS.has(cs)) || charsetPart || h.includes('content-transfer-encoding')) {
      at(`body-part:${p.name ?? ''}`);
      out.emit(R.multipartCharset, excerpt(p.headers, 0));
    }
    // Multipart parsers disagree on `;`, `=`, quotes and backslashes inside a name: one part, two readings.
    const n = PART_NAME.exec(p.headers);
    // Browsers write characters the page charset lacks as references (&auml;): those are not separators.
    const raw = (n?.[1] ?? '').replace(ENTITY_REF, '_');
    if (raw.includes(';') || raw.includes('=') || raw.includes('\\') || raw.includes("'")) {
      at(`body-part:${p.name ?? ''}`);
      out.emit(R.multipartName, raw.slice(0, 60));
    }
  }
}

function rangeAbuse(v: string): boolean {
  const eq = v.indexOf('=');
  // RFC 9110 §14.2: ranges-specifier = range-unit "=" range-set.
  if (eq <= 0) return true;
  const ranges = v.slice(eq + 1).split(',');
  if (ranges.length > 32) return true;
  for (const r of ranges) {
    const [a, b] = r.trim().split('-');
    if (a !== undefined && b !== undefined && a !== '' && b !== '' && Number(b) < Number(a)) return true;
  }
  return false;
}

export const scannerDetector: RequestDetector = {
  name: 'scanner',
  rules: Object.values(SCANNER),
  inspect(req: InspectRequest, ex: Extracted, out: Emitter, at: (location: string) => void): void {
    const ua = ex.headers.get('user-agent');
    if (ua !== undefined) {
      const m = SCANNERS.exec(ua);
      if (m !== null) {
        at('header:user-agent');
        out.emit(SCANNER.userAgent, m[0]);
      }
    }
    const p = SCANNER_PATHS.exec(req.path);
    if (p !== null) {
      at('path');
      out.emit(SCANNER.path, p[0]);
    }
    for (const h of ex.headers.keys()) {
      if (SCANNER_HEADERS.has(h)) {
        at(`header:${h}`);
        out.emit(SCANNER.header, h);
        break;
      }
    }
  },
};

/** Session fixation (CAPEC-61): a session id planted through the URL, typically from a link on another site. */
export const sessionDetector: RequestDetector = {
  name: 'session-fixation',
  rules: Object.values(SESSION),
  inspect(req: InspectRequest, ex: Extracted, out: Emitter, at: (location: string) => void): void {
    // Parameter names of the query or of a form body that carry a session id (every name checked has "s").
    const q = req.query.toLowerCase();
    const form = ex.contentType.startsWith('application/x-www-form-urlencoded') || ex.contentType.startsWith('multipart/');
    if (!q.includes('sess') && !q.includes('sid') && !q.includes('cf') && !form) return;
    let exact: string | undefined;
    let named: { name: string; location: string } | undefined;
    for (const item of ex.items) {
      if (item.kind !== 'key' || !(item.location.startsWith('query-key:') || item.location.startsWith('body-key:'))) continue;
      const name = item.value.toLowerCase();
      if (item.location.startsWith('query-key:') && exact === undefined && SESSION_PARAMS.includes(name)) exact = name;
      if (named === undefined && (SESSION_PARAMS.includes(name) || sessionName(name))) named = { name, location: item.location.replace('-key:', ':') };
    }
    if (named === undefined) return;
    const referer = ex.headers.get('referer');
    const host = (ex.headers.get('host') ?? '').toLowerCase().split(':')[0] ?? '';
    if (referer === undefined || referer === '') {
      if (exact === undefined) return;
      at(`query:${exact}`);
      out.emit(SESSION.inUrl, exact);
      return;
    }
    let refHost: string;
    try {
      refHost = new URL(referer).hostname.toLowerCase();
    } catch {
      refHost = '';
    }
    at(named.location);
    if (refHost !== host) out.emit(SESSION.offSite, `${named.name} from ${refHost.slice(0, 60)}`);
  },
};

/** `_flask_session`, `play_session`, `koa:sess`, `connect.sid`, `laravel_session`: a word of the name is a session word. */
function sessionName(name: string): boolean {
  if (name.length > 40) return false;
  for (const w of name.split(/* separators of framework cookie names */ SESSION_NAME_SPLIT)) {
    if (w === 'session' || w === 'sess' || w === 'sessid' || w === 'sessionid' || w === 'sid' || w === 'cfsid' || w === 'jsessionid' || w === 'phpsession' || w === 'weblogicsession' || w === 'jservsession' || w === 'jwsession') return true;
  }
  return false;
}


const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/**
 * `_method=PUT` (Rails, Laravel forms) and X-HTTP-Method-Override turn a POST into another method. On a GET (a
 * link or an image can send it: CSRF) or towards TRACE or CONNECT, it only serves to get past method rules (a
 * value that names no method overrides nothing).
 */
function methodOverride(ex: Extracted, method: string, out: Emitter, at: (location: string) => void): void {
  let value: string | undefined;
  let where = '';
  for (const h of OVERRIDE_HEADERS) {
    const v = ex.headers.get(h);
    if (v !== undefined) {
      value = v;
      where = `header:${h}`;
    }
  }
  // The extracted items already name the field (a JSON member would be body:/_method): no text to search again.
  if (value === undefined) {
    const form = ex.contentType.startsWith('application/x-www-form-urlencoded');
    for (const item of ex.items) {
      if ((item.kind === 'query' || (form && item.kind === 'body')) && (item.location === 'query:_method' || item.location === 'body:_method')) {
        value = item.value;
        where = item.location;
        break;
      }
    }
  }
  if (value === undefined) return;
  const m = value.trim().toUpperCase();
  if (((method === 'GET' || method === 'HEAD') && METHODS.has(m)) || m === 'TRACE' || m === 'TRACK' || m === 'CONNECT') {
    at(where);
    out.emit(R.methodOverride, value.slice(0, 40));
  }
}
