import { BoundedMap } from '../../core/bounded-map.js';
import { graphqlStrings } from './graphql.js';
import type { InspectRequest, JsonHint } from '../types.js';
import type { Item } from '../rule.js';
import { base64Json, hasBase64Run, jwtHeader, looksBase64 } from '../normalize/base64.js';
import { percentDecodeOnce } from '../normalize/percent.js';
import { parseCookies, parseUrlEncoded } from './form.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { xmlLeaves } from './xml.js';

/**
 * Headers that carry no free input worth inspecting (framing, negotiation, caching) or are checked by the
 * protocol detector on their own. Every other header (User-Agent, Referer, Cookie, custom X-*) is inspected.
 */
const SKIP_HEADERS = new Set([
  'host', 'content-length', 'connection', 'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'cache-control', 'pragma',
  'upgrade-insecure-requests', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'te', 'keep-alive', 'proxy-connection',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'dnt',
  'authorization', 'proxy-authorization', 'transfer-encoding', 'expect', 'range', 'request-range', 'if-range', 'x-request-id',
  'traceparent', 'tracestate', 'content-encoding', 'origin', 'priority', 'x-api-key', 'upgrade',
]);

const MAX_ITEMS = 1000;

export interface Extracted {
  readonly items: Item[];
  /** Bytes of item values that were left out past the cap. */
  readonly skippedBytes: number;
  readonly inspectedBytes: number;
  /** The request body as text ('' when none). */
  readonly bodyText: string;
  readonly contentType: string;
  /** Lower-cased header names mapped to their (joined) values. */
  readonly headers: ReadonlyMap<string, string>;
}

class Collector {
  readonly items: Item[] = [];
  bytes = 0;
  skipped = 0;
  constructor(private readonly cap: number) {}
  add(item: Item): void {
    const n = item.value.length;
    if (n === 0) return;
    if (this.bytes + n > this.cap || this.items.length >= MAX_ITEMS) {
      this.skipped += n;
      return;
    }
    this.bytes += n;
    this.items.push(item);
    // A base64 JSON document (a cursor, a state blob) is read member by member, once (not inside another). The
    // prefix test in base64Json rejects nearly every value before the location is looked at.
    if (n >= 8 && item.kind !== 'key' && item.kind !== 'xml') {
      const doc = base64Json(item.value);
      if (doc !== undefined && !item.location.includes('#base64')) walkValue(doc, undefined, '', 0, this, `${item.location}#base64`);
      // A JWT in a cookie, a parameter or a header: its JOSE header's members (`kid`, `jku`) are read one by one.
      else if (n >= 16 && item.value.charCodeAt(0) === 101) this.jwt(item.value, item.location);
    }
  }
  jwt(token: string, location: string): void {
    // `eyJ` is `{"` in base64: every JOSE header starts so.
    if (token.charCodeAt(0) !== 101 || token.charCodeAt(1) !== 121 || token.charCodeAt(2) !== 74 || location.includes('#jwt')) return;
    const dot = token.indexOf('.');
    if (dot < 8) return;
    const segment = token.slice(0, dot);
    let header = JOSE_HEADERS.get(segment);
    if (header === undefined) JOSE_HEADERS.set(segment, (header = readableMembers(jwtHeader(token))));
    if (header !== null) walkValue(header, undefined, '', 0, this, `${location}#jwt-header`);
  }
}

/**
 * Decoded JOSE headers by their encoded form, members that cannot carry an injection left out (null: none left).
 * A client sends the same header on every request (one issuer, a few keys): it is decoded once. Bounded, and a
 * pure function of its key, so whatever a client sends only evicts entries.
 */
const JOSE_HEADERS = new BoundedMap<string, Record<string, unknown> | null>(64);

/** The members worth reading: not plain tokens (`"alg":"HS256"`, `"typ":"JWT"`, a base64url `kid` thumbprint). */
function readableMembers(doc: object | undefined): Record<string, unknown> | null {
  if (doc === undefined) return null;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === 'string' && isPlainToken(v) && isPlainKey(k)) continue;
    (out ??= {})[k] = v;
  }
  return out;
}

