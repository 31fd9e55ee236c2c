/**
 * Percent-decoding as a lenient server would do it: `%XX` bytes, IIS `%uXXXX` escapes, and UTF-8 decoding that
 * also accepts overlong forms (`%c0%af` is '/': CVE-2000-0884 style). Invalid escapes are kept as they are;
 * bytes that are not valid UTF-8 become the Latin-1 character of the same value (nothing is dropped).
 */
function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** A percent escape at `i`: '%' and two hex digits. */
export function isEscapeAt(s: string, i: number): boolean {
  return s.charCodeAt(i) === 37 && hex(s.charCodeAt(i + 1)) >= 0 && hex(s.charCodeAt(i + 2)) >= 0;
}

export function percentDecodeOnce(s: string, plusAsSpace: boolean): string {
  if (s.indexOf('%') === -1 && (!plusAsSpace || s.indexOf('+') === -1)) return s;
  const bytes: number[] = [];
  const out: string[] = [];
  const flush = () => {
    if (bytes.length > 0) {
      out.push(utf8Lenient(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      if (i + 2 < s.length) {
        const h = hex(s.charCodeAt(i + 1));
        const l = hex(s.charCodeAt(i + 2));
        if (h >= 0 && l >= 0) {
          bytes.push(h * 16 + l);
          i += 2;
          continue;
        }
      }
      const u = s.charCodeAt(i + 1) | 0x20;
      if (u === 117 /* u */ && i + 5 < s.length) {
        const a = hex(s.charCodeAt(i + 2));
        const b = hex(s.charCodeAt(i + 3));
        const d = hex(s.charCodeAt(i + 4));
        const e = hex(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          flush();
          out.push(String.fromCharCode(((a * 16 + b) * 16 + d) * 16 + e));
          i += 5;
          continue;
        }
      }
    }
    flush();
    out.push(plusAsSpace && c === 43 ? ' ' : s[i] ?? '');
  }
  flush();
  return out.join('');
}

/** UTF-8 with overlong sequences accepted (they are how '/' and '.' get smuggled past naive filters). */
export function utf8Lenient(b: readonly number[]): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      continue;
    }
    const c1 = b[i + 1] ?? -1;
    const c2 = b[i + 2] ?? -1;
    const c3 = b[i + 3] ?? -1;
    const cont = (x: number) => x >= 0x80 && x <= 0xbf;
    if (c >= 0xc0 && c <= 0xdf && cont(c1)) {
      s += String.fromCharCode(((c & 0x1f) << 6) | (c1 & 0x3f));
      i += 1;
    } else if (c >= 0xe0 && c <= 0xef && cont(c1) && cont(c2)) {
      s += String.fromCharCode(((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f));
      i += 2;
    } else if (c >= 0xf0 && c <= 0xf7 && cont(c1) && cont(c2) && cont(c3)) {
      const cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += 3;
    } else {
      s += String.fromCharCode(c);
    }
  }
  return s;
}

/**
 * Decode repeatedly while it changes (double and triple encoding), at most `max` rounds. A value written in form
 * encoding (escapes, '+' and no blank: what quote_plus and Go's QueryEscape make) has its '+' read as a space in
 * the first round, so `%27+OR+1%3D1--` placed in a JSON string or a header reads as `' OR 1=1--`.
 */
export function percentDecodeDeep(s: string, max = 4): string {
  let cur = s;
  for (let i = 0; i < max; i++) {
    const next = percentDecodeOnce(cur, i === 0 && formEncoded(cur));
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

function formEncoded(s: string): boolean {
  if (s.indexOf('+') === -1 || s.indexOf(' ') !== -1) return false;
  for (let i = s.indexOf('%'); i !== -1 && i + 2 < s.length; i = s.indexOf('%', i + 1)) if (isEscapeAt(s, i)) return true;
  return false;
}
