import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, locationName, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * SSRF and remote file inclusion: URLs (and bare hosts) in inputs, with the host parsed the way URL
 * libraries and OS resolvers read it: decimal, octal, hex and mixed IPv4 forms, IPv6 and IPv4-mapped
 * literals, loopback / private / link-local ranges, metadata names, and dangerous schemes.
 */
const R = {
  scheme: rule('ssrf', 'ssrf.scheme', 1, 5, 'URL scheme that reaches local files or raw sockets (file:, gopher:, dict:...)'),
  internal: rule('ssrf', 'ssrf.internal-host', 1, 5, 'URL aimed at loopback, private, link-local or metadata address'),
  obfuscatedIp: rule('ssrf', 'ssrf.obfuscated-ip', 1, 5, 'IP address written in decimal, octal or hex form'),
  bareInternal: rule('ssrf', 'ssrf.bare-internal-host', 2, 3, 'value is an internal address'),
  ipUrl: rule('rfi', 'rfi.ip-url', 1, 5, 'URL with an IP address as host'),
  trailingQuestion: rule('rfi', 'rfi.trailing-question-mark', 1, 5, 'URL ending in "?" (cuts off a forced suffix)'),
  userinfo: rule('ssrf', 'ssrf.userinfo-confusion', 2, 3, 'URL with credentials that disguise the real host'),
  includeParam: rule('rfi', 'rfi.include-parameter', 2, 5, 'remote URL in a parameter that names a path, directory or include'),
  offDomain: rule('rfi', 'rfi.off-domain-url', 3, 5, 'URL to another domain in a parameter'),
  ftpUrl: rule('rfi', 'rfi.ftp-url', 2, 5, 'FTP URL in a parameter (remote include over FTP; browsers no longer use FTP)'),
  unc: rule('rfi', 'rfi.unc-path', 2, 5, 'UNC path to an IP literal or to code (SMB include, NTLM hash leak)'),
  oast: rule('ssrf', 'ssrf.oast-host', 1, 5, 'host of an out-of-band interaction service (Burp Collaborator, interactsh, dnslog)'),
  loopbackRedirect: rule('ssrf', 'ssrf.loopback-browser-url', 3, 3, 'loopback URL a browser follows (an OAuth redirect URI, an origin, a link or image in markup)'),
};
/**
 * Fields whose URL a browser follows or compares, never the server: OAuth redirect URIs (a native or development
 * client registers `http://localhost:3000/callback`: RFC 8252 §7.3), origins, checkout return URLs. Names with
 * `_` and `-` removed.
 */
const BROWSER_URL_FIELDS = new Set(['redirecturi', 'redirecturis', 'redirecturl', 'redirecturls', 'postlogoutredirecturi', 'postlogoutredirecturis', 'origin', 'origins', 'allowedorigins', 'corsorigins', 'weborigins', 'returnto', 'returnurl', 'successurl', 'cancelurl']);

/** The field named last in a location (`body:/redirect_uris/1` is redirect_uris), `_` and `-` removed. */
function browserUrlField(location: string): boolean {
  let name = locationName(location);
  // An array element: its array's name.
  const c = name.charCodeAt(0);
  if (c >= 48 && c <= 57 && name.length < location.length) name = locationName(location.slice(0, location.length - name.length - 1));
  return BROWSER_URL_FIELDS.has(name.toLowerCase().replaceAll('_', '').replaceAll('-', ''));
}

/** The URL at `start` is an attribute value of markup (`<img src="http://localhost/..."`): the reader's browser loads it. */
function inMarkupAttribute(s: string, start: number): boolean {
  return start > 4 && s.lastIndexOf('<', start) !== -1 && MARKUP_URL_ATTR.test(s.slice(Math.max(0, start - 24), start));
}
const MARKUP_URL_ATTR = re('\\b(?:src|href|srcset|poster|action|cite|data-src)\\s{0,4}=\\s{0,4}["\']?$');

