/**
 * Base64 / base64url values that decode to text. Attackers wrap payloads in base64 (JWT-like tokens,
 * serialized objects, "data" fields); the decoded text is inspected as one more view of the same input.
 * A payload may also start mid-group (a prefix glued to it), so the four alignments are tried and the most
 * printable decoding wins.
 */
const B64 = new Int16Array(128).fill(-1);
{
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[a.charCodeAt(i)] = i;
  B64[45] = 62; // '-' (base64url)
  B64[95] = 63; // '_'
}

/** True when every character is in the base64 or base64url alphabet (padding allowed at the end). */
export function looksBase64(value: string, minLength: number): boolean {
  const s = unwrapBase64(value);
  if (s === undefined) return false;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  if (end < minLength || s.length - end > 2) return false;
  let upper = false;
  let lower = false;
  let digitOrSym = false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (B64[c] ?? -1) < 0) return false;
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else digitOrSym = true;
  }
  // Plain words (all lower case, all upper case) are far more often words than base64.
  // '=' padding that completes the last quantum is how encoders end a value, and words never do.
  const padded = end < s.length && s.length % 4 === 0;
  return upper && lower && (digitOrSym || padded || end >= 16);
}

/**
 * Base64 wrapped in lines (MIME's 76 characters, PEM's 64: RFC 2045 §6.8) joined again, or undefined when the
 * lines are not of one width: every line but the last as long as the first, and at least 20 characters. A value
 * on one line is returned as it is.
 */
export function unwrapBase64(s: string): string | undefined {
  if (s.indexOf('\n') === -1) return s;
  // Prose and lists fail on their first line (a blank, or too short) before anything is split.
  const nl = s.indexOf('\n');
  if (nl < 20 || s.lastIndexOf(' ', nl) !== -1) return undefined;
  const lines = s.split('\n');
  const width = (lines[0] ?? '').replace('\r', '').length;
  if (width < 20 || lines.length > 2000) return undefined;
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace('\r', '');
    if (i < lines.length - 1 ? line.length !== width : line.length > width) return undefined;
    out += line;
  }
  return out;
}

/** Bytes of the last decoding (grown as needed): an attempt allocates nothing. */
let scratch = new Uint8Array(256);

/** Decode s[from, end) into `scratch`; returns the number of bytes. */
function decodeFrom(s: string, from: number, end: number): number {
  const need = Math.ceil(((end - from) * 6) / 8);
  if (need > scratch.length) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  const buf = scratch;
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = from; i < end; i++) {
    acc = ((acc << 6) | (B64[s.charCodeAt(i)] ?? 0)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf[n++] = (acc >> bits) & 0xff;
    }
  }
  return n;
}

