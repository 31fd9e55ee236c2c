/**
 * Generate the public-collection corpora (wafbench JSONL) from the payload families and benign values in
 * scripts/payload-lists.ts: each value passed through several encoders and placed in several request locations,
 * recorded as `encoder` and `placement` on the line. Deterministic (no randomness): the encoder/placement
 * combinations are chosen by index, so re-running gives byte-identical files.
 *
 *   npx tsx scripts/gen-payload-corpus.ts [OUT_DIR]     (default src/detection/corpus)
 *
 * Writes payloads.jsonl (set "attack") and benign-payloads.jsonl (set "legit").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENIGN, CRLF, JNDI, LDAP, NOSQL_OBJECTS, NOSQL_STRINGS, RFI, SQLI, SSRF, SSTI, TRAVERSAL, XSS, XXE } from './payload-lists.js';

type Encoder = (s: string, i: number) => string;

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const isPlain = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === '.' || c === '~';
const mapSpecials = (s: string, f: (c: string, k: number) => string) => [...s].map((c, k) => (isPlain(c) || c === ' ' ? c : f(c, k))).join('');
const utf8Pct = (c: string) => [...Buffer.from(c, 'utf8')].map((b) => `%${hex2(b)}`).join('');
const urlEncode = (s: string) => [...s].map((c) => (isPlain(c) ? c : utf8Pct(c))).join('');
const NAMED: Record<string, string> = { '<': '&lt;', '>': '&gt;', '"': '&quot;', '&': '&amp;', "'": '&apos;' };

/** How a payload is written before it is placed: what a tester's tool or a client library does to it. */
export const ENCODERS: Record<string, Encoder> = {
  plain: (s) => s,
  url: urlEncode,
  'double-url': (s) => urlEncode(urlEncode(s)),
  // quote_plus / Go's QueryEscape: a blank is '+', so a '+' in the payload is escaped.
  'url-form': (s) => [...s].map((c) => (c === ' ' ? '+' : isPlain(c) ? c : utf8Pct(c))).join(''),
  'iis-u': (s) => mapSpecials(s, (c) => `%u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`),
  'js-unicode': (s) => mapSpecials(s, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`),
  'js-hex': (s) => mapSpecials(s, (c) => (c.charCodeAt(0) < 256 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)),
  'html-entity': (s) => mapSpecials(s, (c, k) => (k % 3 === 0 ? NAMED[c] ?? `&#${c.codePointAt(0)};` : k % 3 === 1 ? `&#x${c.codePointAt(0)!.toString(16)};` : `&#${c.codePointAt(0)};`)),
  base64: (s) => Buffer.from(s, 'utf8').toString('base64'),
  base64url: (s) => Buffer.from(s, 'utf8').toString('base64url'),
  'mixed-case': (s, i) => [...s].map((c, k) => ((k + i) % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join(''),
  'comment-ws': (s, i) => s.replaceAll(' ', ['/**/', '\t', '\n', '/**/ ', '%0a'][i % 5] ?? ' '),
};

/** The characters a placement cannot carry raw are percent-encoded; an existing %XX escape is kept as written. */
function transport(s: string, extra: string, space = false): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k] ?? '';
    const code = c.charCodeAt(0);
    const escape = (code < 0x21 && !(space && code === 0x20)) || code > 0x7e || extra.includes(c) || (c === '%' && !/^[0-9a-fA-F]{2}$/.test(s.slice(k + 1, k + 3)));
    out += escape ? utf8Pct(c) : c;
  }
  return out;
}

interface Line {
  id: string;
  set: 'attack' | 'legit';
  category: string;
  placeholder: string;
  placement: string;
  encoder: string;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  body: string | null;
}

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const base = () => ({ 'User-Agent': UA, Accept: 'application/json, text/plain, */*', 'Accept-Language': 'en-GB,en;q=0.9' });
const FIELDS = ['q', 'name', 'comment', 'redirect', 'file', 'filter', 'url', 'lang'];

type Placed = Pick<Line, 'method' | 'path' | 'query' | 'headers' | 'body' | 'placeholder'>;