/** The URL at `start` ends in `:line:column` (no fragment): a source location in a stack trace. */
function sourceLocation(s: string, start: number): boolean {
  let end = start;
  while (end < s.length && end - start < 2048 && !' \t\r\n"\'<>)'.includes(s[end] ?? ' ')) end++;
  const token = s.slice(start, end);
  return !token.includes('#') && LINE_COLUMN.test(token);
}
const LINE_COLUMN = re(':\\d{1,7}:\\d{1,5}$');

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '::1' || host === '[::1]';
}
const UNC_CODE = re('\\.(?:php\\d?|phtml|jsp|aspx?|exe|dll|hta|scr|bat|cmd|ps1|vbs|js|jar|lnk|url|scf)\\s{0,4}$', 'i');
const UNC_SUFFIX = re('@(?:ssl)?(?:@\\d{1,5})?$', 'i');
/** Out-of-band interaction services: a scanner or attacker waiting for a DNS/HTTP callback. */
const OAST_SUFFIXES = ['burpcollaborator.net', 'oastify.com', 'interact.sh', 'oast.pro', 'oast.live', 'oast.site', 'oast.online', 'oast.fun', 'oast.me', 'dnslog.cn', 'ceye.io', 'bxss.me', 'xss.ht'];
/** Public names that resolve to 127.0.0.1 (loopback behind a public-looking domain). */
const LOOPBACK_DOMAINS = ['localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com', 'localhost.direct'];

const BAD_SCHEMES = new Set(['file', 'gopher', 'dict', 'ldap', 'ldaps', 'jar', 'netdoc', 'tftp', 'sftp', 'ftp', 'ftps', 'telnet', 'nntp', 'imap', 'pop3', 'smtp', 'mailto', 'jdbc', 'rmi', 'iiop', 'corba']);
const INTERNAL_NAMES = ['localhost', 'metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.com', 'metadata.packet.net', 'metadata.tencentyun.com', 'metadata.platformequinix.com', 'kubernetes.default', 'kubernetes.default.svc', 'ip6-localhost', 'ip6-loopback', '100.100.100.200', 'localhost4', 'localhost4.localdomain4', 'localhost6.localdomain6', 'ipv6-localhost', 'ipv6-loopback'];

