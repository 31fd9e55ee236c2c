/**
 * A small HTML tokenizer after the WHATWG tokenization rules that matter for injection: where a tag opens
 * (`<` followed by an ASCII letter, `/` or `!`), its name, and its attributes (name, value), with the HTML5
 * leniencies attackers use: `/` as attribute separator, unquoted and back-tick values, no closing `>`.
 * One pass, bounded by `maxTags`.
 */
export interface HtmlAttr {
  readonly name: string;
  readonly value: string;
}

export interface HtmlTag {
  /** Lower-cased tag name. */
  readonly name: string;
  readonly attrs: HtmlAttr[];
  readonly start: number;
  readonly end: number;
  readonly closing: boolean;
}

const isAlpha = (c: number) => (c | 0x20) >= 97 && (c | 0x20) <= 122;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13 || c === 47;

export function htmlTags(s: string, maxTags = 32): HtmlTag[] {
  const out: HtmlTag[] = [];
  let i = s.indexOf('<');
  while (i !== -1 && i < s.length && out.length < maxTags) {
    let j = i + 1;
    const closing = s.charCodeAt(j) === 47;
    if (closing) j++;
    if (!isAlpha(s.charCodeAt(j))) {
      i = s.indexOf('<', i + 1);
      continue;
    }
    const nameStart = j;
    while (j < s.length && !isSpace(s.charCodeAt(j)) && s[j] !== '>' && s[j] !== '<') j++;
    const name = s.slice(nameStart, j).toLowerCase();
    const attrs: HtmlAttr[] = [];
    j = readAttributes(s, j, attrs);
    out.push({ name, attrs, start: i, end: j, closing });
    i = s.indexOf('<', Math.max(j, i + 1));
  }
  return out;
}

/** Read attributes from `j` up to `>` or the end; returns the index after the tag. */
function readAttributes(s: string, j: number, attrs: HtmlAttr[]): number {
  const n = s.length;
  while (j < n && attrs.length < 64) {
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j >= n) return n;
    if (s[j] === '>') return j + 1;
    if (s[j] === '<') return j;
    const ns = j;
    j++;
    while (j < n && !isSpace(s.charCodeAt(j)) && s[j] !== '=' && s[j] !== '>') j++;
    const name = s.slice(ns, j).toLowerCase();
    let k = j;
    while (k < n && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9 || s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13)) k++;
    if (s[k] !== '=') {
      attrs.push({ name, value: '' });
      continue;
    }
    k++;
    while (k < n && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9 || s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13)) k++;
    const q = s[k];
    if (q === '"' || q === "'" || q === '`') {
      const end = s.indexOf(q, k + 1);
      attrs.push({ name, value: s.slice(k + 1, end === -1 ? n : end) });
      j = end === -1 ? n : end + 1;
    } else {
      const vs = k;
      while (k < n && !(s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9 || s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13) && s[k] !== '>') k++;
      attrs.push({ name, value: s.slice(vs, k) });
      j = k;
    }
  }
  return j;
}

/** The scheme of a URL-valued attribute the way browsers read it: control characters and spaces ignored. */
export function urlScheme(v: string): string {
  let out = '';
  for (let i = 0; i < v.length && out.length < 16; i++) {
    const c = v.charCodeAt(i);
    if (c <= 32 || c === 127) continue;
    if (c === 58) return out.toLowerCase();
    out += v[i];
  }
  return '';
}
