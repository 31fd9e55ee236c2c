/**
 * UTF-7 (RFC 2152) shifted sequences: `+ADw-` is '<'. Old browsers honoured a UTF-7 charset, so `+ADw-script+AD4-`
 * is still a classic XSS wrapper. Only sequences that decode to printable ASCII are replaced.
 */
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function val(c: string): number {
  return ALPHA.indexOf(c);
}

export function hasUtf7(s: string): boolean {
  return s.indexOf('+AD') !== -1 || s.indexOf('+AC') !== -1 || s.indexOf('+AF') !== -1 || s.indexOf('+AH') !== -1;
}

export function decodeUtf7(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '+') {
      out += c;
      i++;
      continue;
    }
    let j = i + 1;
    let acc = 0;
    let bits = 0;
    let decoded = '';
    let ok = true;
    while (j < s.length && j - i < 64) {
      const v = val(s[j] ?? '');
      if (v < 0 || s[j] === '+') break;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        const code = (acc >> bits) & 0xffff;
        if (code < 32 || code > 126) ok = false;
        decoded += String.fromCharCode(code);
      }
      j++;
    }
    if (ok && decoded.length > 0) {
      out += decoded;
      i = s[j] === '-' ? j + 1 : j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