/** Letters, digits and `+._-` only, 64 at most: no syntax of any language the detectors read. */
function isPlainToken(v: string): boolean {
  if (v.length === 0 || v.length > 64) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 43 || c === 46 || c === 95 || c === 45)) return false;
  }
  return true;
}

export function extract(req: InspectRequest, cap: number): Extracted {
  const c = new Collector(cap);
  const headers = new Map<string, string>();
  const h = req.headers;
  for (const name in h) {
    const v = h[name];
    if (v === undefined || !Object.hasOwn(h, name)) continue;
    headers.set(isLowerCase(name) ? name : name.toLowerCase(), typeof v === 'string' ? v : v.join(', '));
  }
  pathItems(req.path, c);
  const inertQuery = req.inertQuery;
  const pairs = parseUrlEncoded(req.query, MAX_ITEMS);
  for (const [k, v] of pairs) {
    if (inertQuery !== undefined && inertQuery.has(k)) continue;
    c.add({ location: `query-key:${k}`, value: k, kind: 'key' });
    // GraphQL over GET: `?query={user(id:"7"){name}}` is a document whose string literals are the values.
    const strings = k === 'query' && v !== undefined ? graphqlStrings(v) : undefined;
    if (strings !== undefined) for (const s of strings) c.add({ location: `query:${k}`, value: s, kind: 'query' });
    else if (v !== undefined) c.add({ location: `query:${k}`, value: v, kind: 'query' });
  }
  if (pairs.length > 1) joinRepeated(pairs, c);
  for (const [name, value] of headers) {
    if (SKIP_HEADERS.has(name)) {
      if (name === 'authorization') {
        basicUser(value, c);
        // A bearer JWT's header is read before its signature is checked (`kid` injection, `jku` fetches).
        if (value.length > 23 && (value.charCodeAt(0) | 0x20) === 98 && value.slice(0, 7).toLowerCase() === 'bearer ') c.jwt(value.slice(7).trim(), 'header:authorization');
      }
      // Negotiation and credential headers have a fixed grammar and are not read; a lookup in one (`Accept-Language:
      // en,${jndi:ldap://x}`, a Bearer token of `${jndi:...}`) is what Log4Shell scanners spray, and a logger expands it.
      // A negotiation value outside its grammar (`Accept-Language: ../../../etc/passwd`, read by an i18n loader
      // as a file name) is read like any header.
      if (value.includes('${') || (name !== 'authorization' && name !== 'proxy-authorization' && outsideTokenGrammar(value))) c.add({ location: `header:${name}`, value, kind: 'header', header: name });
      continue;
    }
    if (name === 'cookie') {
      for (const [k, v] of parseCookies(value, MAX_ITEMS)) {
        c.add({ location: `cookie-name:${k}`, value: k, kind: 'key' });
        c.add({ location: `cookie:${k}`, value: v, kind: 'cookie' });
      }
      continue;
    }
    // A plain media type (application/json; charset=utf-8) has only token characters: the protocol rules check
    // its syntax, and nothing in it can be injected. Anything else in Content-Type is inspected like any header.
    if (name === 'content-type' && isPlainMediaType(value)) continue;
    c.add({ location: `header:${name}`, value, kind: 'header', header: name });
  }
  const contentType = (req.contentType ?? headers.get('content-type') ?? '').toLowerCase();
  if (req.json !== undefined) {
    walkValue(req.json.value, req.json.hint, '', 0, c, 'body');
    return new ParsedBody(c, contentType, headers, req.body);
  }
  const bodyText = decodeBody(req.body);
  if (bodyText !== '') bodyItems(bodyText, contentType, req.contentType ?? headers.get('content-type') ?? '', c, 'body');
  return { items: c.items, skippedBytes: c.skipped, inspectedBytes: c.bytes, bodyText, contentType, headers };
}

/**
 * A value the negotiation and framing headers' grammars (RFC 9110 token lists, quoted strings, parameters,
 * dates, media ranges) never produce: a `..`, or a character of markup, code or shell.
 */
function outsideTokenGrammar(v: string): boolean {
  if (v.includes('..')) return true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // < > ' ` ( ) { } \ $ | ! %
    if (c === 60 || c === 62 || c === 39 || c === 96 || c === 40 || c === 41 || c === 123 || c === 125 || c === 92 || c === 36 || c === 124 || c === 33 || c === 37) return true;
  }
  return false;
}

