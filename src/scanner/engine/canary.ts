import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * The SSRF canary: an HTTP listener on 127.0.0.1 that records which unguessable tokens were requested. A token
 * seen here proves the target fetched the URL we gave it: a confirmation, not a guess from a status code.
 */
export class Canary {
  readonly #hits = new Map<string, number>();
  #server: Server | undefined;
  #port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      // /rampart-canary/redirect/<a>/<b>: counts <a>, then sends the client on to <b> (a third-party redirect).
      const r = /\/rampart-canary\/redirect\/([a-z0-9]+)\/([a-z0-9]+)/.exec(req.url ?? '');
      if (r?.[1] !== undefined) {
        this.#hits.set(r[1], (this.#hits.get(r[1]) ?? 0) + 1);
        res.writeHead(302, { location: `/rampart-canary/${r[2]}` });
        res.end();
        return;
      }
      const m = /\/rampart-canary\/([a-z0-9]+)/.exec(req.url ?? '');
      if (m?.[1] !== undefined) this.#hits.set(m[1], (this.#hits.get(m[1]) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('rampart-canary');
    });
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(0, '127.0.0.1', resolve);
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** A fresh URL whose token identifies one probe. */
  url(): { url: string; token: string } {
    const token = randomBytes(8).toString('hex');
    return { url: `http://127.0.0.1:${this.#port}/rampart-canary/${token}`, token };
  }

  /** A URL that redirects: `first` is counted when fetched, `second` when the redirect is followed. */
  redirectUrl(): { url: string; first: string; second: string } {
    const first = randomBytes(8).toString('hex');
    const second = randomBytes(8).toString('hex');
    return { url: `http://127.0.0.1:${this.#port}/rampart-canary/redirect/${first}/${second}`, first, second };
  }

  /** Wait up to `ms` for the token to arrive (the target may fetch asynchronously). */
  async seen(token: string, ms = 500): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.#hits.has(token)) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.#hits.has(token);
  }

  async stop(): Promise<void> {
    const s = this.#server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