export const ssrfDetector: ValueDetector = {
  name: 'ssrf',
  rules: Object.values(R),
  trigger: M.COLON | M.DOT | M.SLASH,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.lower;
    // Only a '/': the one shape left is a scheme-less internal target (`localhost/admin`).
    if ((view.mask & (M.DOT | M.COLON)) === 0 && !s.includes('local') && !s.includes('loopback')) return;
    const o = (view.mask & M.DOT) !== 0 ? oastAt(s) : -1;
    if (o !== -1) out.emit(R.oast, excerpt(view.text, Math.max(0, o - 30)));
    if (item.kind === 'header' && (item.header === 'referer' || item.header === 'origin')) return;
    if ((view.mask & M.BACKSLASH) !== 0) unc(view.text, s, out);
    // `unix:/path|http://x`: Apache mod_proxy reads a UNIX socket and then proxies to the URL (CVE-2021-40438).
    if ((view.mask & M.PIPE) !== 0 && s.includes('unix:')) {
      const u = s.indexOf('unix:');
      const pipe = s.indexOf('|', u);
      if (pipe !== -1 && s.indexOf('://', pipe) !== -1) out.emit(R.scheme, excerpt(view.text, u));
    }
    let at = s.indexOf(':');
    let urls = 0;
    while (at !== -1 && urls < 8) {
      let b = at;
      while (b > 0 && isSchemeChar(s.charCodeAt(b - 1))) b--;
      const scheme = s.slice(b, at);
      if (scheme !== '' && isAlpha(s.charCodeAt(b))) {
        urls++;
        url(view.text, s, b, scheme, at, item, out);
      }
      at = s.indexOf(':', at + 1);
    }
    if (urls === 0 && item.kind !== 'path') {
      const v = s.trim();
      // `//203.0.113.7/shell.txt`: a scheme-relative URL takes the page's scheme (an include or fetch target).
      if (v.startsWith('//') && (view.mask & M.DOT) !== 0) schemeRelative(view.text, v, item, out);
      const c = v.charCodeAt(0);
      // ('local' covers localhost, .local, .localdomain, localtest.me and localhost.direct.)
      const addressish = (c >= 48 && c <= 57) || c === 91 || v.includes('local') || v.includes('metadata') || v.includes('.internal') || v.includes('loopback') || v.includes('lvh.me') || v.includes('vcap.me') || v.includes('lacolhost');
      if (addressish && v.length <= 64 && (view.mask & M.SPACE) === 0) {
        const host = hostOf(authority(v, 0));
        // A bare number like 152.99 is a price, not an address: only dotted quads and explicit forms count.
        // A dash after a leading digit is a date, a time or an id (2023-11-28T15:18:20Z), never an IP form.
        const addressLike = !(isDigitStart(host) && host.includes('-')) && (host.split('.').length === 4 || host.startsWith('0x') || host.includes(':') || !isDigitStart(host));
        const kind = addressLike ? classifyHost(host) : 'name';
        if (kind === 'metadata') out.emit(R.internal, excerpt(view.text, 0));
        // `localhost/admin`, `lvh.me:8080/`: a scheme-less URL (a path after the host) is a request target, not a setting.
        // (A CIDR suffix, 10.0.0.0/8, is a network in a firewall rule.)
        else if ((kind === 'internal' || kind === 'obfuscated') && isPathAfterHost(v.slice(authority(v, 0).length))) out.emit(R.internal, excerpt(view.text, 0));
        else if (kind === 'internal' || kind === 'obfuscated') out.emit(R.bareInternal, excerpt(view.text, 0));
      }
    }
  },
};

function schemeRelative(text: string, v: string, item: Item, out: Emitter): void {
  const auth = authority(v, 2);
  const host = hostOf(auth.slice(auth.lastIndexOf('@') + 1));
  const kind = classifyHost(host);
  if (kind === 'internal' || kind === 'metadata') out.emit(R.internal, excerpt(text, 0));
  else if (kind === 'obfuscated') out.emit(R.obfuscatedIp, excerpt(text, 0));
  else if (kind === 'ip') out.emit(R.ipUrl, excerpt(text, 0));
  // `module=//evil.example/x`: a remote include written without its scheme (the page's own is used).
  else if (kind === 'name' && host.includes('.') && isIncludeParam(item.location)) out.emit(R.includeParam, excerpt(text, 0));
}

function isDigitStart(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c | 0x20) >= 97 && (c | 0x20) <= 122;
}
function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

const INCLUDE_WORDS = new Set(['include', 'inc', 'root', 'module', 'plugin', 'conf', 'config', 'template', 'tpl', 'lib', 'require']);

/** A file name used as a key (a ConfigMap's `default.conf`, `app.yaml`): its extension is no parameter word. */
const FILE_KEY = re('\\.(?:conf|cfg|ini|ya?ml|json|xml|toml|properties|txt|env|sh|js|py|php|tpl|html?)$');

/**
 * Parameter names of file-include style (PHP apps: _CONF[path], mosConfig_absolute_path, include_dir...). Only the
 * parameter's own name counts: a URL under a JSON `config` or `plugin` object (`/config/webhook_url`) is not one.
 */
function isIncludeParam(location: string): boolean {
  let name = location.slice(location.indexOf(':') + 1).toLowerCase();
  if (name.startsWith('/')) name = name.slice(name.lastIndexOf('/') + 1);
  if (name.includes('.')) name = name.replace(FILE_KEY, '');
  let token = '';
  for (let i = 0; i <= name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      token += name[i];
      continue;
    }
    if (token.endsWith('path') || token.endsWith('dir') || INCLUDE_WORDS.has(token)) return true;
    token = '';
  }
  return false;
}

