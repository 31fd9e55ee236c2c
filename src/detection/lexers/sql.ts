/**
 * A small SQL lexer (MySQL, PostgreSQL, MSSQL, Oracle and SQLite lexical rules merged): enough to tell whether
 * a value changes the structure of the statement it is placed in. Comments are dropped (they are whitespace to
 * every SQL parser, `UNION/**\/SELECT` is `UNION SELECT`), MySQL executable comments `/*!50000 ... *\/` are read
 * as code, strings and numbers become single tokens. Linear: one pass, no backtracking.
 */
export type SqlTokenType = 'word' | 'num' | 'str' | 'var' | 'op' | '(' | ')' | ',' | ';' | '.' | 'comment' | 'ident';

export interface SqlToken {
  readonly t: SqlTokenType;
  /** Lower-cased text for words, the operator for ops, the content for strings. */
  readonly v: string;
  readonly start: number;
  /** True for a string (or quoted identifier) that reached the end of input unterminated. */
  readonly open?: boolean;
}

const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isWord = (c: number) => isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexDigit = (c: number) => isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0;

const OPS3 = new Set(['<=>']);
const OPS2 = new Set(['<=', '>=', '<>', '!=', '||', '&&', ':=', '::', '<<', '>>', '!<', '!>', '->', '=>']);
const OPS1 = '=<>+-*/%|&^~!:?';

/** Tokenise `s` from `from`. `maxTokens` bounds the work on huge inputs. */
export function sqlTokens(s: string, from = 0, maxTokens = 256, lowered = s.toLowerCase()): SqlToken[] {
  const out: SqlToken[] = [];
  // Lower-casing can change the length ('İ' becomes two code units): then slice and lower each token instead,
  // so a crafted prefix cannot shift what the tokens read.
  const aligned = lowered.length === s.length;
  const lower = { slice: (a: number, b: number) => (aligned ? lowered.slice(a, b) : s.slice(a, b).toLowerCase()) };
  let i = from;
  const n = s.length;
  while (i < n && out.length < maxTokens) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    // Comments: -- (MySQL wants a space after it, others do not: accept both), #, /* */.
    if ((c === 45 && s.charCodeAt(i + 1) === 45) || c === 35) {
      const nl = s.indexOf('\n', i);
      out.push({ t: 'comment', v: c === 35 ? '#' : '--', start });
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      if (s.charCodeAt(i + 2) === 33) {
        // MySQL executable comment: the body is code; skip the optional version number.
        i += 3;
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        out.push({ t: 'comment', v: '/*!', start });
        continue;
      }
      // A closed block comment is whitespace to the grammar; an unclosed one ends the statement.
      const end = s.indexOf('*/', i + 2);
      if (end === -1) out.push({ t: 'comment', v: '/*', start });
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (c === 42 && s.charCodeAt(i + 1) === 47) {
      // The end of an executable comment (or a stray one): whitespace.
      i += 2;
      continue;
    }
    if (c === 39 || c === 34) {
      const [end, open] = scanString(s, i, c);
      out.push(open ? { t: 'str', v: s.slice(i + 1, end), start, open } : { t: 'str', v: s.slice(i + 1, end - 1), start });
      i = end;
      continue;
    }
    if (c === 96 || c === 91) {
      // `ident` (MySQL) and [ident] (MSSQL).
      const close = c === 96 ? '`' : ']';
      const end = s.indexOf(close, i + 1);
      out.push(end === -1 ? { t: 'ident', v: lower.slice(i + 1, n), start, open: true } : { t: 'ident', v: lower.slice(i + 1, end), start });
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      i = scanNumber(s, i);
      out.push({ t: 'num', v: lower.slice(start, i), start });
      continue;
    }
    if (c === 64) {
      // @var, @@system_var
      i++;
      if (s.charCodeAt(i) === 64) i++;
      while (i < n && isWord(s.charCodeAt(i))) i++;
      out.push({ t: 'var', v: lower.slice(start, i), start });
      continue;
    }
    if (isWordStart(c)) {
      while (i < n && isWord(s.charCodeAt(i))) i++;
      // N'..', X'..', B'..', E'..' literals are strings.
      const w = lower.slice(start, i);
      if (i - start === 1 && (w === 'n' || w === 'x' || w === 'b' || w === 'e') && s.charCodeAt(i) === 39) {
        const [end, open] = scanString(s, i, 39);
        out.push({ t: 'str', v: s.slice(i + 1, open ? end : end - 1), start, open });
        i = end;
        continue;
      }
      out.push({ t: 'word', v: w, start });
      continue;
    }
    if (c === 40 || c === 41 || c === 44 || c === 59 || c === 46) {
      out.push({ t: s[i] as '(' | ')' | ',' | ';' | '.', v: s[i] ?? '', start });
      i++;
      continue;
    }
    const three = s.slice(i, i + 3);
    const two = s.slice(i, i + 2);
    if (OPS3.has(three)) {
      out.push({ t: 'op', v: three, start });
      i += 3;
    } else if (OPS2.has(two)) {
      out.push({ t: 'op', v: two, start });
      i += 2;
    } else if (OPS1.includes(s[i] ?? '\0')) {
      out.push({ t: 'op', v: s[i] ?? '', start });
      i++;
    } else {
      // Anything else ({, }, \, $...) is noise to SQL: keep it as an operator-like token so it breaks runs.
      out.push({ t: 'op', v: s[i] ?? '', start });
      i++;
    }
  }
  return out;
}

