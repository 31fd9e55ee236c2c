import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it reached the upstream. */
export interface Reached {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Recorder {
  readonly url: string;
  /** Every request that reached the upstream, by the gateway's X-Request-Id (health probes have none). */
  readonly byId: Map<string, Reached>;
  readonly all: Reached[];
  close(): Promise<void>;
}

/**
 * A transparent recording hop between the gateway and the real upstream: it keeps what arrived (so a test can
 * prove a refused request never got through) and relays the request and the answer unchanged.
 */
export async function startRecorder(target: string): Promise<Recorder> {
  const byId = new Map<string, Reached>();
  const all: Reached[] = [];
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: Reached = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      all.push(seen);
      const id = req.headers['x-request-id'];
      if (typeof id === 'string') byId.set(id, seen);
      const headers = { ...req.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
      const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    byId,
    all,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