function url(text: string, s: string, start: number, scheme: string, colon: number, item: Item, out: Emitter): void {
  const frag = excerpt(text, start);
  const hasSlashes = s.startsWith('//', colon + 1);
  if (BAD_SCHEMES.has(scheme) && (hasSlashes || scheme === 'dict' || scheme === 'gopher' || scheme === 'jar')) {
    // A source file named in a stack trace (`Row:file:///Users/ci/app/lib/tile.dart:71:16`) is no URL to fetch.
    if (scheme === 'file' && sourceLocation(s, start)) return;
    if (scheme !== 'ftp' && scheme !== 'ftps' && scheme !== 'mailto' && scheme !== 'sftp') out.emit(R.scheme, frag);
    else if (hasSlashes) {
      // ftp://files.example.com is a download link; ftp://10.0.0.5 or ftp://localhost reaches inside.
      const auth = authority(s, colon + 3);
      const kind = classifyHost(hostOf(auth.slice(auth.lastIndexOf('@') + 1)));
      if (kind === 'internal' || kind === 'metadata' || kind === 'obfuscated') out.emit(R.internal, frag);
      else if (scheme === 'ftp' || scheme === 'ftps') out.emit(R.ftpUrl, frag);
    }
    return;
  }
  const special = scheme === 'http' || scheme === 'https' || scheme === 'ws' || scheme === 'wss';
  // WHATWG URL: special schemes ignore any run of slashes and backslashes (http:127.0.0.1, http:/x, http:\\x).
  let from = colon + 1;
  if (special) while (s[from] === '/' || s[from] === '\\') from++;
  else if (hasSlashes) from = colon + 3;
  else return;
  if (!special && !hasSlashes) return;
  const auth = authority(s, from);
  if (auth === '') return;
  // `http://\l\o\c\a\l\h\o\s\t/`: a host spelt with escaped letters; whatever drops the backslashes reaches it.
  if (s[from + auth.length] === '\\' && isSchemeChar(s.charCodeAt(from + auth.length + 1))) {
    const k = classifyHost(hostOf(escapedAuthority(s, from)));
    if (k === 'internal' || k === 'metadata') out.emit(R.internal, frag);
  }
  if (auth.includes('@')) {
    out.emit(R.userinfo, frag);
    // `http://169.254.169.254@evil.com/`: parsers that take the userinfo for the host go inside.
    const user = auth.slice(0, auth.indexOf('@'));
    const k = classifyHost(hostOf(user.includes(':') && !user.startsWith('[') ? user.slice(0, user.indexOf(':')) : user));
    if (k === 'internal' || k === 'metadata') out.emit(R.internal, frag);
  }
  const host = hostOf(auth.slice(auth.lastIndexOf('@') + 1));
  const kind = classifyHost(host);
  if (special && kind === 'name' && isIncludeParam(item.location)) out.emit(R.includeParam, frag);
  else if (special && kind === 'name') out.emit(R.offDomain, frag);
  const loopback = kind === 'internal' && special && isLoopback(host);
  // A stack frame of a development build (`at Screen (http://localhost:8081/index.bundle?...:142311:42)`: React
  // Native's bundler) names where code ran, not a target.
  if (loopback && sourceLocation(s, start) && (s[start - 1] === '(' || s[start - 1] === '@')) return;
  if (loopback && (browserUrlField(item.location) || inMarkupAttribute(s, start))) out.emit(R.loopbackRedirect, frag);
  else if (kind === 'internal' || kind === 'metadata') out.emit(R.internal, frag);
  else if (kind === 'obfuscated') out.emit(R.obfuscatedIp, frag);
  else if (kind === 'ip' && special) out.emit(R.ipUrl, frag);
  // Parsers disagree on where userinfo ends: any "@host" later in the URL that is internal counts.
  for (let at = s.indexOf('@', from); at !== -1 && at - from < 300; at = s.indexOf('@', at + 1)) {
    const k = classifyHost(hostOf(authority(s, at + 1)));
    if (k === 'internal' || k === 'metadata') {
      out.emit(R.internal, frag);
      break;
    }
  }
  let end = from;
  while (end < s.length && s[end] !== ' ' && s[end] !== '&' && s[end] !== '"' && s[end] !== "'") end++;
  if (special && s[end - 1] === '?' && end - colon > 8) out.emit(R.trailingQuestion, frag);
}

