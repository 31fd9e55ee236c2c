import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Config, RouteConfig } from '../../../../core/config/schema.js';
import type { StageEnv } from '../../../pipeline/module.js';
import type { Decision, Facts, RequestContext, Stage } from '../../../pipeline/types.js';

/** Test helpers for the auth stages: a fake RequestContext and a StageEnv without a server. */

export interface FakeRequest {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string | string[]>;
  /** Raw header list as Node gives it (name, value, name, value...); derived from `headers` when absent. */
  rawHeaders?: string[];
  body?: Buffer | string;
  clientIp?: string;
  facts?: Facts;
}

export interface FakeContext extends RequestContext {
  readonly notes: Record<string, unknown>;
}

export function fakeContext(r: FakeRequest = {}): FakeContext {
  const headers: IncomingHttpHeaders = {};
  const raw: string[] = [];
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    headers[k.toLowerCase()] = v;
    for (const one of Array.isArray(v) ? v : [v]) raw.push(k, one);
  }
  const notes: Record<string, unknown> = {};
  // Adapter: stages only read rawHeaders from the raw request.
  const message = { rawHeaders: r.rawHeaders ?? raw } as unknown as IncomingMessage;
  return {
    id: 'req-test',
    startedAt: 0,
    method: r.method ?? 'GET',
    path: r.path ?? '/',
    query: r.query ?? '',
    host: 'localhost',
    clientIp: r.clientIp ?? '192.0.2.10',
    peerIp: r.clientIp ?? '192.0.2.10',
    headers,
    raw: message,
    body: typeof r.body === 'string' ? Buffer.from(r.body) : r.body,
    facts: r.facts ?? {},
    annotate(k, v) {
      notes[k] = v;
    },
    notes,
  };
}

export interface TestEnv extends StageEnv {
  dispose(): Promise<void>;
  clock: { now: number };
}

export function testEnv(baseDir = process.cwd(), start = Date.now()): TestEnv {
  const resources = new Map<string, { value: unknown; dispose?: (v: never) => void | Promise<void> }>();
  const clock = { now: start };
  return {
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    now: () => clock.now,
    baseDir,
    clock,
    resource<T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T {
      const have = resources.get(key);
      // Adapter: the map holds values of many types, keyed by the caller.
      if (have !== undefined) return have.value as T;
      const value = create();
      resources.set(key, { value, dispose: dispose as ((v: never) => void | Promise<void>) | undefined });
      return value;
    },
    async dispose() {
      for (const r of resources.values()) await r.dispose?.(r.value as never);
    },
  };
}

/** A minimal root config around some routes and an `auth` section. */
export function testConfig(routes: Partial<RouteConfig>[], auth: Record<string, unknown> = {}): Config {
  const full = routes.map((r, i) => ({ id: `r${i}`, match: { path: '/' }, upstream: 'up', ...r }));
  // Adapter: the root type carries `auth` once the lead spreads globalStagesSchema; tests build it directly.
  return { version: 1, upstreams: { up: { targets: ['http://127.0.0.1:1'] } }, routes: full, auth } as unknown as Config;
}

/** Run a stage's onRequest and return its decision (awaiting only when it is a promise). */
export async function run(stage: Stage | undefined, ctx: RequestContext): Promise<Decision> {
  if (stage?.onRequest === undefined) throw new Error('no onRequest');
  return stage.onRequest(ctx);
}

/** Fold a continue decision's facts into a new context, as the runner does. */
export function withFacts(ctx: FakeContext, d: Decision): FakeContext {
  if (d.kind !== 'continue') return ctx;
  return { ...ctx, facts: { ...ctx.facts, ...d.facts } };
}
