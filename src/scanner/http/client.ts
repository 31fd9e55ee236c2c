import { Agent, request } from 'undici';
import type { Exchange, RecordedRequest } from '../types.js';

/** A request as checks describe it: a path on the target, never another host. */
export interface ScanRequest {
  readonly method: string;
  /** Path on the target, starting with '/', already including the API base path; may carry a query string. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless `rawBody` is given. */
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Identity name (from the auth file); undefined sends no credentials. */
  readonly identity?: string;
  readonly timeoutMs?: number;
}

export interface Credentials {
  /** Headers to add for an identity (may log in first). */
  headersFor(identity: string): Promise<Readonly<Record<string, string>>>;
  /** Called after a 401 for an identity that logs in: log in again; true when a new token was obtained. */
  refresh(identity: string): Promise<boolean>;
}

export class BudgetExhausted extends Error {
  readonly code = 'ERR_RAMPART_SCAN_BUDGET';
}

export interface ClientOptions {
  readonly target: string;
  /** Requests per second (steady pacing). */
  readonly rate: number;
  readonly maxRequests: number;
  /** Absolute time (ms since epoch) after which no request starts. */
  readonly deadline: number;
  readonly timeoutMs?: number;
  /** Largest response body kept for analysis. */
  readonly maxBodyBytes?: number;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization']);

/**
 * The only way checks reach the target: paced (--rate), counted (--max-requests), bounded in time, confined to
 * the target's origin, with every exchange recorded for evidence. Credentials are added here and shown in
 * evidence only as a placeholder naming the identity.
 */
export class ScanClient {
  readonly origin: string;
  readonly basePath: string;
  #count = 0;
  #nextSlot = 0;
  readonly #agent: Agent;
  #credentials: Credentials | undefined;
  #guard: ((req: ScanRequest) => string | undefined) | undefined;

  constructor(readonly options: ClientOptions) {
    const u = new URL(options.target);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/+$/, '');
    this.#agent = new Agent({ connections: 16, keepAliveTimeout: 5_000 });
  }

  get requestCount(): number {
    return this.#count;
  }

  setCredentials(c: Credentials): void {
    this.#credentials = c;
  }

  /** A last line of defence: a request the guard names a reason for is not sent (answered as status 0). */
  setGuard(guard: (req: ScanRequest) => string | undefined): void {
    this.#guard = guard;
  }

  remaining(): number {
    return Math.max(0, this.options.maxRequests - this.#count);
  }

  /** True while more requests may be sent. */
  hasBudget(n = 1): boolean {
    return this.#count + n <= this.options.maxRequests && Date.now() < this.options.deadline;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Send one request; `burst` skips the pacing (the burst check), never the request budget. */
  async send(req: ScanRequest, burst = false): Promise<Exchange> {
    const refused = this.#guard?.(req);
    if (refused !== undefined) {
      return { request: { method: req.method, url: this.url(req).toString(), headers: {} }, response: { status: 0, headers: {}, body: `not sent: ${refused}`, durationMs: 0 } };
    }
    const first = await this.#sendOnce(req, burst);
    if (first.response.status === 401 && req.identity !== undefined && this.#credentials !== undefined) {
      // A token that expired mid-scan: log in again once and retry.
      if (await this.#credentials.refresh(req.identity)) return this.#sendOnce(req, burst);
    }
    return first;
  }

  url(req: Pick<ScanRequest, 'path' | 'query'>): URL {
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const url = new URL(this.origin + this.basePath + path);
    if (url.origin !== this.origin) throw new Error(`refusing to leave the target origin: ${url.origin}`);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (typeof v === 'string') url.searchParams.append(k, v);
      else for (const x of v) url.searchParams.append(k, x);
    }
    return url;
  }

  async #pace(burst: boolean): Promise<void> {
    if (!this.hasBudget()) throw new BudgetExhausted(this.#count >= this.options.maxRequests ? 'request budget exhausted' : 'time budget exhausted');
    this.#count++;
    if (burst) return;
    const gap = 1000 / this.options.rate;
    const now = Date.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + gap;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  async #sendOnce(req: ScanRequest, burst: boolean): Promise<Exchange> {
    const url = this.url(req);
    const headers: Record<string, string> = { 'user-agent': 'rampart-scan/0.1', accept: 'application/json, */*;q=0.5' };
    let body: string | undefined;
    if (req.rawBody !== undefined) body = req.rawBody;
    else if (req.body !== undefined) body = /x-www-form-urlencoded/i.test(req.contentType ?? '') ? formOf(req.body) : JSON.stringify(req.body);
    if (body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    const shown: Record<string, string> = { ...headers };
    if (req.identity !== undefined && this.#credentials !== undefined) {
      const creds = await this.#credentials.headersFor(req.identity);
      for (const [k, v] of Object.entries(creds)) {
        headers[k.toLowerCase()] = v;
        shown[k.toLowerCase()] = `<credentials of ${req.identity}>`;
      }
    }
    for (const k of Object.keys(shown)) if (SECRET_HEADERS.has(k) && !shown[k]!.startsWith('<') && req.identity !== undefined) shown[k] = `<credentials of ${req.identity}>`;
    await this.#pace(burst);
    const recorded: RecordedRequest = { method: req.method, url: url.toString(), headers: shown, body: body !== undefined && body.length > 4096 ? `${body.slice(0, 4096)}… (${body.length} bytes)` : body };
    const started = performance.now();
    const timeout = req.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    try {
      const res = await request(url, {
        method: req.method,
        headers,
        body,
        dispatcher: this.#agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await readCapped(res.body, this.options.maxBodyBytes ?? 512 * 1024);
      const respHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) respHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      return { request: recorded, response: { status: res.statusCode, headers: respHeaders, body: text, durationMs: Math.round(performance.now() - started) } };
    } catch (err) {
      // A transport failure is an answer too (status 0): checks treat it as "no response".
      return { request: recorded, response: { status: 0, headers: {}, body: `transport error: ${(err as Error).message}`, durationMs: Math.round(performance.now() - started) } };
    }
  }
}

/** A form body from a flat object (nested values as JSON text); anything else is sent as JSON text. */
function formOf(v: unknown): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return JSON.stringify(v);
  const p = new URLSearchParams();
  for (const [k, x] of Object.entries(v)) p.append(k, typeof x === 'string' ? x : JSON.stringify(x));
  return p.toString();
}

async function readCapped(body: AsyncIterable<Buffer | string> & { destroy?: () => void }, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (size + b.length > cap) {
      chunks.push(b.subarray(0, cap - size));
      break;
    }
    chunks.push(b);
    size += b.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