/** The authority read through backslash-escaped characters (`\\l\\o`), the backslashes dropped. */
function escapedAuthority(s: string, from: number): string {
  let out = '';
  for (let i = from; i < s.length && out.length < 256; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && isSchemeChar(s.charCodeAt(i + 1))) continue;
    if (c === '/' || c === '?' || c === '#' || c === ' ' || c === '\\' || c === '"' || c === "'" || c === '&') break;
    out += c;
  }
  return out;
}

function authority(s: string, from: number): string {
  let end = from;
  while (end < s.length && s[end] !== '/' && s[end] !== '?' && s[end] !== '#' && s[end] !== ' ' && s[end] !== '\\' && s[end] !== '"' && s[end] !== "'" && s[end] !== '&') end++;
  return s.slice(from, end);
}

/** The host of an authority (port dropped, IPv6 brackets kept off). */
function hostOf(auth: string): string {
  if (auth.startsWith('[')) {
    const end = auth.indexOf(']');
    return auth.slice(1, end === -1 ? undefined : end);
  }
  const colon = auth.lastIndexOf(':');
  return colon === -1 || auth.indexOf(':') !== colon ? auth : auth.slice(0, colon);
}

type HostKind = 'name' | 'ip' | 'internal' | 'obfuscated' | 'metadata' | 'public';

/** Classify a host: internal names, IPv4 in any form inet_aton accepts, IPv6 (mapped) literals. */
export function classifyHost(host: string): HostKind {
  // IDNA full stops (U+3002, U+FF0E, U+FF61) are dots to URL parsers; backslashes vanish in some.
  let h = host.replaceAll('\u3002', '.').replaceAll('\uff0e', '.').replaceAll('\uff61', '.').replaceAll('\\', '');
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === '') return 'name';
  if (h.startsWith('metadata.') && !h.includes('/')) return 'metadata';
  if (INTERNAL_NAMES.includes(h) || h.endsWith('.localhost') || h.endsWith('.internal') || h.endsWith('.local') || h.endsWith('.localdomain') || h === 'localhost6') return h.startsWith('metadata') || h.startsWith('instance-data') ? 'metadata' : 'internal';
  if (LOOPBACK_DOMAINS.some((d) => h === d || h.endsWith('.' + d))) return 'internal';
  if (h.includes(':')) return classifyV6(h);
  const v4 = parseIPv4(h);
  if (v4 === undefined) return embeddedAddress(h);
  const canonical = v4.canonical;
  if (v4.value === 0xa9fea9fe) return 'metadata';
  if (isInternalV4(v4.value)) return 'internal';
  return canonical ? 'ip' : 'obfuscated';
}

