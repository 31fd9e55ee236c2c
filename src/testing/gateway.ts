import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseConfigText, formatIssues } from '../core/config/load.js';
import { createGateway, type Gateway, type GatewayOptions } from '../gateway/server.js';

/** A request as the test upstream saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export interface TestUpstream {
  readonly url: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** Connections opened so far. */
  connections: number;
  close(): Promise<void>;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const echo: UpstreamHandler = (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, length: body.length }));
};

/** A real HTTP upstream on 127.0.0.1 that records what reached it. */
export async function startUpstream(handler: UpstreamHandler = echo, opts: { recordBodies?: boolean } = {}): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      if (opts.recordBodies !== false) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      handler(req, res, body);
    });
  });
  const up: TestUpstream = {
    url: '',
    port: 0,
    seen,
    connections: 0,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  server.on('connection', () => up.connections++);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  Object.assign(up, { url: `http://127.0.0.1:${port}`, port });
  return up;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly port: number;
  /** The admin listener's URL. */
  adminUrl(): string;
  /** Every log line written, parsed. */
  readonly logs: Record<string, unknown>[];
  accessLogs(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** Start a gateway from YAML text (listening on a free port on 127.0.0.1), capturing its log lines. */
export async function startTestGateway(
  yaml: string,
  env: Record<string, string | undefined> = {},
  extra: Partial<Omit<GatewayOptions, 'config' | 'logger'>> = {},
): Promise<TestGateway> {
  const parsed = parseConfigText(yaml, env);
  if (!parsed.ok) throw new Error(`test config invalid:\n${formatIssues(parsed.issues)}`);
  const config = structuredClone(parsed.config);
  config.listen.port = 0;
  config.admin.port = 0;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'debug', timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, sink);
  const gateway = await createGateway({ config, logger, ...extra });
  await gateway.start();
  const port = Number(new URL(gateway.url).port);
  return {
    gateway,
    url: gateway.url,
    port,
    adminUrl: () => gateway.adminUrl ?? '',
    logs,
    accessLogs: () => logs.filter((l) => l.msg === 'access'),
    close: () => gateway.shutdown(),
  };
}

/**
 * Send raw bytes on a fresh TCP connection to 127.0.0.1:port and collect everything received until the
 * server closes the connection or `waitMs` passes without it closing (then `closed` is false).
 */
export function rawExchange(port: number, data: string | Buffer, waitMs = 1500): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(data);
  });
}

/** Status codes of every HTTP response found in a raw exchange, in order. */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** A minimal gateway config in front of one upstream URL, with optional extra YAML under the route. */
export function simpleConfig(upstreamUrl: string, routeExtra = '', top = ''): string {
  return `
version: 1
log: { level: debug }
${top}
upstreams:
  app:
    targets: ["${upstreamUrl}"]
routes:
  - id: all
    match: { path: "/**" }
    upstream: app
${routeExtra}
`;
}
