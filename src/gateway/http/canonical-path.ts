/**
 * Request-target canonicalisation, done once per request before routing and before any authorization, so
 * every later decision and the upstream see the same path.
 *
 * RFC 3986 §6.2.2: percent-encodings of unreserved characters are decoded, other percent-encodings get
 * upper-case hex; §5.2.4: dot segments are removed. Repeated slashes are merged. Rejected by default (each
 * a classic way past a path-based rule): encoded "/" and "\" (%2F, %5C), a raw "\", NUL and control
 * characters, ";" matrix parameters, fragments, double encoding ("%25" + hex), malformed escapes, and a
 * dot segment that would climb above the root.
 */

export interface CanonicalOptions {
  readonly allowEncodedSlash: boolean;
  readonly allowMatrixParams: boolean;
  readonly allowDoubleEncoding: boolean;
}

export type CanonicalResult =
  | { readonly ok: true; readonly path: string; readonly query: string }
  | { readonly ok: false; readonly reason: string };

const HEX = '0123456789ABCDEF';

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

// RFC 3986 §2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~"
function isUnreserved(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126;
}

// Characters allowed raw in a path segment (pchar minus pct-encoded): unreserved, sub-delims, ":" and "@".
function isPathChar(c: number): boolean {
  return isUnreserved(c) || c === 33 || c === 36 || (c >= 38 && c <= 44) || c === 59 || c === 61 || c === 58 || c === 64;
}

const fail = (reason: string): CanonicalResult => ({ ok: false, reason });

export function canonicalizeTarget(target: string, opts: CanonicalOptions): CanonicalResult {
  // Absolute-form (RFC 9112 §3.2.2) is only for proxies; origin-form is all an API gateway should see.
  if (target.length === 0 || target.charCodeAt(0) !== 47 /* / */) return fail('request target must start with "/"');
  if (target.includes('#')) return fail('fragment in request target');
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c < 0x21 || c === 0x7f) return fail('control character in query');
  }

  // Fast path: nothing to decode or normalise (the common case costs one scan).
  let simple = true;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c === 47) {
      if (i > 0 && rawPath.charCodeAt(i - 1) === 47) {
        simple = false;
        break;
      }
    } else if (c === 46 /* . */ ? i > 0 && rawPath.charCodeAt(i - 1) === 47 : !isPathChar(c) || c === 59) {
      simple = false;
      break;
    }
  }
  if (simple) return { ok: true, path: rawPath, query };

  // Decode into segments.
  const segments: string[] = [];
  let seg = '';
  for (let i = 1; i <= rawPath.length; i++) {
    if (i === rawPath.length) {
      segments.push(seg);
      break;
    }
    const c = rawPath.charCodeAt(i);
    if (c === 47) {
      segments.push(seg);
      seg = '';
      continue;
    }
    if (c === 37 /* % */) {
      // charCodeAt past the end is NaN, which hexValue rejects.
      const h = hexValue(rawPath.charCodeAt(i + 1));
      const l = hexValue(rawPath.charCodeAt(i + 2));
      if (h < 0 || l < 0) return fail('malformed percent-encoding in path');
      const b = h * 16 + l;
      i += 2;
      if (b === 0) return fail('encoded NUL in path');
      if (b < 0x20 || b === 0x7f) return fail('encoded control character in path');
      if (b === 0x2f || b === 0x5c) {
        if (!opts.allowEncodedSlash) return fail('encoded slash or backslash in path');
        seg += b === 0x2f ? '%2F' : '%5C';
        continue;
      }
      if (b === 0x25) {
        seg += '%25'; // checked for double encoding once the segment is decoded (see below)
        continue;
      }
      if (b === 0x3b && !opts.allowMatrixParams) return fail('encoded ";" in path');
      seg += isUnreserved(b) ? String.fromCharCode(b) : '%' + HEX[b >> 4] + HEX[b & 15];
      continue;
    }
    if (c === 92 /* \ */) return fail('backslash in path');
    if (c === 59 && !opts.allowMatrixParams) return fail('";" (matrix parameter) in path');
    if (c < 0x21 || c === 0x7f) return fail('control character in path');
    if (c > 0x7e) {
      // Raw non-ASCII (Node hands bytes over as latin1 characters): keep it, percent-encoded.
      seg += '%' + HEX[(c >> 4) & 15] + HEX[c & 15];
      continue;
    }
    seg += rawPath[i];
  }

  // Merge repeated slashes (empty segments), keeping a trailing slash; resolve dot segments.
  const out: string[] = [];
  const last = segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const s = segments[i] as string;
    if (s === '.') {
      if (i === last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0 || (out.length === 1 && out[0] === '')) return fail('dot segment above the root');
      if (out[out.length - 1] === '') out.pop();
      out.pop();
      if (i === last) out.push('');
      continue;
    }
    if (s === '' && i !== last) continue;
    if (s === '' && out.length > 0 && out[out.length - 1] === '') continue;
    out.push(s);
  }
  const path = '/' + out.join('/');
  // "%25" followed by two hex digits in the result would decode to something else a second time (%252e -> %2e -> .).
  if (!opts.allowDoubleEncoding && path.includes('%25') && DOUBLE.test(path)) return fail('double percent-encoding in path');
  return { ok: true, path, query };
}

const DOUBLE = /%25[0-9A-Fa-f]{2}/;