/** inet_aton rules: 1-4 parts, each decimal, 0x-hex or 0-octal; the last part fills the remaining bytes. */
export function parseIPv4(h: string): { value: number; canonical: boolean } | undefined {
  const parts = h.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  let canonical = parts.length === 4;
  for (const p of parts) {
    if (p === '') return undefined;
    let n: number;
    if (p.startsWith('0x')) {
      if (p.length === 2 || !/* hex digits */ [...p.slice(2)].every((c) => '0123456789abcdef'.includes(c))) return undefined;
      // A hex number wider than 32 bits keeps its low 32 bits in the parsers that accept it.
      n = p.length > 10 ? parseInt(p.slice(-8), 16) : parseInt(p.slice(2), 16);
      canonical = false;
    } else if (p.length > 1 && p.startsWith('0')) {
      if (![...p].every((c) => c >= '0' && c <= '7')) return undefined;
      n = parseInt(p, 8);
      canonical = false;
    } else {
      if (![...p].every((c) => c >= '0' && c <= '9')) return undefined;
      n = parseInt(p, 10);
    }
    nums.push(n);
  }
  let last = nums[nums.length - 1] ?? 0;
  const lead = nums.slice(0, -1);
  if (lead.some((x) => x > 255)) return undefined;
  const lastMax = 2 ** (8 * (5 - nums.length)) - 1;
  // Some resolvers keep the low 32 bits of a longer number (7147006462 is 169.254.169.254).
  if (nums.length === 1 && last > lastMax && Number.isSafeInteger(last)) {
    last %= 2 ** 32;
    canonical = false;
  }
  if (last > lastMax) return undefined;
  let value = 0;
  for (const x of lead) value = value * 256 + x;
  value = value * (lastMax + 1) + last;
  return { value, canonical: canonical && nums.every((x) => x <= 255) };
}

