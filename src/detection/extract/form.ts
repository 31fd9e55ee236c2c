import { percentDecodeOnce } from '../normalize/percent.js';

/** `a=1&b=2` pairs, percent-decoded once with '+' as space (WHATWG urlencoded parsing, lenient). */
export function parseUrlEncoded(s: string, max: number): Array<[key: string, value: string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  if (s === '') return out;
  let start = 0;
  while (start <= s.length && out.length < max) {
    let end = s.indexOf('&', start);
    if (end === -1) end = s.length;
    const part = s.slice(start, end);
    if (part !== '') {
      const eq = part.indexOf('=');
      if (eq === -1) out.push([percentDecodeOnce(part, true), undefined]);
      else out.push([percentDecodeOnce(part.slice(0, eq), true), percentDecodeOnce(part.slice(eq + 1), true)]);
    }
    start = end + 1;
  }
  return out;
}

/** Cookie header pairs (RFC 6265 §5.4: `name=value; name2=value2`). */
export function parseCookies(s: string, max: number): Array<[name: string, value: string]> {
  const out: Array<[string, string]> = [];
  for (const part of s.split(';')) {
    if (out.length >= max) break;
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    const value = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (name !== '' || value !== '') out.push([name, value]);
  }
  return out;
}