function printable(b: number): boolean {
  return (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13;
}

/**
 * The text the value decodes to, when at least `minRatio` of the bytes are printable ASCII or well-formed UTF-8
 * (the run of printable characters is returned, without the binary prefix an alignment leaves), else undefined.
 * UTF-8 counts: `http://①②⑦.⓪.⓪.①/` and text in other scripts are base64-wrapped too, and random bytes
 * almost never form valid multi-byte sequences. An alignment stops at the first byte past the allowed share of
 * non-text bytes: most values that only look like base64 (`Europe/London`, `BABBAGE1843`) fail within a few bytes.
 */
export function decodeBase64Text(value: string, minRatio = 0.85): string | undefined {
  const s = unwrapBase64(value);
  if (s === undefined) return undefined;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  let bestShift = -1;
  let bestScore = -1;
  for (let shift = 0; shift < 4; shift++) {
    const len = decodeFrom(s, shift, end);
    if (len === 0) continue;
    // Below max(minRatio, best so far) this alignment cannot win: stop counting at that many non-text bytes.
    const floor = Math.max(minRatio, bestScore);
    const text = textBytes(scratch, len, undefined, Math.floor(len * (1 - floor)));
    if (text < 0) continue;
    const score = text / len;
    if (score > bestScore) {
      bestScore = score;
      bestShift = shift;
    }
    if (score === 1) break;
  }
  if (bestShift < 0 || bestScore < minRatio) return undefined;
  const len = decodeFrom(s, bestShift, end);
  const out: string[] = [];
  textBytes(scratch, len, out, len);
  return out.join('');
}

/**
 * How many of the first `len` bytes are printable ASCII or part of a well-formed UTF-8 sequence; their characters
 * go to `out`. -1 as soon as more than `maxBad` bytes are neither.
 */
function textBytes(b: Uint8Array, len: number, out: string[] | undefined, maxBad: number): number {
  let n = 0;
  let bad = 0;
  for (let i = 0; i < len; i++) {
    const c = b[i] ?? 0;
    if (printable(c)) {
      n++;
      out?.push(String.fromCharCode(c));
      continue;
    }
    const seq = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let cp = c & (seq === 2 ? 0x1f : seq === 3 ? 0x0f : 0x07);
    let ok = seq !== 0 && i + seq <= len;
    for (let k = 1; k < seq && ok; k++) {
      const x = b[i + k] ?? 0;
      ok = (x & 0xc0) === 0x80;
      cp = (cp << 6) | (x & 0x3f);
    }
    // Overlong forms and surrogates are not text.
    if (!ok || cp < (seq === 2 ? 0x80 : seq === 3 ? 0x800 : 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      if (++bad > maxBad) return -1;
      continue;
    }
    n += seq;
    out?.push(String.fromCodePoint(cp));
    i += seq - 1;
  }
  return n;
}

/**
 * The base64 spellings of `word` that survive any alignment: the word encoded after 0, 1 and 2 bytes of prefix,
 * without the characters that depend on the unknown neighbouring bytes. Searching for these finds the word
 * inside a larger base64 blob without decoding it.
 */
export function base64Needles(word: string): string[] {
  const out: string[] = [];
  const bytes = [...Buffer.from(word, 'latin1')];
  for (let pad = 0; pad < 3; pad++) {
    const enc = Buffer.from([...new Array<number>(pad).fill(0), ...bytes]).toString('base64');
    const skip = Math.ceil((pad * 8) / 6);
    const keep = Math.floor(((pad + bytes.length) * 8) / 6);
    if (keep - skip >= 6) out.push(enc.slice(skip, keep));
  }
  return out;
}

/**
 * True when `s` holds a run of at least `min` base64 characters mixing cases beyond a capital initial (or with
 * digits): how embedded base64 blobs look, and how words and names do not.
 */
export function hasBase64Run(s: string, min: number): boolean {
  let len = 0;
  let upperInside = false;
  let lower = false;
  let digit = false;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    const isUpper = c >= 65 && c <= 90;
    const isLower = c >= 97 && c <= 122;
    const isDigit = c >= 48 && c <= 57;
    if (isUpper || isLower || isDigit || c === 43 || c === 47 || c === 45 || c === 95) {
      if (isUpper && len > 0) upperInside = true;
      if (isLower) lower = true;
      if (isDigit) digit = true;
      len++;
      continue;
    }
    if (len >= min && lower && (upperInside || digit) && (upperInside || len >= 12)) return true;
    len = 0;
    upperInside = lower = digit = false;
  }
  return false;
}

/**
 * The object or array a base64 (or base64url) value encodes as JSON text — an opaque pagination cursor
 * (`eyJvZmZzZXQiOjIwfQ==` is `{"offset":20}`), a state parameter, a session blob — or undefined. Its members are
 * inspected like a JSON body's: the text whole would read `"offset"` as a quote breakout into an OFFSET clause.
 */
export function base64Json(value: string): object | undefined {
  const v = value.trim();
  // '{' encodes to 'e' then 'y' ('{"', '{ '), 'w' ('{\n') or '3' ('{}'); '[' to 'W'.
  if (v.length < 8 || v.length > 65_536 || !((v[0] === 'e' && (v[1] === 'y' || v[1] === 'w' || v[1] === '3')) || v[0] === 'W')) return undefined;
  if (!looksBase64(v, 8)) return undefined;
  const text = Buffer.from(v, 'base64').toString('utf8').trim();
  const last = text[text.length - 1];
  if (!((text[0] === '{' && last === '}') || (text[0] === '[' && last === ']'))) return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    return doc !== null && typeof doc === 'object' ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JOSE header of a compact JWS or JWE (`eyJhbGciOi...`.`...`.`...`), or undefined. Its members are input
 * the server acts on before any signature is checked: `kid` is looked up in a key store (a file path, an SQL
 * row), `jku` and `x5u` are fetched. The payload's claims are only trusted once the signature verifies.
 */
export function jwtHeader(value: string): object | undefined {
  if (value.length < 16 || value.charCodeAt(0) !== 101 || value.charCodeAt(1) !== 121 || value.charCodeAt(2) !== 74) return undefined;
  const dot = value.indexOf('.');
  if (dot < 8 || dot > 8192 || value.indexOf('.', dot + 1) === -1) return undefined;
  for (let i = 0; i < dot; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || (B64[c] ?? -1) < 0) return undefined;
  }
  const text = Buffer.from(value.slice(0, dot), 'base64url').toString('utf8');
  if (text[0] !== '{' || text[text.length - 1] !== '}') return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}