function isInternalV4(v: number): boolean {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function classifyV6(h: string): HostKind {
  const z = h.indexOf('%');
  const a = z === -1 ? h : h.slice(0, z);
  if (a === '::1' || a === '::' || a === '0:0:0:0:0:0:0:1' || a.startsWith('fe80:') || a.startsWith('fc') || a.startsWith('fd')) return 'internal';
  if (a.startsWith('fd00:ec2::254')) return 'metadata';
  const mapped = a.lastIndexOf(':');
  const tail = a.slice(mapped + 1);
  if (a.includes('ffff:')) {
    if (tail.includes('.')) {
      const v4 = parseIPv4(tail);
      if (v4 !== undefined) return v4.value === 0xa9fea9fe ? 'metadata' : isInternalV4(v4.value) ? 'internal' : 'obfuscated';
    } else {
      // ::ffff:7f00:1
      const segs = a.split(':');
      const hi = parseInt(segs[segs.length - 2] ?? '', 16);
      const lo = parseInt(tail, 16);
      if (!Number.isNaN(hi) && !Number.isNaN(lo)) return isInternalV4(hi * 65536 + lo) ? 'internal' : 'obfuscated';
    }
  }
  return [...a].every((c) => '0123456789abcdef:.'.includes(c)) ? 'ip' : 'name';
}

/** Where an out-of-band service host appears (a label boundary before it), or -1. */
function oastAt(s: string): number {
  // Every suffix has one of these letter pairs before its dot: one scan for 'oast', 'act.', 'log.', 'eye.', 'ss.'.
  if (s.length < 8 || (!s.includes('oast') && !s.includes('ct.sh') && !s.includes('og.cn') && !s.includes('ye.io') && !s.includes('ss.') && !s.includes('burpc'))) return -1;
  for (const d of OAST_SUFFIXES) {
    const at = s.indexOf(d);
    if (at === -1) continue;
    const before = s.charCodeAt(at - 1);
    const after = s.charCodeAt(at + d.length);
    // Callback hosts carry a unique sub-domain (or sit after // or @): "run interact.sh" is a script name.
    const boundaryBefore = before === 46 || before === 47 || before === 64;
    const boundaryAfter = Number.isNaN(after) || !((after >= 97 && after <= 122) || (after >= 48 && after <= 57) || after === 45 || after === 46);
    if (boundaryBefore && boundaryAfter) return at;
  }
  return -1;
}

/**
 * A name that carries an internal IPv4 address in its labels (`127.0.0.1.nip.io`, `10-0-0-1.sslip.io`,
 * `app.192.168.1.5.xip.io`): wildcard DNS answers with that address, so the name is the address.
 */
function embeddedAddress(h: string): HostKind {
  // An IPv4 address needs four digits; most names have fewer.
  let digits = 0;
  for (let i = 0; i < h.length && digits < 4; i++) if (h.charCodeAt(i) >= 48 && h.charCodeAt(i) <= 57) digits++;
  if (digits < 4) return 'name';
  const labels = h.split('.');
  if (labels.length > 4) {
    for (let i = 0; i + 4 <= labels.length && i < 8; i++) {
      const quad = labels.slice(i, i + 4);
      if (quad.every((x) => x !== '' && x.length <= 3 && [...x].every((c) => c >= '0' && c <= '9'))) {
        const v = parseIPv4(quad.join('.'));
        if (v !== undefined && (v.value === 0xa9fea9fe || isInternalV4(v.value))) return v.value === 0xa9fea9fe ? 'metadata' : 'internal';
      }
    }
  }
  // `7f000001.a9fea9fe.rbndr.us`: a rebinding service answers with one address, then the other (two hex labels).
  for (let i = 0; i + 1 < labels.length && i < 8; i++) {
    const a = hexAddress(labels[i] ?? '');
    const b = a === undefined ? undefined : hexAddress(labels[i + 1] ?? '');
    if (a === undefined || b === undefined) continue;
    for (const v of [a, b]) if (v === 0xa9fea9fe || isInternalV4(v)) return v === 0xa9fea9fe ? 'metadata' : 'internal';
  }
  for (const label of labels.slice(0, 8)) {
    const parts = label.split('-');
    for (let i = 0; i + 4 <= parts.length && parts.length <= 12; i++) {
      const quad = parts.slice(i, i + 4);
      if (!quad.every((x) => x !== '' && x.length <= 3 && [...x].every((c) => c >= '0' && c <= '9'))) continue;
      const v = parseIPv4(quad.join('.'));
      if (v !== undefined && (v.value === 0xa9fea9fe || isInternalV4(v.value))) return v.value === 0xa9fea9fe ? 'metadata' : 'internal';
    }
  }
  return 'name';
}

/** An IPv4 address written as eight hex digits (`7f000001`), or undefined. */
function hexAddress(label: string): number | undefined {
  if (label.length !== 8) return undefined;
  for (let i = 0; i < 8; i++) {
    const c = label.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
  }
  return Number.parseInt(label, 16);
}

/** `/admin`, `/`: a path; `/24` alone is a CIDR prefix length. */
function isPathAfterHost(rest: string): boolean {
  if (!rest.startsWith('/')) return false;
  const bits = rest.slice(1);
  return !(bits.length > 0 && bits.length <= 3 && [...bits].every((c) => c >= '0' && c <= '9'));
}

/**
 * `\\\\evil.example\\share\\x.php`, `//203.0.113.5/s/a`: a Windows UNC path (PHP include, file APIs, Office links)
 * to a fully qualified or public host makes the server open an SMB session out, sending its NTLM hash. Intranet
 * shares are single-label names (`\\\\fileserver\\docs`) or private addresses (SSRF rules).
 */
function unc(text: string, s: string, out: Emitter): void {
  const t = s.trimStart();
  if (!t.startsWith('\\\\')) return;
  let end = 2;
  while (end < t.length && end < 260 && t[end] !== '\\' && t[end] !== '/') end++;
  const host = t.slice(2, end).replace(/* a @SSL or @port suffix of WebDAV UNC */ UNC_SUFFIX, '');
  if (end >= t.length || host === '' || !host.includes('.')) return;
  const kind = classifyHost(host);
  if (kind === 'internal' || kind === 'metadata') out.emit(R.internal, excerpt(text, 0));
  // A corporate DFS name (\\\\corp.example.com\\docs) is ordinary; an address literal or code to run is not.
  else if (kind === 'ip' || kind === 'obfuscated' || UNC_CODE.test(t)) out.emit(R.unc, excerpt(text, 0));
}
