/**
 * Language escapes that browsers, JavaScript engines and template layers undo: `\uXXXX`, `\u{X..}`, `\xXX`
 * and HTML character references (named ones that matter for markup, decimal and hex, `;` optional as HTML5
 * parsers allow). One pass each; the normaliser repeats the whole chain while it changes.
 */
const NAMED: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", colon: ':', lpar: '(', rpar: ')', sol: '/', bsol: '\\',
  tab: '\t', newline: '\n', nbsp: ' ', semi: ';', equals: '=', comma: ',', period: '.', excl: '!', num: '#',
  dollar: '$', percnt: '%', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', grave: '`', plus: '+', ast: '*',
  vert: '|', quest: '?', commat: '@', hyphen: '-', lowbar: '_',
};

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function readHex(s: string, from: number, max: number): [value: number, end: number] {
  let v = 0;
  let i = from;
  while (i < s.length && i - from < max) {
    const h = hexVal(s.charCodeAt(i));
    if (h < 0) break;
    v = v * 16 + h;
    i++;
  }
  return [v, i];
}

function codePoint(v: number): string {
  return v > 0 && v <= 0x10ffff ? String.fromCodePoint(v) : '\ufffd';
}

export function decodeBackslashEscapes(value: string): string {
  if (value.indexOf('\\') === -1) return value;
  // `\r\n` written out is a line break in a JSON, JavaScript or C string; `\r`, `\n` and `\t` are read only when the
  // pair is there, so Windows paths (`C:\new\tools`) keep their backslashes.
  const s = value.includes('\\r\\n') ? value.replaceAll('\\r', '\r').replaceAll('\\n', '\n').replaceAll('\\t', '\t') : value;
  const first = s.indexOf('\\');
  if (first === -1) return s;
  let out = s.slice(0, first);
  for (let i = first; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      const next = s.indexOf('\\', i);
      const end = next === -1 ? s.length : next;
      out += s.slice(i, end);
      i = end - 1;
      continue;
    }
    if (i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === 'u' && s[i + 2] === '{') {
      const [v, end] = readHex(s, i + 3, 6);
      if (end > i + 3 && s[end] === '}') {
        out += codePoint(v);
        i = end;
        continue;
      }
    } else if (n === 'u' || n === 'U') {
      const [v, end] = readHex(s, i + 2, 4);
      if (end === i + 6) {
        out += codePoint(v);
        i = end - 1;
        continue;
      }
    } else if (n === 'x' || n === 'X') {
      const [v, end] = readHex(s, i + 2, 2);
      if (end === i + 4) {
        out += String.fromCharCode(v);
        i = end - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

export function decodeHtmlEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = s.slice(0, amp);
  for (let i = amp; i < s.length; i++) {
    const c = s[i];
    if (c !== '&') {
      // Copy the run up to the next '&' at once.
      amp = s.indexOf('&', i);
      const end = amp === -1 ? s.length : amp;
      out += s.slice(i, end);
      i = end - 1;
      continue;
    }
    if (s[i + 1] === '#') {
      const isHex = s[i + 2] === 'x' || s[i + 2] === 'X';
      let j = i + (isHex ? 3 : 2);
      const start = j;
      let v = 0;
      // Leading zeros are unlimited in HTML (`&#0000060`), so count significant digits only.
      let digits = 0;
      while (j < s.length) {
        const d = isHex ? hexVal(s.charCodeAt(j)) : s.charCodeAt(j) - 48;
        if (d < 0 || d > (isHex ? 15 : 9)) break;
        if (v > 0 || d > 0) digits++;
        if (digits <= 7) v = v * (isHex ? 16 : 10) + d;
        j++;
      }
      if (j > start) {
        out += codePoint(v);
        i = s[j] === ';' ? j : j - 1;
        continue;
      }
    } else {
      let j = i + 1;
      while (j < s.length && j - i <= 10 && /* letters */ ((s.charCodeAt(j) | 0x20) >= 97 && (s.charCodeAt(j) | 0x20) <= 122)) j++;
      const name = s.slice(i + 1, j).toLowerCase();
      const v = NAMED[name];
      if (v !== undefined && (s[j] === ';' || name === 'lt' || name === 'gt' || name === 'amp' || name === 'quot')) {
        out += v;
        i = s[j] === ';' ? j : j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}