/**
 * HTTP parameter pollution: ASP.NET (and others) join a repeated parameter's values with commas, so
 * `id=1/*&id=*\/union/*&id=*\/select...` reaches the application as one statement. Each repeated key's joined
 * values are read as one more value (a few keys, bounded).
 */
function joinRepeated(pairs: ReadonlyArray<readonly [string, string | undefined]>, c: Collector): void {
  const n = Math.min(pairs.length, 64);
  let joined = 0;
  for (let i = 0; i < n && joined < 4; i++) {
    const k = pairs[i]?.[0];
    let first = true;
    for (let j = 0; j < i; j++) if (pairs[j]?.[0] === k) first = false;
    if (!first) continue;
    const values: string[] = [];
    for (let j = i; j < n; j++) {
      const p = pairs[j];
      if (p !== undefined && p[0] === k && p[1] !== undefined) values.push(p[1]);
    }
    if (values.length < 2) continue;
    joined++;
    c.add({ location: `query:${k}`, value: values.join(','), kind: 'query' });
  }
}

/**
 * The user name of `Authorization: Basic` credentials, which applications look up (in SQL, LDAP) as they would a
 * form field. The password is not inspected: a password may hold any character.
 */
function basicUser(value: string, c: Collector): void {
  if (value.length < 8 || value.length > 1024 || (value.charCodeAt(0) | 0x20) !== 98 || value.slice(0, 6).toLowerCase() !== 'basic ') return;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  if (user !== '') c.add({ location: 'header:authorization', value: user, kind: 'query' });
}

function decodeBody(body: string | Uint8Array | undefined): string {
  return body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** A body the caller parsed already: its text is decoded only if a request detector asks for it. */
class ParsedBody implements Extracted {
  readonly items: Item[];
  readonly skippedBytes: number;
  readonly inspectedBytes: number;
  private text: string | undefined;
  constructor(
    c: Collector,
    readonly contentType: string,
    readonly headers: ReadonlyMap<string, string>,
    private readonly body: string | Uint8Array | undefined,
  ) {
    this.items = c.items;
    this.skippedBytes = c.skipped;
    this.inspectedBytes = c.bytes;
  }
  get bodyText(): string {
    return (this.text ??= decodeBody(this.body));
  }
}

/** type/subtype with an optional charset parameter, letters, digits and . + - only (RFC 6838 names). */
function isPlainMediaType(v: string): boolean {
  const semi = v.indexOf(';');
  const head = semi === -1 ? v : v.slice(0, semi);
  const slash = head.indexOf('/');
  if (slash <= 0 || slash === head.length - 1 || !mediaChars(head, 0, slash) || !mediaChars(head, slash + 1, head.length)) return false;
  if (semi === -1) return true;
  const param = v.slice(semi + 1).trim().toLowerCase();
  return param.startsWith('charset=') && param.length > 8 && mediaChars(param, 8, param.length);
}

function mediaChars(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 46 || c === 43 || c === 45 || c === 95)) return false;
  }
  return true;
}

function isLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return false;
  }
  return true;
}

function pathItems(path: string, c: Collector): void {
  const decoded = percentDecodeOnce(path, false);
  c.add({ location: 'path', value: decoded, kind: 'path' });
  // Segments too: a numeric-context injection sits at the start of its segment, and a base64 segment decodes on
  // its own (the whole path, with its slashes, is no base64 value).
  if (decoded.length <= 1) return;
  const plain = isPlainPath(decoded);
  if (plain && !mayHoldBase64(decoded)) return;
  const segs = decoded.split('/');
  for (let i = 0; i < segs.length && i < 32; i++) {
    const seg = segs[i] ?? '';
    if (seg !== '' && seg !== decoded && (!isPlainPath(seg) || (seg.length >= 8 && looksBase64(seg, 8)))) c.add({ location: `path:${i}`, value: seg, kind: 'path' });
  }
}

