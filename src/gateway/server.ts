import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../core/config/schema.js';
import { loadConfigFile, formatIssues } from '../core/config/load.js';
import { rawProblemResponse } from '../core/problems/write.js';
import { writeProblem } from '../core/problems/write.js';
import { compileGateway, type CompiledGateway } from './compile.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import type { StageEnv, StageModule } from './pipeline/module.js';
import { createRunner } from './runner.js';
import { createAccessLogWriter } from './access-log.js';
import { STAGE_MODULES, orderedModules } from './stages/index.js';
import { Upstream } from './upstream/upstream.js';
import { randomUUID } from 'node:crypto';

export interface GatewayOptions {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** The config file, for reloads; relative paths in the config resolve against its directory. */
  readonly configFile?: string;
  readonly modules?: readonly StageModule[];
  readonly now?: () => number;
  readonly metrics?: GatewayMetrics;
  /** Environment for ${VAR} substitution on reload. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Gateway {
  /** Where the proxy listens (after start). */
  readonly url: string;
  readonly adminUrl: string | undefined;
  readonly metrics: GatewayMetrics;
  start(): Promise<void>;
  /** Load the config file again; an invalid one is refused (logged) and the old one keeps serving. */
  reload(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Reload automatically when the config file changes. */
  watchConfig(): void;
  /** Stop accepting, let in-flight requests finish (bounded), close upstreams. */
  shutdown(): Promise<void>;
  current(): CompiledGateway;
}

/** Node's parser error codes that mean "headers too large" (431) rather than a malformed request (400). */
const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW']);

/**
 * After answering a malformed request: stop writing, but keep reading (and dropping) what the client still
 * sends for a moment, so its pending writes do not turn into a reset that destroys our answer before it is read
 * (the "lingering close" of RFC 9112 §9.6 and nginx).
 */
function lingerThenClose(socket: Socket): void {
  socket.on('data', () => undefined);
  socket.on('error', () => socket.destroy());
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const logger = opts.logger;
  const metrics = opts.metrics ?? createMetrics();
  const now = opts.now ?? Date.now;
  const modules = orderedModules(opts.modules ?? STAGE_MODULES);
  const baseDir = opts.configFile !== undefined ? dirname(resolve(opts.configFile)) : process.cwd();
  const resources = new Map<string, { value: unknown; dispose?: (v: never) => void | Promise<void> }>();
  const env: StageEnv = {
    logger,
    metrics: metrics.registry,
    now,
    baseDir,
    resource<T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T {
      const have = resources.get(key);
      if (have !== undefined) return have.value as T;
      const value = create();
      resources.set(key, { value, dispose: dispose as ((v: never) => void | Promise<void>) | undefined });
      return value;
    },
  };

  // Upstreams live across reloads while their config is unchanged (connections and health state are kept).
  const upstreams = new Map<string, { key: string; upstream: Upstream }>();
  const onHealthChange = (u: string, t: string, healthy: boolean) => metrics.targetHealthy.set({ upstream: u, target: t }, healthy ? 1 : 0);
  const upstreamFor = (config: Readonly<Config>) => (name: string) => {
    const cfg = config.upstreams[name];
    if (cfg === undefined) throw new Error(`unknown upstream ${name}`);
    const key = JSON.stringify(cfg);
    const have = upstreams.get(name);
    if (have !== undefined && have.key === key) return have.upstream;
    const upstream = new Upstream(name, cfg, { logger, now, onHealthChange });
    for (const t of upstream.targets) metrics.targetHealthy.set({ upstream: name, target: t.origin }, 1);
    upstreams.set(name, { key, upstream });
    return upstream;
  };
  const retiredUpstreams = new Set<Upstream>();

  let current = await compileGateway(opts.config, { env, modules, upstream: upstreamFor(opts.config) });
  for (const { upstream } of upstreams.values()) upstream.startHealthChecks();
  const retired = new Set<CompiledGateway>();
  let draining = false;

  const closeRetired = (gw: CompiledGateway) => {
    if (gw === current || gw.inflight > 0 || !retired.has(gw)) return;
    retired.delete(gw);
    void gw.close();
    const live = new Set([...upstreams.values()].map((u) => u.upstream));
    const stillUsed = new Set([current, ...retired].flatMap((g) => g.routes.map((r) => r.upstream)));
    for (const u of retiredUpstreams) {
      if (!live.has(u) && !stillUsed.has(u)) {
        retiredUpstreams.delete(u);
        void u.close();
      }
    }
  };

  const accessLog = createAccessLogWriter(logger, opts.config.log.redactFields);
  const runner = createRunner({ logger, metrics, current: () => current, draining: () => draining, settled: closeRetired, accessLog });
  const listen = opts.config.listen;
  const server: Server = createServer(
    {
      maxHeaderSize: listen.maxHeaderBytes,
      requestTimeout: listen.requestTimeoutMs,
      headersTimeout: listen.headersTimeoutMs,
      keepAliveTimeout: listen.keepAliveTimeoutMs,
      // Node checks header and request timeouts on this interval (30 s by default): a slow-loris client would
      // otherwise get up to 30 s more than configured.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(listen.headersTimeoutMs / 2))),
      // Node's strict HTTP parser stays on: lenient parsing is how request smuggling gets in (a test asserts it).
      insecureHTTPParser: false,
      joinDuplicateHeaders: false,
      // Checked by the runner instead, which answers with a problem (Node's own answer has no body).
      requireHostHeader: false,
    },
    runner,
  );
  // One more than allowed: Node silently drops fields past the count, so the runner sees the excess and refuses it.
  server.maxHeadersCount = listen.maxHeaders + 1;
  server.maxRequestsPerSocket = listen.maxRequestsPerSocket;
  server.on('clientError', (err: Error & { code?: string; bytesParsed?: number }, socket: Socket) => {
    const code = err.code ?? 'UNKNOWN';
    metrics.clientErrors.inc({ code });
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const id = randomUUID();
    const tooLarge = TOO_LARGE.has(code);
    const timeout = code === 'ERR_HTTP_REQUEST_TIMEOUT';
    logger.info({ reqId: id, clientIp: socket.remoteAddress, decision: 'reject', stage: 'listener', problem: tooLarge ? 'headers-too-large' : timeout ? 'request-timeout' : 'bad-request', reason: code }, 'malformed request refused');
    socket.end(
      rawProblemResponse(
        tooLarge
          ? { code: 'headers-too-large', detail: `The request headers exceed ${listen.maxHeaderBytes} bytes or ${listen.maxHeaders} fields.` }
          : timeout
            ? { code: 'request-timeout', detail: 'The request was not received in time.' }
            : { code: 'bad-request', detail: 'The request is not valid HTTP/1.1.' },
        id,
      ),
    );
    lingerThenClose(socket);
  });

  // Expect other than 100-continue (RFC 9110 §10.1.1): a problem instead of Node's bare 417.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const id = randomUUID();
    logger.info({ reqId: id, clientIp: req.socket.remoteAddress, method: req.method, decision: 'reject', stage: 'listener', problem: 'expectation-failed' }, 'access');
    res.shouldKeepAlive = false;
    writeProblem(res, { code: 'expectation-failed', detail: 'Only "Expect: 100-continue" is supported.', closeConnection: true }, id);
  });
  // CONNECT (tunnelling) is not something an API gateway offers: answer, then close.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const id = randomUUID();
    logger.info({ reqId: id, clientIp: socket.remoteAddress, method: 'CONNECT', decision: 'reject', stage: 'listener', problem: 'method-not-allowed' }, 'access');
    socket.on('error', () => socket.destroy());
    socket.end(rawProblemResponse({ code: 'method-not-allowed', detail: 'CONNECT is not supported.' }, id));
  });

  let admin: Server | undefined;
  const adminCfg = opts.config.admin;
  if (adminCfg.enabled) {
    admin = createServer((req, res) => {
      const id = randomUUID();
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        writeProblem(res, { code: 'method-not-allowed', headers: { allow: 'GET, HEAD' } }, id);
        return;
      }
      if (path === '/metrics') {
        metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(text);
          },
          (err: unknown) => {
            logger.error({ err }, 'metrics collection failed');
            writeProblem(res, { code: 'internal-error' }, id);
          },
        );
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      } else if (path === '/readyz') {
        const ups = Object.fromEntries([...upstreams.entries()].map(([n, u]) => [n, u.upstream.health()]));
        const stages = current.health();
        const stagesOk = Object.values(stages).every((h) => h.ok);
        // A degraded stage (a JWKS endpoint down while cached keys still verify) is reported, not made fatal:
        // taking every instance out of rotation for it would turn a partial outage into a full one.
        res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: draining ? 'draining' : stagesOk ? 'ready' : 'degraded', upstreams: ups, stages }));
      } else writeProblem(res, { code: 'not-found' }, id);
    });
  }

  let watcher: FSWatcher | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;
  let reloading: Promise<unknown> = Promise.resolve();

  const gateway: Gateway = {
    get url() {
      const a = server.address();
      return a !== null && typeof a === 'object' ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
    },
    get adminUrl() {
      const a = admin?.address();
      return a !== null && a !== undefined && typeof a === 'object' ? `http://${a.address}:${a.port}` : undefined;
    },
    metrics,
    current: () => current,
    async start() {
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(listen.port, listen.host, () => {
          server.off('error', fail);
          ok();
        });
      });
      if (admin !== undefined) {
        const a = admin;
        await new Promise<void>((ok, fail) => {
          a.once('error', fail);
          a.listen(adminCfg.port, adminCfg.host, () => {
            a.off('error', fail);
            ok();
          });
        });
      }
      logger.info({ url: gateway.url, admin: gateway.adminUrl, routes: current.routes.length }, 'rampart gateway listening');
    },
    reload() {
      const run = async (): Promise<{ ok: true } | { ok: false; error: string }> => {
        if (opts.configFile === undefined) return { ok: false, error: 'no config file to reload' };
        const loaded = loadConfigFile(opts.configFile, opts.env ?? process.env);
        if (!loaded.ok) {
          const error = `invalid config, keeping the running one:\n${formatIssues(loaded.issues, opts.configFile)}`;
          logger.error({ file: opts.configFile, issues: loaded.issues }, 'config reload refused: invalid config, the previous config keeps serving');
          metrics.reloads.inc({ result: 'invalid' });
          return { ok: false, error };
        }
        const next = loaded.config;
        const restartNeeded = ['host', 'port', 'maxHeaderBytes'].filter((k) => next.listen[k as 'host'] !== listen[k as 'host']);
        if (restartNeeded.length > 0) logger.warn({ keys: restartNeeded.map((k) => `listen.${k}`) }, 'these settings change only on restart');
        const before = new Map([...upstreams.entries()].map(([n, u]) => [n, u.upstream]));
        let compiled: CompiledGateway;
        try {
          compiled = await compileGateway(next, { env, modules, upstream: upstreamFor(next) });
        } catch (err) {
          logger.error({ err }, 'config reload refused: the new config could not be built, the previous config keeps serving');
          metrics.reloads.inc({ result: 'error' });
          return { ok: false, error: (err as Error).message };
        }
        // Upstreams replaced or removed by the new config close once no config uses them.
        const nowUsed = new Set(compiled.routes.map((r) => r.upstream));
        for (const [name, u] of before) if (upstreams.get(name)?.upstream !== u || !nowUsed.has(u)) retiredUpstreams.add(u);
        for (const name of [...upstreams.keys()]) if (!Object.hasOwn(next.upstreams, name)) upstreams.delete(name);
        for (const { upstream } of upstreams.values()) upstream.startHealthChecks();
        server.headersTimeout = next.listen.headersTimeoutMs;
        server.requestTimeout = next.listen.requestTimeoutMs;
        server.keepAliveTimeout = next.listen.keepAliveTimeoutMs;
        server.maxRequestsPerSocket = next.listen.maxRequestsPerSocket;
        server.maxHeadersCount = next.listen.maxHeaders + 1;
        const old = current;
        current = compiled;
        retired.add(old);
        closeRetired(old);
        metrics.reloads.inc({ result: 'ok' });
        logger.info({ file: opts.configFile, routes: compiled.routes.length }, 'config reloaded');
        return { ok: true };
      };
      const p = reloading.then(run, run);
      reloading = p;
      return p;
    },
    watchConfig() {
      if (opts.configFile === undefined || watcher !== undefined) return;
      const file = resolve(opts.configFile);
      const name = basename(file);
      // Watch the directory: editors replace files (rename), which ends a watch on the file itself.
      watcher = watch(dirname(file), (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void gateway.reload(), 150);
        reloadTimer.unref();
      });
      watcher.unref();
    },
    async shutdown() {
      if (draining) return;
      draining = true;
      watcher?.close();
      clearTimeout(reloadTimer);
      logger.info({ inflight: current.inflight }, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      const deadline = Date.now() + current.config.listen.shutdownTimeoutMs;
      const busy = () => current.inflight + [...retired].reduce((n, g) => n + g.inflight, 0);
      while (busy() > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        server.closeIdleConnections();
      }
      if (busy() > 0) logger.warn({ inflight: busy() }, 'shutdown timeout: closing remaining connections');
      server.closeAllConnections();
      await closed;
      if (admin !== undefined) {
        const a = admin;
        a.closeAllConnections();
        await new Promise<void>((ok) => a.close(() => ok()));
      }
      await current.close();
      for (const g of retired) await g.close();
      const all = new Set([...[...upstreams.values()].map((u) => u.upstream), ...retiredUpstreams]);
      await Promise.all([...all].map((u) => u.close()));
      for (const [key, r] of resources) {
        try {
          await r.dispose?.(r.value as never);
        } catch (err) {
          logger.warn({ key, err }, 'resource dispose failed');
        }
      }
      resources.clear();
      logger.info('shutdown complete');
    },
  };
  return gateway;
}
