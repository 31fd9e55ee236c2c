import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A small TCP proxy for failure tests: forwards 127.0.0.1:<port> to a target and, on command, adds latency,
 * swallows traffic (blackhole), or kills every connection and refuses new ones (down). Loopback only.
 */
export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Delay every chunk, both ways, by this many ms (0: none). */
  delay(ms: number): void;
  /** Accept and keep connections but forward nothing (a hung server). */
  blackhole(on: boolean): void;
  /** Kill every open connection and refuse new ones; `up()` undoes it. */
  down(): void;
  up(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  let delayMs = 0;
  let hole = false;
  let isDown = false;
  let accepted = 0;
  const sockets = new Set<Socket>();

  /** Forward src to dst through the current faults, keeping chunk order when delayed. */
  function pipe(src: Socket, dst: Socket): void {
    let chain = Promise.resolve();
    src.on('data', (chunk: Buffer) => {
      if (hole) return;
      if (delayMs === 0) {
        chain = chain.then(() => void (dst.destroyed || dst.write(chunk)));
        return;
      }
      const wait = delayMs;
      chain = chain.then(
        () =>
          new Promise<void>((ok) =>
            setTimeout(() => {
              if (!dst.destroyed) dst.write(chunk);
              ok();
            }, wait),
          ),
      );
    });
  }

  const server: Server = createServer((client) => {
    accepted++;
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo; // adapter: a TCP server bound to a port has an AddressInfo

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    delay(ms) {
      delayMs = ms;
    },
    blackhole(on) {
      hole = on;
    },
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