/** A capital and a lower-case letter: what any base64 segment of at least eight characters holds (looksBase64). */
function mayHoldBase64(s: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < s.length && !(upper && lower); i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return upper && lower;
}

function isPlainKey(k: string): boolean {
  if (k.length > 40) return false;
  for (let i = 0; i < k.length; i++) {
    const ch = k.charCodeAt(i);
    const ok = (ch >= 48 && ch <= 57) || ((ch | 0x20) >= 97 && (ch | 0x20) <= 122) || ch === 45 || (ch === 95 && k.charCodeAt(i + 1) !== 95);
    if (!ok) return false;
  }
  return true;
}

/**
 * Words in camelCase or PascalCase with optional acronyms and a numeric suffix ("firstName", "itemsPerPage",
 * "userID", "HTMLParser", "address2"): identifiers as schemas spell them. Every word must hold a vowel, which
 * base64 blobs ("cnVudGltZQ", "rO0ABQ") almost never manage across all their case changes.
 */
export function isCamelCase(k: string): boolean {
  const n = k.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let caps = 0;
    while (i < n && isUpper(k.charCodeAt(i))) {
      i++;
      caps++;
    }
    if (caps > 1 && i < n && isLower(k.charCodeAt(i))) {
      // "HTMLParser": the last capital starts the next word
      i--;
      caps--;
    }
    if (caps <= 1) while (i < n && isLower(k.charCodeAt(i))) i++;
    if (i === start) break;
    // an acronym ("ID", "URL") stands as it is; a word needs a vowel
    if (caps <= 1 && !hasVowel(k, start, i)) return false;
    if (caps > 6) return false;
  }
  let d = 0;
  while (i < n && k.charCodeAt(i) >= 48 && k.charCodeAt(i) <= 57) {
    i++;
    d++;
  }
  return i === n && d <= 4;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function hasVowel(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121) return true;
  }
  return false;
}

function isPlainPath(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    const ok = (ch >= 48 && ch <= 57) || ((ch | 0x20) >= 97 && (ch | 0x20) <= 122) || ch === 47 || ch === 45 || ch === 95 || ch === 46;
    if (!ok) return false;
  }
  return true;
}

function bodyItems(text: string, ct: string, rawCt: string, c: Collector, loc: string): void {
  if (ct.includes('json') || (ct === '' && /* sniff */ (text.trimStart().startsWith('{') || text.trimStart().startsWith('[')))) {
    if (jsonItems(text, c, loc)) return;
  } else if (ct.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of parseUrlEncoded(text.trim(), MAX_ITEMS)) {
      c.add({ location: `${loc}-key:${k}`, value: k, kind: 'key' });
      if (v !== undefined) c.add({ location: `${loc}:${k}`, value: v, kind: 'body' });
    }
    return;
  } else if (ct.startsWith('multipart/')) {
    const b = boundaryOf(rawCt);
    if (b !== undefined) {
      for (const p of parseMultipart(text, b, 100)) {
        const name = p.name ?? '';
        if (name !== '') c.add({ location: `${loc}-key:${name}`, value: name, kind: 'key' });
        if (p.filename !== undefined) c.add({ location: `${loc}-file:${name}`, value: p.filename, kind: 'filename' });
        if (p.filenameStar !== undefined && p.filenameStar !== p.filename) c.add({ location: `${loc}-file:${name}`, value: p.filenameStar, kind: 'filename' });
        // A part's Content-Type that is not a media type (`image/gif' AND SLEEP(5)...`, `audio/wav;$(sleep 5)`) is
        // input too: upload handlers store it and pass it to converters.
        if (p.contentType !== undefined && !isPlainMediaType(p.contentType.trim())) c.add({ location: `${loc}-type:${name}`, value: p.contentType, kind: 'body' });
        bodyItems(p.body, (p.contentType ?? 'text/plain').toLowerCase(), p.contentType ?? '', c, `${loc}:${name}`);
      }
      return;
    }
  } else if (ct.includes('xml') || text.trimStart().startsWith('<?xml')) {
    c.add({ location: loc, value: text, kind: 'xml' });
    // Attribute names are the document's schema, not client data (as in CRS, which does not inspect them).
    for (const leaf of xmlLeaves(text, MAX_ITEMS)) if (leaf.name !== true) c.add({ location: `${loc}:${leaf.path}`, value: leaf.value, kind: 'body' });
    return;
  }
  if (isBinaryType(ct)) c.add({ location: loc, value: text, kind: 'body', binary: true });
  else c.add({ location: loc, value: text, kind: 'body' });
}

