/**
 * GraphQL documents (the `query` member of a GraphQL request) read as GraphQL: the values a client can put
 * anything in are the string literals; names, numbers, enums, variables and punctuation are the language's own
 * and a server rejects a document whose syntax is wrong. So a document that lexes as GraphQL (spec, October 2021,
 * §2.1) and has an operation's or fragment's shape gives its strings to the detectors instead of its whole text,
 * whose braces, colons and quotes are not SQL or shell. Anything else (a `query` member that is a search phrase,
 * or a document with characters GraphQL has not) is inspected as text, as before.
 */
const MAX_STRINGS = 200;

/** The decoded string literals of a GraphQL document, or undefined when the text is not one. */
export function graphqlStrings(doc: string): string[] | undefined {
  const n = doc.length;
  const out: string[] = [];
  let i = 0;
  let depth = 0;
  let first: string | undefined;
  let braces = 0;
  let last = 0;
  while (i < n) {
    const c = doc.charCodeAt(i);
    // Ignored tokens: white space, line terminators, commas, comments, the byte order mark.
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 35) {
      while (i < n && doc.charCodeAt(i) !== 10 && doc.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (isNameStart(c)) {
      last = c;
      const start = i;
      while (i < n && isNameContinue(doc.charCodeAt(i))) i++;
      first ??= doc.slice(start, i);
      continue;
    }
    first ??= doc[i];
    last = c;
    if (c === 34) {
      const r = doc.startsWith('"""', i) ? blockString(doc, i + 3) : string(doc, i + 1);
      if (r === undefined) return undefined;
      // More strings than that: read the document whole rather than leave any out.
      if (out.length >= MAX_STRINGS) return undefined;
      out.push(r[0]);
      i = r[1];
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      i = number(doc, i);
      if (i === -1) return undefined;
      continue;
    }
    if (c === 46) {
      if (!doc.startsWith('...', i)) return undefined;
      i += 3;
      continue;
    }
    if (c === 123) {
      depth++;
      braces++;
    } else if (c === 125) {
      if (--depth < 0) return undefined;
    } else if (!PUNCTUATORS.includes(doc[i] ?? '')) return undefined;
    i++;
  }
  // Operations (`{ ... }`, `query Q { ... }`) and fragments: selection sets, every brace closed, the last one ending
  // the document (no text after it).
  if (depth !== 0 || braces === 0 || last !== 125 || first === undefined || !STARTS.has(first)) return undefined;
  return out;
}

const PUNCTUATORS = '!$&()[]:=@|';
const STARTS = new Set(['{', 'query', 'mutation', 'subscription', 'fragment']);

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameContinue(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** `-12`, `3.5e-2`: the index after the number, or -1. */
function number(s: string, i: number): number {
  if (s[i] === '-') i++;
  const digits = i;
  while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === digits) return -1;
  if (s[i] === '.') {
    i++;
    const f = i;
    while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === f) return -1;
  }
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    const e = i;
    while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === e) return -1;
  }
  // A number is not followed by a name start or a dot (`1a`, `1.2.3`).
  const c = s.charCodeAt(i);
  return isNameStart(c) || c === 46 ? -1 : i;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A "..." string from after its quote: [value, index after the closing quote], or undefined. */
function string(s: string, i: number): [string, number] | undefined {
  let v = '';
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (ch === '"') return [v, i + 1];
    if (ch === '\n' || ch === '\r') return undefined;
    if (ch === '\\') {
      const e = s[i + 1] ?? '';
      if (e === 'u') {
        const hex = s.slice(i + 2, i + 6);
        const code = hex.length === 4 ? Number.parseInt(hex, 16) : Number.NaN;
        if (Number.isNaN(code) || [...hex].some((x) => !'0123456789abcdefABCDEF'.includes(x))) return undefined;
        v += String.fromCharCode(code);
        i += 6;
        continue;
      }
      const d = ESCAPES[e];
      if (d === undefined) return undefined;
      v += d;
      i += 2;
      continue;
    }
    v += ch;
    i++;
  }
  return undefined;
}

/** A """...""" block string from after its opening quotes (raw, `\"""` unescaped). */
function blockString(s: string, i: number): [string, number] | undefined {
  const end = s.indexOf('"""', i);
  let e = end;
  while (e !== -1 && s[e - 1] === '\\') e = s.indexOf('"""', e + 3);
  if (e === -1) return undefined;
  return [s.slice(i, e).replaceAll('\\"""', '"""'), e + 3];
}
