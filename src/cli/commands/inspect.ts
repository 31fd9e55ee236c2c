import { createInspector, REQUEST_DETECTORS, VALUE_DETECTORS, type InspectRequest, type InspectResult, type Paranoia } from '../../detection/index.js';

/**
 * `rampart inspect`: run the attack-detection engine on one request and explain the verdict, detector by
 * detector. The request comes from curl-like arguments or, without a URL, as a raw HTTP/1.1 request on stdin.
 *
 *   rampart inspect [--paranoia N] [--threshold N] [--json] [-X METHOD] [-H 'Name: value']... [-d DATA] URL
 *   printf 'GET /?q=1%27+or+1=1-- HTTP/1.1\r\nHost: x\r\n\r\n' | rampart inspect
 *
 * Exit status: 0 allowed, 1 blocked, 2 usage error.
 */
export const INSPECT_USAGE = `usage: rampart inspect [--paranoia 1-4] [--threshold N] [--json] [-X METHOD] [-H 'Name: value']... [-d DATA] URL
       rampart inspect [options] < raw-http-request.txt`;

export interface InspectCliOptions {
  readonly paranoia: Paranoia;
  readonly threshold: number;
  readonly json: boolean;
  readonly request: InspectRequest | undefined;
}

export type ParseResult = { readonly ok: true; readonly options: InspectCliOptions } | { readonly ok: false; readonly error: string };

/** Parse the command line (curl-style request options). `request` is undefined when no URL was given. */
export function parseInspectArgs(argv: readonly string[]): ParseResult {
  let paranoia: Paranoia = 2;
  let threshold = 5;
  let json = false;
  let method: string | undefined;
  let data: string | undefined;
  let url: string | undefined;
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '-X' || a === '--request') method = value();
      else if (a === '-H' || a === '--header') {
        const h = value();
        const colon = h.indexOf(':');
        if (colon <= 0) return { ok: false, error: `bad header "${h}": expected "Name: value"` };
        const name = h.slice(0, colon).trim();
        const v = h.slice(colon + 1).trim();
        const prev = headers[name];
        headers[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
      } else if (a === '-d' || a === '--data' || a === '--data-raw' || a === '--data-binary') data = data === undefined ? value() : `${data}&${value()}`;
      else if (a === '--paranoia') {
        const p = Number(value());
        if (p !== 1 && p !== 2 && p !== 3 && p !== 4) return { ok: false, error: '--paranoia must be 1, 2, 3 or 4' };
        paranoia = p;
      } else if (a === '--threshold') {
        threshold = Number(value());
        if (!Number.isInteger(threshold) || threshold < 1) return { ok: false, error: '--threshold must be a positive integer' };
      } else if (a === '--json') json = true;
      else if (a.startsWith('-') && a !== '-') return { ok: false, error: `unknown option ${a}` };
      else if (url === undefined) url = a;
      else return { ok: false, error: `unexpected argument ${a}` };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  if (url === undefined) return { ok: true, options: { paranoia, threshold, json, request: undefined } };
  let target: URL;
  try {
    target = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    return { ok: false, error: `bad URL "${url}"` };
  }
  if (data !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'host')) headers.Host = target.host;
  // The raw path and query as typed: the URL parser would normalise away the encodings under test.
  const afterHost = url.includes('://') ? url.slice(url.indexOf('/', url.indexOf('://') + 3) >>> 0) : url.slice(url.indexOf('/') >>> 0);
  const rawTarget = afterHost.startsWith('/') ? afterHost.split('#')[0] ?? '/' : '/';
  const q = rawTarget.indexOf('?');
  const request: InspectRequest = {
    method: method ?? (data === undefined ? 'GET' : 'POST'),
    path: q === -1 ? rawTarget : rawTarget.slice(0, q),
    query: q === -1 ? '' : rawTarget.slice(q + 1),
    headers,
    body: data,
  };
  return { ok: true, options: { paranoia, threshold, json, request } };
}

