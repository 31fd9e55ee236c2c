import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Config, RouteConfig } from '../../../../core/config/schema.js';
import type { StageEnv } from '../../../pipeline/module.js';
import type { Decision, Facts, GatewayResponse, LogRecord, RequestContext, Stage } from '../../../pipeline/types.js';
import { buildRateLimit } from '../rate-limit.js';
import type { RouteRateLimitConfig } from '../schema.js';

/** Test doubles for the stage: an env with a movable clock and captured logs, and request contexts. */
export interface TestEnv extends StageEnv {
  readonly logs: Record<string, unknown>[];
  advance(ms: number): void;
  dispose(): Promise<void>;
}

export function testEnv(start = 1_700_000_000_000): TestEnv {
  let t = start;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const resources = new Map<string, { value: unknown; dispose?: () => void | Promise<void> }>();
  return {
    logger: pino({ level: 'debug' }, sink),
    metrics: new Registry(),
    now: () => t,
    baseDir: process.cwd(),
    logs,
    advance(ms) {
      t += ms;
    },
    resource<T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T {
      const have = resources.get(key);
      if (have !== undefined) return have.value as T; // adapter: the map stores each key's own type
      const value = create();
      resources.set(key, { value, dispose: dispose === undefined ? undefined : () => dispose(value) });
      return value;
    },
    async dispose() {
      for (const r of resources.values()) await r.dispose?.();
      resources.clear();
    },
  };
}

export interface RequestOptions {
  clientIp?: string;
  method?: string;
  headers?: Record<string, string>;
  facts?: Facts;
}

export function request(o: RequestOptions = {}): RequestContext & { notes: Record<string, unknown> } {
  const notes: Record<string, unknown> = {};
  const ip = o.clientIp ?? '203.0.113.10';
  return {
    id: 'req-' + Math.random().toString(36).slice(2),
    startedAt: 0,
    method: o.method ?? 'GET',
    path: '/',
    query: '',
    host: 'api.test',
    clientIp: ip,
    peerIp: ip,
    headers: o.headers ?? {},
    raw: new IncomingMessage(new Socket()),
    body: undefined,
    facts: o.facts ?? {},
    annotate(k, v) {
      notes[k] = v;
    },
    notes,
  };
}

export function logRecord(ctx: RequestContext, over: Partial<LogRecord> = {}): LogRecord {
  return { reqId: ctx.id, clientIp: ctx.clientIp, method: ctx.method, path: ctx.path, status: 200, durationMs: 1, bytesIn: 0, bytesOut: 0, decision: 'allow', stage: 'proxy', ...over };
}

export function response(): GatewayResponse {
  return { status: 200, headers: {}, body: undefined, fromGateway: false };
}

/** A config with one route using `rateLimit`, plus an optional top-level section (validated, with defaults, by the stage). */
export function configWith(route: Partial<RouteRateLimitConfig> | undefined, global?: Readonly<Record<string, unknown>>, id = 'r1'): { config: Config; route: RouteConfig } {
  const r: RouteConfig = {
    id,
    match: { path: '/**' },
    upstream: 'up',
    ...(route === undefined ? {} : { rateLimit: { policies: [], headers: 'ietf', maxQueue: 100, priority: 'normal', ...route } }),
  };
  const base: Config = {
    version: 1,
    listen: { host: '127.0.0.1', port: 0, maxHeaderBytes: 16384, maxHeaders: 100, maxUrlBytes: 8192, headersTimeoutMs: 1000, requestTimeoutMs: 1000, keepAliveTimeoutMs: 1000, maxRequestsPerSocket: 0, maxBodyBytes: 1000, trustedProxies: [], shutdownTimeoutMs: 100 },
    paths: { caseSensitive: false, allowEncodedSlash: false, allowMatrixParams: false, allowDoubleEncoding: false },
    log: { level: 'info', destination: 'stdout', accessLog: true, redactHeaders: [], redactFields: [], maxValueLength: 1024 },
    admin: { enabled: false, host: '127.0.0.1', port: 0 },
    upstreams: {
      up: { targets: ['http://127.0.0.1:9'], balance: 'round-robin', connections: 8, connectTimeoutMs: 100, responseTimeoutMs: 100, bodyTimeoutMs: 100, keepAliveTimeoutMs: 100, retries: 0, passiveHealth: { failures: 3, ejectMs: 1000 } },
    },
    routes: [r],
  };
  // The top-level section, as the root schema will carry it once it spreads globalStagesSchema.
  const config = global === undefined ? base : Object.assign(base, { rateLimit: global });
  return { config, route: r };
}

/** Build the stage for a route the way the runner does. */
export async function stageFor(env: TestEnv, route: Partial<RouteRateLimitConfig> | undefined, global?: Readonly<Record<string, unknown>>): Promise<Stage> {
  const { config, route: r } = configWith(route, global);
  const build = await buildRateLimit(config, env);
  const stage = build.forRoute(r);
  if (stage === undefined) throw new Error('no stage for the route');
  return stage;
}

export async function decide(stage: Stage, ctx: RequestContext): Promise<Decision> {
  if (stage.onRequest === undefined) throw new Error('stage has no onRequest');
  return stage.onRequest(ctx);
}
