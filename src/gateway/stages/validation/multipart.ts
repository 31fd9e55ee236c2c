/** One part of a multipart/form-data body (RFC 7578). */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  /** Lower-case media type of the part, 'text/plain' when absent (RFC 7578 §4.4). */
  readonly contentType: string;
  readonly data: Buffer;
}

export type MultipartResult =
  | { readonly ok: true; readonly parts: readonly FormPart[] }
  | { readonly ok: false; readonly tooLarge: boolean; readonly message: string };

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxPartBytes: number;
}

const MAX_PART_HEADER_BYTES = 8192;
// RFC 2046 §5.1.1: 1 to 70 characters from a restricted set, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

const bad = (message: string, tooLarge = false): MultipartResult => ({ ok: false, tooLarge, message });

function dispositionParams(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of value.matchAll(/;\s*([A-Za-z0-9*_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g)) {
    out.set((m[1] ?? '').toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return out;
}

/**
 * Split a buffered multipart/form-data body into parts, within limits. Linear: each delimiter is found with
 * one `indexOf` from where the last one ended. A malformed body is refused, never guessed at.
 */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits): MultipartResult {
  if (!BOUNDARY.test(boundary)) return bad('invalid multipart boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return bad('no multipart boundary in the body');
  pos += delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return { ok: true, parts }; // close delimiter
    // Transport padding (RFC 2046 §5.1.1) then CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return bad('malformed multipart delimiter');
    pos += 2;
    if (parts.length >= limits.maxParts) return bad(`more than ${limits.maxParts} parts`, true);
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0 || headEnd - pos > MAX_PART_HEADER_BYTES) return bad('malformed or oversized part headers');
    const headers = new Map<string, string>();
    for (const line of body.toString('latin1', pos, headEnd).split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return bad('malformed part header');
      const name = line.slice(0, colon).trim().toLowerCase();
      if (headers.has(name)) return bad('repeated part header');
      headers.set(name, line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\s*(;|$)/i.test(disposition)) return bad('part without "Content-Disposition: form-data"');
    const params = dispositionParams(disposition);
    const name = params.get('name');
    if (name === undefined || name === '') return bad('part without a name');
    const start = headEnd + 4;
    const end = body.indexOf(between, start);
    if (end < 0) return bad('unterminated multipart body');
    if (end - start > limits.maxPartBytes) return bad(`part larger than ${limits.maxPartBytes} bytes`, true);
    const filename = params.get('filename');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      contentType: (headers.get('content-type') ?? 'text/plain').split(';')[0]?.trim().toLowerCase() ?? 'text/plain',
      data: body.subarray(start, end),
    });
    pos = end + between.length;
  }
}
