import { base64Json, decodeBase64Text, looksBase64, unwrapBase64 } from './base64.js';
import { charMask, charMaskShape, M, S } from './charmask.js';
import { decodeBackslashEscapes, decodeHtmlEntities } from './escapes.js';
import { isEscapeAt, percentDecodeDeep } from './percent.js';
import { decodeUtf7, hasUtf7 } from './utf7.js';
import { re } from '../patterns.js';

/** One normalised form of an input value: what detectors read. */
export interface View {
  readonly text: string;
  readonly lower: string;
  /** charMask(text). */
  readonly mask: number;
  /** S bits (digits, capitals inside runs, camelCase humps) of text. */
  readonly shape: number;
  /** How this view was obtained: 'raw', 'decoded', 'utf7', 'base64'. */
  readonly via: 'raw' | 'decoded' | 'utf7' | 'base64';
}

const DECODE_TRIGGERS = M.PERCENT | M.BACKSLASH | M.AMP | M.NONASCII;
/** Latin-1 characters that read as < > " ' once the high bit is dropped (written, \x-escaped or %-encoded). */
const HIGH_HALF = re('[\\u00a2\\u00a7\\u00bc\\u00be]|\\\\x(?:c2\\\\x)?(?:a2|a7|bc|be)|%(?:c2%)?(?:a2|a7|bc|be)', 'i');

const SHAPE = new Int32Array(1);

function view(text: string, via: View['via']): View {
  const mask = charMaskShape(text, SHAPE);
  const shape = SHAPE[0] ?? 0;
  // Most values have no capital at all: they are their own lower case (no second pass, no copy).
  const lower = (shape & S.UPPER) === 0 && (mask & M.NONASCII) === 0 ? text : text.toLowerCase();
  return { text, lower, mask, shape, via };
}

