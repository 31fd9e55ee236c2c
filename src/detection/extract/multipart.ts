/** One part of a multipart/form-data body (RFC 7578). */
export interface Part {
  readonly name: string | undefined;
  readonly filename: string | undefined;
  /** RFC 5987 / 7578 `filename*=UTF-8''...`, decoded: frameworks prefer it to `filename`. */
  readonly filenameStar: string | undefined;
  readonly contentType: string | undefined;
  readonly headers: string;
  readonly body: string;
}

/** The boundary parameter of a Content-Type, unquoted. */
export function boundaryOf(contentType: string): string | undefined {
  const lower = contentType.toLowerCase();
  const at = lower.indexOf('boundary=');
  if (at === -1) return undefined;
  let b = contentType.slice(at + 9);
  const semi = b.indexOf(';');
  if (semi !== -1) b = b.slice(0, semi);
  b = b.trim();
  if (b.startsWith('"') && b.endsWith('"') && b.length >= 2) b = b.slice(1, -1);
  return b === '' ? undefined : b;
}

function param(headers: string, name: string): string | undefined {
  const lower = headers.toLowerCase();
  const key = name + '=';
  let at = lower.indexOf(key);
  while (at > 0 && /* a longer parameter such as filename= for name= */ isNameChar(lower.charCodeAt(at - 1))) at = lower.indexOf(key, at + 1);
  if (at === -1) return undefined;
  const from = at + key.length;
  if (headers[from] === '"') {
    const end = headers.indexOf('"', from + 1);
    return headers.slice(from + 1, end === -1 ? undefined : end);
  }
  let end = from;
  while (end < headers.length && headers[end] !== ';' && headers[end] !== '\r' && headers[end] !== '\n') end++;
  return headers.slice(from, end).trim();
}

/** `UTF-8''na%C3%AFve.txt` -> `naïve.txt` (charset, language, percent-encoded octets); malformed escapes kept. */
function extValue(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const q = v.indexOf("'");
  const q2 = q === -1 ? -1 : v.indexOf("'", q + 1);
  const raw = q2 === -1 ? v : v.slice(q2 + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 42;
}

/** Split a multipart body; lenient about CRLF vs LF, bounded to `max` parts. */
export function parseMultipart(body: string, boundary: string, max: number): Part[] {
  const delim = '--' + boundary;
  const out: Part[] = [];
  let at = body.indexOf(delim);
  while (at !== -1 && out.length < max) {
    let start = at + delim.length;
    if (body.startsWith('--', start)) break;
    const next = body.indexOf(delim, start);
    const end = next === -1 ? body.length : next;
    if (body[start] === '\r') start++;
    if (body[start] === '\n') start++;
    const chunk = body.slice(start, end);
    let sep = chunk.indexOf('\r\n\r\n');
    let sepLen = 4;
    const lf = chunk.indexOf('\n\n');
    if (sep === -1 || (lf !== -1 && lf < sep)) {
      sep = lf;
      sepLen = 2;
    }
    const headers = sep === -1 ? chunk : chunk.slice(0, sep);
    let content = sep === -1 ? '' : chunk.slice(sep + sepLen);
    if (content.endsWith('\r\n')) content = content.slice(0, -2);
    else if (content.endsWith('\n')) content = content.slice(0, -1);
    const ctAt = headers.toLowerCase().indexOf('content-type:');
    const contentType = ctAt === -1 ? undefined : (headers.slice(ctAt + 13).split(/* header end */ '\n')[0] ?? '').trim();
    out.push({ name: param(headers, 'name'), filename: param(headers, 'filename'), filenameStar: extValue(param(headers, 'filename*')), contentType, headers, body: content });
    at = next;
  }
  return out;
}
