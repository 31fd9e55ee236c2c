import { connect } from 'node:net';

/** One HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  readonly status: number;
  /** Header names lower-cased; repeated fields joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type ExchangeResult =
  | { readonly kind: 'response'; readonly response: RawResponse }
  /** The server closed the connection without a (complete) response; `partial` is what it sent. */
  | { readonly kind: 'closed'; readonly partial: string }
  | { readonly kind: 'malformed'; readonly why: string; readonly partial: string }
  | { readonly kind: 'timeout'; readonly partial: string };

type Parsed = { kind: 'incomplete' } | { kind: 'malformed'; why: string } | { kind: 'done'; response: RawResponse };

const STATUS_LINE = /^HTTP\/1\.1 ([1-5]\d\d) [\t !-~\x80-\xff]*$/;
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/**
 * Parse the first response in `buf` strictly (RFC 9112): a status line, well-formed header fields, and a body
 * framed by Content-Length or chunked encoding (none for HEAD, 1xx, 204 and 304).
 */
export function parseResponse(buf: Buffer, head: boolean): Parsed {
  let end = buf.indexOf('\r\n\r\n');
  // Interim 1xx answers (100 Continue) come before the final one: skip them.
  while (end !== -1 && /^HTTP\/1\.1 1\d\d /.test(buf.toString('latin1', 0, 13))) {
    buf = buf.subarray(end + 4);
    end = buf.indexOf('\r\n\r\n');
  }
  if (end === -1) return buf.length > 1 << 20 ? { kind: 'malformed', why: 'header block too long' } : { kind: 'incomplete' };
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = STATUS_LINE.exec(lines[0] ?? '');
  if (m === null) return { kind: 'malformed', why: `bad status line ${JSON.stringify(lines[0])}` };
  const status = Number(m[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const f = FIELD.exec(line);
    if (f === null) return { kind: 'malformed', why: `bad header line ${JSON.stringify(line)}` };
    const name = (f[1] ?? '').toLowerCase();
    const value = f[2] ?? '';
    if (/[\0\r\n]/.test(value)) return { kind: 'malformed', why: `control character in ${name}` };
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = buf.subarray(end + 4);
  if (head || status === 204 || status === 304) return { kind: 'done', response: { status, headers, body: Buffer.alloc(0) } };
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  if (te !== undefined && cl !== undefined) return { kind: 'malformed', why: 'both Transfer-Encoding and Content-Length' };
  if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked') return { kind: 'malformed', why: `transfer-encoding ${te}` };
    return parseChunked(rest, status, headers);
  }
  if (cl === undefined) return { kind: 'incomplete' }; // body ends at close: completed by the caller
  if (!/^\d+$/.test(cl)) return { kind: 'malformed', why: `content-length ${cl}` };
  const n = Number(cl);
  if (rest.length < n) return { kind: 'incomplete' };
  return { kind: 'done', response: { status, headers, body: rest.subarray(0, n) } };
}

function parseChunked(buf: Buffer, status: number, headers: Record<string, string>): Parsed {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol === -1) return { kind: 'incomplete' };
    const size = buf.subarray(at, eol).toString('latin1').split(';')[0] ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(size)) return { kind: 'malformed', why: `chunk size ${JSON.stringify(size)}` };
    const n = parseInt(size, 16);
    if (n === 0) {
      const trailerEnd = buf.indexOf('\r\n', eol + 2);
      if (trailerEnd === -1) return { kind: 'incomplete' };
      return { kind: 'done', response: { status, headers, body: Buffer.concat(parts) } };
    }
    if (buf.length < eol + 2 + n + 2) return { kind: 'incomplete' };
    parts.push(buf.subarray(eol + 2, eol + 2 + n));
    if (buf.toString('latin1', eol + 2 + n, eol + 4 + n) !== '\r\n') return { kind: 'malformed', why: 'chunk not followed by CRLF' };
    at = eol + 4 + n;
  }
}

/**
 * Send `data` on a fresh connection to 127.0.0.1:port and read the first response, strictly parsed. Settles as
 * soon as one response is complete (so keep-alive costs nothing), when the server closes, or after `timeoutMs`.
 */
export function exchange(port: number, data: Buffer | string, opts: { head?: boolean; timeoutMs?: number } = {}): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let settled = false;
    const finish = (r: ExchangeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const text = () => Buffer.concat(chunks).toString('latin1').slice(0, 2000);
    const timer = setTimeout(() => finish({ kind: 'timeout', partial: text() }), opts.timeoutMs ?? 5000);
    const attempt = (closed: boolean) => {
      const buf = Buffer.concat(chunks);
      const p = parseResponse(buf, opts.head === true);
      if (p.kind === 'done') finish({ kind: 'response', response: p.response });
      else if (p.kind === 'malformed') finish({ kind: 'malformed', why: p.why, partial: text() });
      else if (closed) finish({ kind: 'closed', partial: text() });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      attempt(false);
    });
    socket.on('end', () => attempt(true));
    socket.on('close', () => attempt(true));
    // A reset after the server answered and closed is not a failure: what was received still counts.
    socket.on('error', () => attempt(true));
    socket.write(data);
  });
}

/**
 * Send only the first `cut` bytes of `data`, wait `delayMs`, then leave: `end` half-closes (FIN), `destroy`
 * resets. Resolves once the socket is gone; what the server said, if anything, is not judged.
 */
export function abandon(port: number, data: Buffer, cut: number, how: 'end' | 'destroy', delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(guard);
      socket.destroy();
      resolve();
    };
    const guard = setTimeout(done, delayMs + 2000);
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.on('data', () => undefined);
    socket.write(data.subarray(0, cut), () => {
      setTimeout(() => (how === 'end' ? socket.end() : socket.destroy()), delayMs);
    });
  });
}