/** One value put where a client would send it. */
// `wire`: the value is already in form encoding (url-form), so its '+' are blanks and stay as they are.
export const PLACEMENTS: Record<string, (v: string, i: number, wire?: boolean) => Placed> = {
  query: (v, i, wire) => ({ placeholder: 'query', method: 'GET', path: '/api/v1/search', query: `${FIELDS[i % FIELDS.length]}=${transport(v, wire === true ? '&#=' : '&#+=')}&page=1`, headers: base(), body: null }),
  form: (v, i, wire) => ({ placeholder: 'body', method: 'POST', path: '/account/profile', query: null, headers: { ...base(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: `csrf=a81f9c2e&${FIELDS[(i + 3) % FIELDS.length]}=${transport(v, wire === true ? '&#=' : '&#+=')}` }),
  json: (v, i) => ({ placeholder: 'body', method: 'POST', path: '/api/v1/comments', query: null, headers: { ...base(), 'Content-Type': 'application/json' }, body: JSON.stringify({ postId: 42 + i, [FIELDS[(i + 1) % FIELDS.length] ?? 'q']: v, draft: false }) }),
  header: (v, i) => ({ placeholder: 'request', method: 'GET', path: '/api/v1/items', query: null, headers: { ...base(), [i % 2 === 0 ? 'X-Search-Filter' : 'User-Agent']: transport(v, '', true) }, body: null }),
  cookie: (v) => ({ placeholder: 'request', method: 'GET', path: '/dashboard', query: null, headers: { ...base(), Cookie: `sid=3f9a1c7e55b2; prefs=${transport(v, ';,"\\')}` }, body: null }),
  path: (v) => ({ placeholder: 'request', method: 'GET', path: `/api/v1/files/${transport(v, '?#')}`, query: null, headers: base(), body: null }),
};

const ORDER = ['plain', 'url', 'base64', 'double-url', 'html-entity', 'js-unicode', 'mixed-case', 'iis-u', 'base64url', 'comment-ws', 'js-hex', 'url-form'];
const PLACE_ORDER = ['query', 'json', 'form', 'header', 'cookie', 'path'];

/** Four (encoder, placement) pairs per value, spread by index so every pair of lists meets. */
function combos(i: number, n: number, encoders: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let j = 0; j < n; j++) {
    const e = encoders[(i * 3 + j * 4) % encoders.length] ?? 'plain';
    const p = PLACE_ORDER[(i + j * 2 + (j > 2 ? 1 : 0)) % PLACE_ORDER.length] ?? 'query';
    out.push([e, p]);
  }
  return out;
}

function lines(set: Line['set'], category: string, values: readonly string[], encoders: readonly string[], perValue: number): Line[] {
  const out: Line[] = [];
  values.forEach((v, i) => {
    const seen = new Set<string>();
    for (const [e, place] of combos(i, perValue, encoders)) {
      let p = place;
      const encoded = (ENCODERS[e] ?? ENCODERS.plain!)(v, i);
      // An encoder that leaves the value as it was (no spaces for comment-ws, no letters for mixed-case) adds nothing.
      const enc = encoded === v && e !== 'plain' ? 'plain' : e;
      // Benign multi-line text, URLs and markup do not travel as path segments; a search box or a field carries them.
      if (set === 'legit' && p === 'path' && (v.includes('\n') || v.includes('://') || v.includes('<'))) p = 'query';
      if (seen.has(`${enc}/${p}`)) continue;
      seen.add(`${enc}/${p}`);
      out.push({ id: `pac:${category}:${i}:${p}:${enc}`, set, category, placement: p, encoder: enc, ...PLACEMENTS[p]!(encoded, i, enc === 'url-form') });
    }
  });
  return out;
}

/** NoSQL objects: a JSON body, a bracketed query string or form (PHP/Express qs), or JSON inside one parameter. */
function nosqlLines(): Line[] {
  const flat = (o: unknown, prefix: string, out: string[]) => {
    if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) flat(v, prefix === '' ? k : `${prefix}[${k}]`, out);
    else out.push(`${prefix}=${transport(String(o ?? ''), '&#+=')}`);
    return out;
  };
  const out: Line[] = [];
  NOSQL_OBJECTS.forEach((o, i) => {
    const json = JSON.stringify(o);
    const forms: [string, string, Placed][] = [
      ['json-body', 'plain', { placeholder: 'body', method: 'POST', path: '/api/v1/login', query: null, headers: { ...base(), 'Content-Type': 'application/json' }, body: json }],
      ['query', 'plain', { placeholder: 'query', method: 'GET', path: '/api/v1/users', query: flat(o, '', []).join('&'), headers: base(), body: null }],
      ['query', 'url', { placeholder: 'query', method: 'GET', path: '/api/v1/users', query: flat(o, '', []).map((kv) => kv.replaceAll('$', '%24').replaceAll('[', '%5B').replaceAll(']', '%5D')).join('&'), headers: base(), body: null }],
      ['form', 'plain', { placeholder: 'body', method: 'POST', path: '/login', query: null, headers: { ...base(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: flat(o, '', []).join('&') }],
      [i % 2 === 0 ? 'query' : 'header', i % 3 === 0 ? 'base64' : 'plain', PLACEMENTS[i % 2 === 0 ? 'query' : 'header']!(i % 3 === 0 ? ENCODERS.base64!(json, i) : json, 5)],
    ];
    for (const [p, e, placed] of forms) out.push({ id: `pac:nosqli:${i}:${p}:${e}`, set: 'attack', category: 'nosqli', placement: p, encoder: e, ...placed });
  });
  return [...out, ...lines('attack', 'nosqli', NOSQL_STRINGS, ['plain', 'url', 'base64', 'js-unicode', 'double-url'], 3).map((l) => ({ ...l, id: `${l.id}:s` }))];
}

/** XXE documents: an XML body, a SOAP/SVG upload field, a form field, base64 in a field (SAML style). */
function xxeLines(): Line[] {
  const out: Line[] = [];
  XXE.forEach((doc, i) => {
    const forms: [string, string, Placed][] = [
      ['xml-body', 'plain', { placeholder: 'body', method: 'POST', path: '/api/v1/import', query: null, headers: { ...base(), 'Content-Type': 'application/xml' }, body: doc }],
      ['json', 'plain', PLACEMENTS.json!(doc, 4)],
      ['form', i % 2 === 0 ? 'url' : 'plain', PLACEMENTS.form!(i % 2 === 0 ? urlEncode(doc) : doc, 2)],
      ['form', 'base64', { placeholder: 'body', method: 'POST', path: '/sso/acs', query: null, headers: { ...base(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: `SAMLResponse=${transport(ENCODERS.base64!(doc, i), '&#+=')}&RelayState=%2Fhome` }],
      ['multipart', 'plain', multipart(doc)],
    ];
    for (const [p, e, placed] of forms) out.push({ id: `pac:xxe:${i}:${p}:${e}`, set: 'attack', category: 'xxe', placement: p, encoder: e, ...placed });
  });
  return out;
}

function multipart(doc: string): Placed {
  const b = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
  const body = `--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\nmy file\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="image.svg"\r\nContent-Type: image/svg+xml\r\n\r\n${doc}\r\n--${b}--\r\n`;
  return { placeholder: 'body', method: 'POST', path: '/api/v1/upload', query: null, headers: { ...base(), 'Content-Type': `multipart/form-data; boundary=${b}` }, body };
}

/** Deterministic bytes (a linear congruential sequence): base64 images and documents for the benign set. */
function bytes(n: number, seed: number, head: number[]): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  head.forEach((b, k) => (out[k] = b));
  for (let k = head.length; k < n; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[k] = x >>> 24;
  }
  return out;
}

function benignLines(): Line[] {
  const enc = ['plain', 'url', 'base64', 'double-url', 'html-entity', 'js-unicode', 'mixed-case', 'iis-u', 'base64url', 'js-hex', 'url-form'];
  const out: Line[] = [];
  for (const [kind, values] of Object.entries(BENIGN)) out.push(...lines('legit', kind, values, enc, 4));
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const docs = [
    ...[1, 2, 3, 4].map((s) => `data:image/png;base64,${bytes(96 * s, s, png).toString('base64')}`),
    ...[5, 6].map((s) => bytes(120, s, [0xff, 0xd8, 0xff, 0xe0]).toString('base64')),
    Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF').toString('base64'),
    Buffer.from('Name,Email,Notes\nAnna,anna@example.com,"select plan B; drop old card"\n').toString('base64'),
    Buffer.from('{"user":"o\'brien","roles":["reader"],"exp":1700000000}').toString('base64url'),
  ];
  out.push(...lines('legit', 'base64-doc', docs, ['plain'], 3));
  return out;
}

function main(): void {
  const dir = process.argv[2] ?? 'src/detection/corpus';
  const all = ORDER;
  const text = (o: Line[]) => o.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const attacks = [
    ...lines('attack', 'sqli', SQLI, all, 4),
    ...lines('attack', 'xss', XSS, all, 4),
    ...lines('attack', 'ssrf', SSRF, all.filter((e) => e !== 'comment-ws'), 4),
    ...lines('attack', 'rfi', RFI, ['plain', 'url', 'base64', 'double-url', 'mixed-case'], 4),
    // Template languages are case-sensitive and have no /**/ comments: those two encoders would break the payload.
    ...lines('attack', 'ssti', SSTI, all.filter((e) => e !== 'mixed-case' && e !== 'comment-ws'), 4),
    ...lines('attack', 'traversal', TRAVERSAL, all.filter((e) => e !== 'comment-ws' && e !== 'mixed-case'), 4),
    ...lines('attack', 'ldapi', LDAP, all.filter((e) => e !== 'comment-ws'), 4),
    ...lines('attack', 'jndi', JNDI, all.filter((e) => e !== 'comment-ws'), 4),
    ...lines('attack', 'crlf', CRLF, all.filter((e) => e !== 'comment-ws' && e !== 'mixed-case'), 4),
    ...nosqlLines(),
    ...xxeLines(),
  ];
  writeFileSync(join(dir, 'payloads.jsonl'), text(attacks));
  writeFileSync(join(dir, 'benign-payloads.jsonl'), text(benignLines()));
  console.log(`${attacks.length} attack lines, ${benignLines().length} benign lines -> ${dir}`);
}

main();
