import { resolve } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  createMemoryCounterStore,
  createRedisClient,
  createRedisCounterStore,
  createResilientCounterStore,
  createSqliteCounterStore,
  whenReady,
  type CounterStore,
  type ResilientEvents,
} from '../../../core/stores/counter/index.js';
import type { StageEnv } from '../../pipeline/module.js';
import type { RateLimitGlobalConfig } from './schema.js';

function counter(registry: Registry, name: string, help: string, labelNames: string[] = []): Counter {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[] = []): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export interface RateLimitMetrics {
  readonly decisions: Counter;
  readonly storeFailures: Counter;
  readonly storeUp: Gauge;
  readonly upstreamLimit: Gauge;
}

export function rateLimitMetrics(registry: Registry): RateLimitMetrics {
  return {
    decisions: counter(registry, 'rampart_rate_limit_decisions_total', 'Requests the rate-limit stage refused (limited, concurrency, shed, store-closed) or delayed, by route and outcome.', ['route', 'outcome']),
    storeFailures: counter(registry, 'rampart_rate_limit_store_failures_total', 'Counter-store calls that failed or timed out.', ['reason']),
    storeUp: gauge(registry, 'rampart_rate_limit_store_up', '1 while the shared counter store answers, 0 while the failure policy decides.'),
    upstreamLimit: gauge(registry, 'rampart_upstream_concurrency_limit', 'The adaptive in-flight limit of each upstream (gradient controller).', ['upstream']),
  };
}

/**
 * The counter store for this config. The memory store, the SQLite database and the Redis client are env
 * resources: a reload keeps the counters and the connection. SQLite and Redis sit behind the failure policy
 * (open: a local per-instance limit; closed: 503), which logs once when the store goes and once when it is back.
 */
export function openCounterStore(cfg: RateLimitGlobalConfig['store'], env: StageEnv, metrics: RateLimitMetrics): { store: CounterStore; ready: Promise<unknown> } {
  if (cfg.kind === 'memory') {
    return { store: env.resource(`rate-limit:memory-store:${cfg.maxKeys}`, () => createMemoryCounterStore({ now: env.now, maxKeys: cfg.maxKeys })), ready: Promise.resolve() };
  }
  const log = env.logger.child({ stage: 'rate-limit', store: cfg.kind });
  const fallback = env.resource(`rate-limit:fallback-store:${cfg.maxKeys}`, () => createMemoryCounterStore({ now: env.now, maxKeys: cfg.maxKeys }));
  const events: ResilientEvents = {
    failure: (err) => metrics.storeFailures.inc({ reason: err.reason }),
    down: (err) => {
      metrics.storeUp.set(0);
      log.warn({ err: err.message, reason: err.reason, onFailure: cfg.onFailure }, `rate-limit store unavailable: failing ${cfg.onFailure}`);
    },
    up: (downForMs) => {
      metrics.storeUp.set(1);
      log.info({ downForMs }, 'rate-limit store recovered');
    },
  };
  const policy = { onFailure: cfg.onFailure, probeAfterMs: cfg.probeAfterMs, fallback, fallbackFactor: cfg.failOpenFactor, events };
  metrics.storeUp.set(1);
  if (cfg.kind === 'sqlite') {
    const path = resolve(env.baseDir, cfg.path);
    const primary = env.resource(`rate-limit:sqlite:${path}`, () => createSqliteCounterStore({ path, now: env.now }), (s) => s.close());
    return { store: createResilientCounterStore({ primary, ...policy }), ready: Promise.resolve() };
  }
  const client = env.resource(
    `rate-limit:redis:${cfg.url}:${cfg.timeoutMs}`,
    () => createRedisClient(cfg.url, cfg.timeoutMs, (err) => log.debug({ err: err.message }, 'redis connection error')),
    async (c) => {
      await c.quit().catch(() => c.disconnect());
    },
  );
  const store = createResilientCounterStore({ primary: createRedisCounterStore({ client, prefix: cfg.prefix, timeoutMs: cfg.timeoutMs }), ...policy });
  // Give a fresh connection a moment at start-up (bounded) so the first requests do not meet the failure policy.
  return { store, ready: whenReady(client, Math.max(250, cfg.timeoutMs * 10)) };
}