const BINARY_APPLICATION = new Set(['octet-stream', 'pdf', 'zip', 'gzip', 'x-gzip', 'x-tar', 'x-bzip2', 'x-xz', 'x-7z-compressed', 'x-rar-compressed', 'vnd.rar', 'zstd', 'wasm', 'protobuf', 'x-protobuf', 'grpc', 'msgpack', 'x-msgpack', 'cbor', 'vnd.ms-excel', 'msword', 'vnd.ms-powerpoint']);

/** Image (but SVG, which is XML), audio, video and font types, and the application types of archives and encodings. */
function isBinaryType(ct: string): boolean {
  const slash = ct.indexOf('/');
  if (slash === -1) return false;
  const major = ct.slice(0, slash);
  const semi = ct.indexOf(';', slash);
  const sub = ct.slice(slash + 1, semi === -1 ? ct.length : semi).trim();
  if (major === 'image') return !sub.startsWith('svg');
  if (major === 'audio' || major === 'video' || major === 'font') return true;
  return major === 'application' && (BINARY_APPLICATION.has(sub) || sub.startsWith('vnd.openxmlformats-officedocument.'));
}

/** JSON keys and string leaves with their JSON pointer; false when the text is not JSON. */
function jsonItems(text: string, c: Collector, loc: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  walkValue(doc, undefined, '', 0, c, loc);
  return true;
}

/**
 * Every string leaf and every key that is not a plain identifier, with its JSON pointer. With a hint (the schema
 * the value validated against), inert members are skipped and declared member names are not inspected.
 */
function walkValue(v: unknown, h: JsonHint | undefined, ptr: string, depth: number, c: Collector, loc: string, key?: string): void {
  if (h !== undefined && h.inert) return;
  if (typeof v === 'string') {
    // A GraphQL request's document (a member named `query`): its string literals are the values (see graphql.ts).
    // The member's name is passed down: testing the end of the pointer would flatten every pointer string.
    const strings = key === 'query' ? graphqlStrings(v) : undefined;
    if (strings === undefined) c.add({ location: `${loc}:${ptr}`, value: v, kind: 'body' });
    else for (const s of strings) c.add({ location: `${loc}:${ptr}`, value: s, kind: 'body' });
    return;
  }
  if (depth > 32 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    const items = h?.items;
    if (items !== undefined && items.inert) return;
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e === 'string' || (e !== null && typeof e === 'object')) walkValue(e, items, `${ptr}/${i}`, depth + 1, c, loc);
    }
    return;
  }
  const o = v as Record<string, unknown>;
  const props = h?.properties;
  const additional = h === undefined || typeof h.additional === 'boolean' ? undefined : h.additional;
  // for-in over a parsed object walks its enum cache: no key array per object.
  for (const k in o) {
    const declared = props?.get(k);
    // A declared inert member (enum, number, strict format...): neither its name nor its value is inspected.
    if (declared !== undefined && declared.inert) continue;
    // A declared member name or a plain identifier key (the API's own schema: "email", "order_id",
    // "firstName") carries nothing to inspect, unless it looks like a base64 blob rather than words.
    const inspectKey = declared === undefined && (!isPlainKey(k) || k === 'constructor' || k === 'prototype' || (hasBase64Run(k, 6) && !isCamelCase(k)));
    const child = declared ?? additional;
    const e = o[k];
    const leaf = typeof e === 'string' || (e !== null && typeof e === 'object');
    if (!inspectKey && (!leaf || (child !== undefined && child.inert))) continue;
    const p = ptr + '/' + (k.includes('~') || k.includes('/') ? k.replaceAll('~', '~0').replaceAll('/', '~1') : k);
    if (inspectKey) c.add({ location: `${loc}-key:${p}`, value: k, kind: 'key' });
    if (leaf) walkValue(e, child, p, depth + 1, c, loc, k);
  }
}
