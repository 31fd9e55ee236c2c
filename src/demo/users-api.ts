import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createRoutes } from './routes.js';
import type { Reply, RouteTable } from './routes.js';
import { openDemoStore } from './store.js';
import { readCallerUnverified } from './token.js';

export const DEFAULT_DEMO_JWT_SECRET = 'rampart-demo-secret-change-me-0123456789';
export const DEFAULT_DEMO_PORT = 3000;
/** Bodies past this are refused with 413: naive is the point, exhausting the machine is not. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What the demo logs through; a pino logger fits. */
export interface DemoLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DemoApiOptions {
  /** A loopback address (127.0.0.0/8 or ::1); anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** SQLite file; default in-memory. Seeded when it has no users. */
  dbFile?: string;
  /** HS256 key for the tokens `POST /login` issues. */
  jwtSecret?: string;
  logger?: DemoLogger;
}

export interface DemoApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class DemoApiError extends Error {
  readonly code = 'ERR_RAMPART_DEMO';
}

/** Where the demo's OpenAPI document lives: beside this module, or in src/ when running from dist/. */
export function demoOpenApiPath(): string {
  const candidates = [new URL('./openapi.yaml', import.meta.url), new URL('../../src/demo/openapi.yaml', import.meta.url)];
  const found = candidates.find((u) => existsSync(u));
  if (found === undefined) throw new DemoApiError('openapi.yaml not found beside the demo module');
  return fileURLToPath(found);
}

/** Only loopback: the demo is deliberately vulnerable and must never be reachable from another machine. */
export function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  return isIP(host) === 6 && (host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host));
}

/**
 * Start the demo users API: a deliberately vulnerable service for Rampart to protect and to scan.
 * See docs/status/demo.md for what it gets wrong on purpose.
 */
export async function startDemoApi(opts: DemoApiOptions = {}): Promise<DemoApi> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) throw new DemoApiError(`the demo API binds loopback only (127.0.0.1 or ::1), not "${host}"`);
  const port = opts.port ?? DEFAULT_DEMO_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new DemoApiError(`port must be an integer 0-65535, not ${port}`);
  const secret = opts.jwtSecret ?? DEFAULT_DEMO_JWT_SECRET;
  if (secret.length === 0) throw new DemoApiError('jwtSecret must not be empty');

  const openApiYaml = readFileSync(demoOpenApiPath(), 'utf8');
  const openApiJson = JSON.stringify(parseYaml(openApiYaml));
  const store = await openDemoStore(opts.dbFile);
  const routes = createRoutes({ store, jwtKey: new TextEncoder().encode(secret), openApiYaml, openApiJson });
  const log = opts.logger;

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(routes, req, res, log).catch((err: unknown) => {
      // Only reached when writing the reply itself failed; the socket is dropped, the process lives on.
      log?.error({ err }, 'demo API: cannot send a reply');
      res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    store.close();
    throw err;
  }
  server.on('error', (err) => log?.error({ err }, 'demo API server error'));
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${boundPort}`;
  log?.info({ url }, 'demo users API listening (deliberately vulnerable, loopback only)');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}

function match(routes: readonly RouteTable[], path: string): { route: RouteTable; params: string[] } | undefined {
  // Lenient on purpose, like many hand-rolled servers: empty segments vanish, so `//users` is `/users`.
  const segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter((s) => s !== '');
    if (pattern.length !== segments.length) continue;
    const params: string[] = [];
    if (pattern.every((p, i) => (p === '*' ? params.push(segments[i] ?? '') > 0 : p === segments[i]))) return { route, params };
  }
  return undefined;
}

async function handle(routes: readonly RouteTable[], req: IncomingMessage, res: ServerResponse, log: DemoLogger | undefined): Promise<void> {
  const started = performance.now();
  const caller = readCallerUnverified(req.headers.authorization);
  let reply: Reply;
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const found = match(routes, url.pathname);
    const handler = found?.route.methods[req.method ?? ''];
    if (found === undefined) reply = { status: 404, body: { error: 'no such route' } };
    else if (handler === undefined) reply = { status: 405, body: { error: 'method not allowed' }, headers: { allow: Object.keys(found.route.methods).join(', ') } };
    else reply = await handler({ params: found.params, query: url.searchParams, caller, body: () => readJson(req), req });
  } catch (err) {
    reply = verboseError(err);
    log?.error({ err, method: req.method, url: req.url }, 'demo API request failed');
  }
  if (reply.status === 413) reply = { ...reply, headers: { ...reply.headers, connection: 'close' } };
  send(res, reply, caller?.sub);
  log?.info({ method: req.method, url: req.url, status: reply.status, caller: caller?.sub ?? null, ms: Math.round(performance.now() - started) }, 'demo API request');
}

/** Verbose errors on purpose (API8:2023): the error's name, message, SQLite code and stack go to the client. */
function verboseError(err: unknown): Reply {
  if (err instanceof BodyTooLarge) return { status: 413, body: { error: err.message } };
  if (!(err instanceof Error)) return { status: 500, body: { error: 'Error', message: String(err) } };
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return { status: 500, body: { error: err.name, message: err.message, code, stack: err.stack } };
}

function send(res: ServerResponse, reply: Reply, callerSub: string | undefined): void {
  const payload = reply.text?.data ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  const headers: Record<string, string | number> = { ...reply.headers };
  if (payload !== '') headers['content-type'] = reply.text?.contentType ?? 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(payload);
  // Shows whom the unverified token claimed to be; encoded so a forged `sub` cannot inject headers.
  headers['x-demo-caller'] = callerSub === undefined ? 'anonymous' : encodeURIComponent(callerSub);
  res.writeHead(reply.status, headers).end(payload);
}

class BodyTooLarge extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge(`body larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    if (!Buffer.isBuffer(chunk)) continue;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  // No Content-Type check and no schema: whatever parses is taken (naive on purpose).
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
