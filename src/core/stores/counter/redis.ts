import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../../lazy/optional-deps.js';
import { CONSUME_SCRIPT } from './lua.js';
import { CounterStoreError, type CheckResult, type ConsumeMode, type CounterStore, type LimitCheck, type Verdict } from './types.js';

export interface RedisCounterStoreOptions {
  /** A connected (or connecting) ioredis client; see createRedisClient. Not closed by the store. */
  readonly client: Redis;
  /** Prepended to every key (namespaces instances of Rampart sharing one Redis). */
  readonly prefix?: string;
  /** Upper bound on one decision, ms: beyond it the call fails with a CounterStoreError('timeout'). */
  readonly timeoutMs?: number;
  /** Tests only: decide with this clock instead of Redis TIME. */
  readonly now?: () => number;
}

const SHA = createHash('sha1').update(CONSUME_SCRIPT).digest('hex');

/**
 * An ioredis client fit for the hot path: no offline queue (a command while disconnected fails at once
 * instead of piling up), no per-request retries, a command timeout, and reconnection in the background.
 */
export function createRedisClient(url: string, timeoutMs: number, onError?: (err: Error) => void): Redis {
  const client = new (loadIoredis().Redis)(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(200, timeoutMs * 4),
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
  });
  // Without a listener ioredis prints every connection error; the resilient store logs state changes instead.
  client.on('error', (err: Error) => onError?.(err));
  return client;
}

/**
 * Resolves once the client is ready, or after `timeoutMs` whatever its state (never rejects): start-up waits
 * a moment for Redis so the first requests are not decided by the failure policy, but never hangs on it.
 */
export function whenReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
  });
}

/** The shared store: every decision is one EVALSHA of CONSUME_SCRIPT, atomic across instances. */
export function createRedisCounterStore(options: RedisCounterStoreOptions): CounterStore {
  const { client } = options;
  const prefix = options.prefix ?? 'rampart:rl:';
  const timeoutMs = options.timeoutMs ?? 50;

  async function run(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalsha(SHA, keys.length, ...keys, ...args);
    } catch (err) {
      // The first call on a fresh server (or after SCRIPT FLUSH) loads the script: a second round trip, once.
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return client.eval(CONSUME_SCRIPT, keys.length, ...keys, ...args);
      throw err;
    }
  }

  async function consume(checks: readonly LimitCheck[], mode: ConsumeMode = 'consume'): Promise<Verdict> {
    const keys: string[] = [];
    const args: string[] = [options.now === undefined ? '' : String(options.now()), mode];
    for (const c of checks) {
      keys.push(prefix + c.algorithm + ':' + c.key);
      args.push(c.algorithm, String(c.limit), String(c.periodMs), String(c.burst), String(c.cost), String(c.maxDelayMs), c.calendar ?? '');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rejectTimeout) => {
      timer = setTimeout(() => rejectTimeout(new CounterStoreError(`redis did not answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    });
    try {
      return parseReply(await Promise.race([run(keys, args), timeout]), checks.length);
    } catch (err) {
      if (err instanceof CounterStoreError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      const reason = /timed? ?out/i.test(msg) ? 'timeout' : msg.startsWith('ERR') ? 'script' : 'unavailable';
      throw new CounterStoreError(`redis: ${msg}`, reason, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    kind: 'redis',
    consume,
    async close() {
      /* the client is a shared resource: its owner closes it */
    },
  };
}

function parseReply(reply: unknown, n: number): Verdict {
  if (!Array.isArray(reply) || reply.length !== 2 + 5 * n || !reply.every((v) => typeof v === 'number')) {
    throw new CounterStoreError('redis: unexpected script reply', 'script');
  }
  const num = (i: number): number => {
    const v: unknown = reply[i];
    return typeof v === 'number' ? v : 0;
  };
  const results: CheckResult[] = [];
  for (let i = 0; i < n; i++) {
    const b = 2 + 5 * i;
    results.push({ allowed: num(b) === 1, remaining: num(b + 1), resetMs: num(b + 2), retryAfterMs: num(b + 3), delayMs: num(b + 4) });
  }
  return { allowed: num(0) === 1, delayMs: num(1), results };
}