/** Decode every layer (percent, \u / \x, HTML references, NFKC) while the value keeps changing: bounded. */
export function deepDecode(s: string, mask: number, nfkc = true): string {
  if ((mask & DECODE_TRIGGERS) === 0) return s;
  let cur = s;
  for (let round = 0; round < 3; round++) {
    let next = percentDecodeDeep(cur);
    next = decodeBackslashEscapes(next);
    next = decodeHtmlEntities(next);
    if (nfkc && (charMask(next) & M.NONASCII) !== 0) next = next.normalize('NFKC');
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

/**
 * The views of one transport-decoded input value (query and form values are already percent-decoded once,
 * JSON strings already unescaped): the value itself, its fully decoded form when different, its UTF-7 reading
 * and its base64 reading when those give text.
 */
export function viewsOf(value: string): View[] {
  const out: View[] = [];
  viewsInto(value, out, 0);
  return out;
}

/**
 * viewsOf, written into `list` from index `at` (the engine's per-request list: no array per value); returns how
 * many views were written. Most values have no escape, no '+' and no base64 shape: their raw view is all.
 */
export function viewsInto(value: string, list: View[], at: number): number {
  const raw = view(value, 'raw');
  list[at] = raw;
  if ((raw.mask & (DECODE_TRIGGERS | M.PLUS)) === 0 && !mayBeBase64(raw)) return 1;
  const more = otherViews(value, raw);
  for (let k = 0; k < more.length; k++) list[at + 1 + k] = more[k] as View;
  return 1 + more.length;
}

/** The views besides the raw one: decoded, UTF-7, 7-bit, lone '%' dropped, base64. */
function otherViews(value: string, raw: View): View[] {
  const out: View[] = [];
  const mask = raw.mask;
  const decoded = deepDecode(value, mask);
  let last = raw;
  if (decoded !== value) {
    last = view(decoded, 'decoded');
    out.push(last);
  }
  if ((last.mask & M.PLUS) !== 0 && hasUtf7(last.text)) {
    const u = decodeUtf7(last.text);
    if (u !== last.text) out.push(view(deepDecode(u, charMask(u)), 'utf7'));
  }
  // US-ASCII with the high bit stripped (old IE, 7-bit mail and proxy paths): `¼script¾` is `<script>`. Only the
  // four characters that become markup are mapped, and only when a tag would open (¼ before a letter or '/' and
  // a ¾): Latin-1 text and mojibake keep their meaning.
  if ((mask & (M.NONASCII | M.BACKSLASH | M.PERCENT)) !== 0 && HIGH_HALF.test(value)) {
    const seven = sevenBit(deepDecode(value, mask, false));
    if (seven !== undefined) out.push(view(seven, 'decoded'));
  }
  // Classic ASP drops a '%' that starts no escape: `%S%E%L%E%C%T` is SELECT there.
  if ((last.mask & M.PERCENT) !== 0) {
    const stripped = stripLonePercents(last.text);
    if (stripped !== undefined) out.push(view(stripped, 'decoded'));
  }
  // Base64 has capitals and no punctuation but + / - _ =; line breaks (MIME-wrapped lines) anywhere, other blanks
  // only where trim() may remove them.
  if (mayBeBase64(raw)) base64View(value, out);
  // Base64 that was itself encoded (`...%3D%3D` in a JSON string or a header, `&#x3D;` padding): its decoded form.
  else if (last !== raw && mayBeBase64(last)) base64View(last.text, out);
  return out;
}

function mayBeBase64(v: View): boolean {
  const other = v.mask & ~B64_SYMBOLS;
  return (v.shape & S.UPPER) !== 0 && (other & ~TRIMMABLE) === 0 && ((other & ~M.NEWLINE) === 0 || maybeTrimmed(v.text));
}

/** Mask bits of the base64 and base64url symbols and padding. */
const B64_SYMBOLS = M.PLUS | M.SLASH | M.DASH | M.EQ;
/** Mask bits of characters String.prototype.trim() can remove (blanks, line breaks, Unicode spaces). */
const TRIMMABLE = M.SPACE | M.NEWLINE | M.NONASCII | M.CONTROL;

function maybeTrimmed(s: string): boolean {
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a <= 32 || a >= 127 || z <= 32 || z >= 127;
}

function base64View(value: string, out: View[]): void {
  // Lines joined once here: looksBase64 and decodeBase64Text then see one line and do not join them again.
  const joined = unwrapBase64(value.trim());
  // A JSON document's members are items of their own (extract reads base64 JSON), not one text.
  if (joined !== undefined && joined.length >= 8 && looksBase64(joined, 8) && base64Json(joined) === undefined) {
    const text = decodeBase64Text(joined);
    if (text !== undefined && text.length >= 4) out.push(view(deepDecode(text, charMask(text)), 'base64'));
  }
}

const SEVEN: Record<string, string> = { '\u00bc': '<', '\u00be': '>', '\u00a2': '"', '\u00a7': "'" };

function sevenBit(plain: string): string | undefined {
  if (!plain.includes('\u00be')) return undefined;
  let tag = false;
  for (let at = plain.indexOf('\u00bc'); at !== -1 && !tag; at = plain.indexOf('\u00bc', at + 1)) {
    const prev = plain.charCodeAt(at - 1);
    const next = plain.charCodeAt(at + 1) | 0x20;
    tag = !(prev >= 0xc3 && prev <= 0xf4) && ((next >= 97 && next <= 122) || next === 47 || next === 33);
  }
  if (!tag) return undefined;
  let out = '';
  for (let i = 0; i < plain.length && i < 4096; i++) {
    const ch = plain[i] ?? '';
    // `Â¼`: the UTF-8 bytes of ¼ read one by one; the lead byte is not a character of its own.
    if (ch === '\u00c2' && SEVEN[plain[i + 1] ?? ''] !== undefined) continue;
    // After another UTF-8 lead byte (Ð¼ is the Cyrillic м) the character is part of a letter, not markup.
    const prev = plain.charCodeAt(i - 1);
    out += prev >= 0xc3 && prev <= 0xf4 ? ch : (SEVEN[ch] ?? ch);
  }
  return out;
}

/** The text without each '%' that is not followed by two hex digits, when there are at least three of them. */
function stripLonePercents(s: string): string | undefined {
  let lone = 0;
  for (let i = s.indexOf('%'); i !== -1 && lone < 3; i = s.indexOf('%', i + 1)) if (!isEscapeAt(s, i)) lone++;
  if (lone < 3) return undefined;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && !isEscapeAt(s, i)) continue;
    out += s[i];
  }
  return out;
}