/** Index after the closing quote (doubled quotes and backslash escapes stay inside), and whether it was open. */
function scanString(s: string, i: number, q: number): [number, boolean] {
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 92) {
      j += 2;
      continue;
    }
    if (c === q) {
      if (s.charCodeAt(j + 1) === q) {
        j += 2;
        continue;
      }
      return [j + 1, false];
    }
    j++;
  }
  return [s.length, true];
}

function scanNumber(s: string, i: number): number {
  const n = s.length;
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    i += 2;
    while (i < n && isHexDigit(s.charCodeAt(i))) i++;
    return i;
  }
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  if ((s.charCodeAt(i) | 0x20) === 101 && (isDigit(s.charCodeAt(i + 1)) || ((s[i + 1] === '-' || s[i + 1] === '+') && isDigit(s.charCodeAt(i + 2))))) {
    i += 2;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  // A number glued to letters (1e, 1abc) is a word to MySQL only when it starts with a letter: keep as number.
  return i;
}

/**
 * Where the value escapes a string context opened by `quote`: the index just after the first unescaped quote
 * character, or -1 when the value never leaves the string.
 *
 * A quote right after an operator, a colon or an opening bracket (`route!~"/healthz"`, `mean("usage")`,
 * `{"a":`) that is closed again later opens a string of the value's own language (a PromQL selector, a filter
 * expression, JSON): the literal is skipped and the next quote is looked at. A value that closes the string it
 * sits in starts with that quote or follows data with it (`1'`, `admin'`), not an operator.
 */
export function stringBreakout(s: string, quote: string, backslashEscapes = true): number {
  let j = 0;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\' && backslashEscapes) {
      j += 2;
      continue;
    }
    if (c === quote) {
      const close = opensLiteral(s, j, quote, backslashEscapes);
      if (close === -1) return j + 1;
      j = close + 1;
      continue;
    }
    j++;
  }
  return -1;
}

/** `like` or `ilike` ends at `p` (inclusive), as a word. */
function likeBefore(s: string, p: number): boolean {
  const w = s.slice(Math.max(0, p - 5), p + 1).toLowerCase();
  const at = w.endsWith('ilike') ? p - 4 : w.endsWith('like') ? p - 3 : -1;
  if (at < 0) return false;
  const c = s.charCodeAt(at - 1);
  return at === 0 || !((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95);
}

/** The index of the quote closing a literal opened at `at` after an operator or opening bracket, or -1. */
function opensLiteral(s: string, at: number, quote: string, backslashEscapes: boolean): number {
  let p = at - 1;
  while (p >= 0 && (s[p] === ' ' || s[p] === '\t')) p--;
  const before = s[p];
  // After an operator, or after LIKE (`name NOT LIKE '%test%'`): the value's own comparison with its own literal.
  if (before === undefined || (!'=~:({[,'.includes(before) && !likeBefore(s, p))) return -1;
  // The literal must close on the same line: an unclosed quote after `=` (`x=' or 1=1`) is still a breakout.
  for (let k = at + 1; k < s.length; k++) {
    const c = s[k];
    if (c === '\\' && backslashEscapes) {
      k++;
      continue;
    }
    if (c === quote) return k;
    if (c === '\n') return -1;
  }
  return -1;
}
