import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import type { Extracted } from '../extract/request.js';
import { boundaryOf, parseMultipart } from '../extract/multipart.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type RequestDetector, type ValueDetector } from '../rule.js';
import type { InspectRequest } from '../types.js';

/** Protocol anomalies that attacks need: NUL bytes, unknown methods, UTF-7 charsets, multipart tricks, range abuse. */
const R = {
  nul: rule('protocol', 'protocol.nul-byte', 1, 5, 'NUL byte in an input'),
  control: rule('protocol', 'protocol.control-character', 3, 3, 'control character in an input'),
  method: rule('protocol', 'protocol.unknown-method', 1, 5, 'request method outside HTTP/WebDAV'),
  charset: rule('protocol', 'protocol.charset', 1, 5, 'body charset other than UTF-8 / Latin-1 / ASCII (UTF-7 evasion)'),
  multipartCharset: rule('protocol', 'protocol.multipart-charset', 1, 5, 'multipart part with a non-UTF-8 charset or transfer encoding'),
  range: rule('protocol', 'protocol.range-abuse', 1, 5, 'Range header with many or overlapping ranges'),
  contentTypeConfusion: rule('protocol', 'protocol.content-type-confusion', 1, 5, 'Content-Type with several media types or a boundary outside multipart'),
  headerNewline: rule('crlf', 'crlf.header-value', 1, 5, 'header value with an embedded line break'),
};
const SCANNER = {
  userAgent: rule('scanner', 'scanner.user-agent', 1, 5, 'User-Agent of a security scanner'),
  path: rule('scanner', 'scanner.probe-path', 1, 5, 'request for a scanner fingerprint path'),
};

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'QUERY']);
const GOOD_CHARSETS = new Set(['utf-8', 'utf8', 'iso-8859-1', 'iso-8859-15', 'us-ascii', 'windows-1252', 'latin1', 'ascii', 'utf-16', 'utf-16le', 'utf-16be']);
const SCANNERS = re(
  '\\b(?:nikto|sqlmap|nessus|openvas|acunetix|netsparker|appscan|w3af|burp(?:suite)?|dirbuster|gobuster|ffuf|wfuzz|nuclei|masscan|zgrab|nmap|arachni|' +
    'skipfish|wpscan|joomscan|havij|zmeu|morfeus|commix|paros|webinspect|qualys|whatweb|jaeles|xsstrike|dotdotpwn|grabber|jbrofuzz|fimap|bsqlbf|brutus|' +
    'hydra|metasploit|vega|zaproxy|owasp zap|webshag|nsauditor|pangolin|sqlninja|absinthe|cgichk|floodgate|httrack|mysqloit|n-stealth|' +
    'webvulnscan|wapiti|teh forest lobster|nasl|nessustest|struts-pwn|interactsh)\\b',
  'i',
);
const SCANNER_PATHS = re('/(?:nessustest|appscan_fingerprint|nikto-test|acunetix-wvs-test|w00tw00t|hnap1|\\.well-known/security-test|mstshash)', 'i');

export const nulDetector: ValueDetector = {
  name: 'protocol',
  rules: [R.nul, R.control],
  trigger: M.CONTROL,
  inspect(view: View, _item: Item, out: Emitter): void {
    const at = view.text.indexOf('\0');
    if (at !== -1) out.emit(R.nul, excerpt(view.text.replaceAll('\0', '\\0'), Math.max(0, at - 20)));
    else out.emit(R.control, '');
  },
};

export const protocolDetector: RequestDetector = {
  name: 'protocol',
  rules: [R.method, R.charset, R.multipartCharset, R.range, R.contentTypeConfusion, R.headerNewline],
  inspect(req: InspectRequest, ex: Extracted, out: Emitter, at: (location: string) => void): void {
    const method = req.method.toUpperCase();
    if (!METHODS.has(method) || method !== req.method) {
      at('method');
      out.emit(R.method, req.method.slice(0, 40));
    }
    const ct = ex.contentType;
    if (ct !== '') {
      at('header:content-type');
      const cs = /* charset parameter */ param(ct, 'charset');
      if (cs !== undefined && !GOOD_CHARSETS.has(cs.replaceAll('"', '').replaceAll("'", '').trim())) out.emit(R.charset, ct.slice(0, 80));
      const types = ct.split(',').length > 1 || (ct.match(/* media types */ MEDIA) ?? []).length > 1;
      if (types || (ct.includes('boundary=') && !ct.startsWith('multipart/'))) out.emit(R.contentTypeConfusion, ct.slice(0, 80));
      if (ct.startsWith('multipart/') && ex.bodyText !== '') multipart(ex, req, out, at);
    }
    for (const h of ['range', 'request-range']) {
      const v = ex.headers.get(h);
      if (v !== undefined && rangeAbuse(v)) {
        at(`header:${h}`);
        out.emit(R.range, v.slice(0, 80));
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
const MEDIA = re('[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}', 'g');

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
  }
}

function rangeAbuse(v: string): boolean {
  const eq = v.indexOf('=');
  const ranges = v.slice(eq + 1).split(',');
  if (ranges.length > 5) return true;
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
  },
};
