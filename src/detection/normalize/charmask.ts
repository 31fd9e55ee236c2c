/**
 * A bit set of the punctuation present in a string, computed in one pass. Detectors test it before doing any
 * real work: most API values (ids, names, numbers) carry none of the characters an injection needs.
 */
export const M = {
  QUOTE: 1 << 0,
  DQUOTE: 1 << 1,
  BACKTICK: 1 << 2,
  LT: 1 << 3,
  GT: 1 << 4,
  SEMI: 1 << 5,
  PIPE: 1 << 6,
  AMP: 1 << 7,
  DOLLAR: 1 << 8,
  PAREN: 1 << 9,
  BRACE: 1 << 10,
  BRACKET: 1 << 11,
  SLASH: 1 << 12,
  BACKSLASH: 1 << 13,
  PERCENT: 1 << 14,
  EQ: 1 << 15,
  HASH: 1 << 16,
  DASH: 1 << 17,
  STAR: 1 << 18,
  DOT: 1 << 19,
  COLON: 1 << 20,
  NEWLINE: 1 << 21,
  CONTROL: 1 << 22,
  NONASCII: 1 << 23,
  AT: 1 << 24,
  PLUS: 1 << 25,
  COMMA: 1 << 26,
  SPACE: 1 << 27,
  QUESTION: 1 << 28,
  TILDE: 1 << 29,
  EXCL: 1 << 30,
} as const;

const TABLE = new Int32Array(128);
const set = (chars: string, bit: number) => {
  for (const c of chars) {
    const i = c.charCodeAt(0);
    TABLE[i] = (TABLE[i] ?? 0) | bit;
  }
};
set("'", M.QUOTE);
set('"', M.DQUOTE);
set('`', M.BACKTICK);
set('<', M.LT);
set('>', M.GT);
set(';', M.SEMI);
set('|', M.PIPE);
set('&', M.AMP);
set('$', M.DOLLAR);
set('()', M.PAREN);
set('{}', M.BRACE);
set('[]', M.BRACKET);
set('/', M.SLASH);
set('\\', M.BACKSLASH);
set('%', M.PERCENT);
set('=', M.EQ);
set('#', M.HASH);
set('-', M.DASH);
set('*', M.STAR);
set('.', M.DOT);
set(':', M.COLON);
set('\r\n', M.NEWLINE);
set('@', M.AT);
set('+', M.PLUS);
set(',', M.COMMA);
set(' \t\v\f', M.SPACE);
set('?', M.QUESTION);
set('~^', M.TILDE);
set('!', M.EXCL);
for (let i = 0; i < 32; i++) if (i !== 9 && i !== 10 && i !== 13) TABLE[i] = (TABLE[i] ?? 0) | M.CONTROL;
TABLE[127] = (TABLE[127] ?? 0) | M.CONTROL;

/** Letter-case and digit facts of a view, gathered in the same pass as its mask (see charMaskShape). */
export const S = {
  /** A digit. */
  DIGIT: 1 << 0,
  /** A capital after a letter, digit or base64 symbol (inside a run: base64, identifiers). */
  UPPER_INSIDE: 1 << 1,
  /** A lower-case letter followed by a capital (camelCase identifiers). */
  CAMEL: 1 << 2,
  /** Any capital A-Z (a text without one, and without non-ASCII characters, is its own lower case). */
  UPPER: 1 << 3,
  /** An underscore (identifiers of code: snake_case function names). */
  UNDERSCORE: 1 << 4,
  /** "gz" or "bz" in any case (compression function names). */
  GZ_BZ: 1 << 5,
} as const;

/**
 * The mask of `s`, with its S bits written to shapeOut[0]: one pass for both. A full stop (a '.' after a letter
 * or digit and before a blank or the end: "See you soon.") does not set DOT: every detector that needs a dot
 * needs one inside a token (a.b, ../, 1.0, .php).
 */
export function charMaskShape(s: string, shapeOut: Int32Array): number {
  let m = 0;
  let shape = 0;
  const n = s.length;
  let prev = 32;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) shape |= S.DIGIT;
    else if (c === 95) shape |= S.UNDERSCORE;
    else if ((c | 0x20) === 122 && ((prev | 0x20) === 103 || (prev | 0x20) === 98)) shape |= S.GZ_BZ;
    if (c >= 65 && c <= 90) {
      shape |= S.UPPER;
      if (isAlnum(prev) || prev === 43 || prev === 47 || prev === 45 || prev === 95) shape |= S.UPPER_INSIDE;
      if (prev >= 97 && prev <= 122) shape |= S.CAMEL;
    } else if (c === 46 && i > 0 && isAlnum(prev)) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 32;
      if (next === 32 || next === 9 || next === 10 || next === 13) {
        prev = c;
        continue;
      }
    }
    m |= c < 128 ? (TABLE[c] ?? 0) : M.NONASCII;
    prev = c;
  }
  shapeOut[0] = shape;
  return m;
}

const SCRATCH = new Int32Array(1);

/** The mask of `s` alone (see charMaskShape). */
export function charMask(s: string): number {
  return charMaskShape(s, SCRATCH);
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}
