import type { Problem } from '../../core/problems/problem.js';

/**
 * Request smuggling and header-confusion guards that Node's strict parser leaves to us (it already refuses
 * most malformed framing; these run on the raw header list so nothing is lost to Node's header joining).
 *
 * RFC 9112 §6.1/§6.3: a message with both Transfer-Encoding and Content-Length, several differing
 * Content-Length values, or a Transfer-Encoding other than a final "chunked" has ambiguous framing.
 */
const SINGLETONS = new Set(['host', 'authorization', 'content-type', 'content-length', 'proxy-authorization', 'x-http-method-override']);

export interface FramingInfo {
  /** The request declares a body (Content-Length > 0 or chunked). */
  readonly hasBody: boolean;
  /** Declared Content-Length, or -1 when none (chunked or no body). */
  readonly contentLength: number;
}

export function checkFraming(rawHeaders: readonly string[], httpVersionMajor: number, httpVersionMinor: number): Problem | FramingInfo {
  let cl: string | undefined;
  let te: string | undefined;
  let seen: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (!SINGLETONS.has(name) && name !== 'transfer-encoding') continue;
    const value = rawHeaders[i + 1] as string;
    if (name === 'transfer-encoding') {
      if (te !== undefined) return ambiguous('more than one Transfer-Encoding header');
      te = value;
      continue;
    }
    seen ??= new Set();
    if (seen.has(name)) {
      if (name === 'content-length') return ambiguous('more than one Content-Length header');
      return { code: 'duplicate-header', detail: `the ${name} header must appear once`, closeConnection: true, reason: `duplicate ${name}` };
    }
    seen.add(name);
    if (name === 'content-length') cl = value;
  }
  if (te !== undefined) {
    if (cl !== undefined) return ambiguous('both Transfer-Encoding and Content-Length');
    if (httpVersionMajor === 1 && httpVersionMinor === 0) return ambiguous('Transfer-Encoding in an HTTP/1.0 request');
    // Only a lone, exact "chunked" is accepted: "xchunked", "chunked, identity", " chunked\t" are classic desync tricks.
    if (te.toLowerCase() !== 'chunked') return ambiguous('Transfer-Encoding other than "chunked"');
    return { hasBody: true, contentLength: -1 };
  }
  if (cl !== undefined) {
    if (!/^\d{1,15}$/.test(cl)) return ambiguous('Content-Length is not a single decimal number');
    const n = Number(cl);
    return { hasBody: n > 0, contentLength: n };
  }
  return NO_BODY;
}

const NO_BODY: FramingInfo = Object.freeze({ hasBody: false, contentLength: -1 });

function ambiguous(why: string): Problem {
  return { code: 'ambiguous-framing', detail: `Message framing is ambiguous: ${why}.`, closeConnection: true, reason: why };
}

export function isProblem(x: Problem | FramingInfo): x is Problem {
  return 'code' in x;
}