/** Parse a raw HTTP/1.x request (CRLF or LF line ends); a chunked body is de-chunked. */
export function parseRawRequest(text: string): InspectRequest | string {
  const headEnd = text.search(/* blank line */ BLANK_LINE);
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  let body = headEnd === -1 ? '' : text.slice(headEnd).replace(/* the blank line itself */ LEADING_BLANK, '');
  const lines = head.split(NEWLINE);
  const requestLine = (lines.shift() ?? '').trim();
  const parts = requestLine.split(' ').filter((p) => p !== '');
  if (parts.length < 2) return `bad request line "${requestLine.slice(0, 80)}"`;
  const [method = 'GET', target = '/'] = parts;
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return `bad header line "${line.slice(0, 80)}"`;
    const name = line.slice(0, colon).trim();
    const v = line.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
  }
  const te = Object.entries(headers).find(([k]) => k.toLowerCase() === 'transfer-encoding')?.[1];
  if (typeof te === 'string' && te.toLowerCase().includes('chunked')) body = dechunk(body);
  let path = target;
  if (target.includes('://')) {
    const slash = target.indexOf('/', target.indexOf('://') + 3);
    path = slash === -1 ? '/' : target.slice(slash);
  }
  const q = path.indexOf('?');
  return { method, path: q === -1 ? path : path.slice(0, q), query: q === -1 ? '' : path.slice(q + 1), headers, body: body === '' ? undefined : body };
}
const BLANK_LINE = /\r?\n\r?\n/;
const LEADING_BLANK = /^\r?\n\r?\n/;
const NEWLINE = /\r?\n/;

function dechunk(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const nl = s.indexOf('\n', i);
    if (nl === -1) break;
    const size = parseInt(s.slice(i, nl).trim(), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    out += s.slice(nl + 1, nl + 1 + size);
    i = nl + 1 + size;
    if (s[i] === '\r') i++;
    if (s[i] === '\n') i++;
  }
  return out;
}

/** The human explanation: the verdict, then every detector with its findings (or "clean"). */
export function formatVerdict(result: InspectResult, threshold: number, paranoia: Paranoia): string {
  const lines: string[] = [];
  lines.push(`verdict: ${result.blocked ? 'BLOCK' : 'ALLOW'}  score ${result.score} (threshold ${threshold}, paranoia ${paranoia})${result.truncated ? '  [input truncated at the inspection cap]' : ''}`);
  const names = [...new Set([...VALUE_DETECTORS.map((d) => d.name), ...REQUEST_DETECTORS.map((d) => d.name)])];
  for (const name of names) {
    const found = result.findings.filter((f) => f.detector === name);
    if (found.length === 0) {
      lines.push(`  ${name.padEnd(20)} clean`);
      continue;
    }
    const total = found.reduce((n, f) => n + f.score, 0);
    lines.push(`  ${name.padEnd(20)} +${total}`);
    for (const f of found) lines.push(`    ${f.ruleId} (+${f.score}, ${f.category}) at ${f.location}: ${f.reason}\n      ${JSON.stringify(f.fragment)}`);
  }
  return lines.join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

export interface InspectIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => Promise<string>;
}

const processIo: InspectIo = {
  stdout: (t) => process.stdout.write(t + '\n'),
  stderr: (t) => process.stderr.write(t + '\n'),
  stdin: readStdin,
};

export async function inspectCommand(argv: string[], io: InspectIo = processIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(INSPECT_USAGE);
    return 0;
  }
  const parsed = parseInspectArgs(argv);
  if (!parsed.ok) {
    io.stderr(`rampart inspect: ${parsed.error}\n${INSPECT_USAGE}`);
    return 2;
  }
  const { paranoia, threshold, json } = parsed.options;
  let request = parsed.options.request;
  if (request === undefined) {
    const raw = await io.stdin();
    if (raw.trim() === '') {
      io.stderr(`rampart inspect: give a URL or a raw HTTP request on stdin\n${INSPECT_USAGE}`);
      return 2;
    }
    const r = parseRawRequest(raw);
    if (typeof r === 'string') {
      io.stderr(`rampart inspect: ${r}`);
      return 2;
    }
    request = r;
  }
  const result = createInspector({ paranoia, threshold }).inspect(request);
  io.stdout(json ? JSON.stringify(result, null, 2) : formatVerdict(result, threshold, paranoia));
  return result.blocked ? 1 : 0;
}
