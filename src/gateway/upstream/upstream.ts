import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Logger } from 'pino';
import type { UpstreamConfig } from '../../core/config/schema.js';
import { classifyUpstreamError, type UpstreamFailure } from './errors.js';
import { responseHeadersFromRaw } from '../http/forwarding.js';

/** One target of an upstream: an undici keep-alive pool plus its health state. */
export interface Target {
  readonly url: string;
  readonly origin: string;
  /** Path prefix of the target URL ('' when none). */
  readonly basePath: string;
  readonly weight: number;
  readonly pool: Pool;
  inflight: number;
  consecutiveFailures: number;
  ejectedUntil: number;
  /** Active health verdict (true when no active check is configured). */
  activeHealthy: boolean;
  activeStreak: number;
}

export interface ForwardRequest {
  readonly method: string;
  /** Path and query, already canonical. */
  readonly path: string;
  readonly headers: string[];
  /** null: no body; Buffer: replayable; Readable: streamed once (never retried). */
  readonly body: Buffer | Readable | null;
}

/**
 * Receives one upstream exchange, straight from undici's dispatcher (no intermediate stream: this is the hot
 * path). Return false from onHead or onData to pause the body until `resume` is called (backpressure).
 */
export interface ExchangeHandler {
  onHead(status: number, headers: Record<string, string | string[]>, resume: () => void, target: Target, upstreamMs: number): boolean;
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  /** The exchange failed; `afterHead`: the response had started (a broken body). Retries were already tried. */
  onFail(failure: UpstreamFailure, target: Target | undefined, afterHead: boolean): void;
}

export interface Exchange {
  /** Stop the exchange (the client went away, or the answer is no longer wanted). */
  abort(): void;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export interface UpstreamDeps {
  readonly logger: Logger;
  /** Monotonic-enough clock in ms (Date.now by default). */
  readonly now: () => number;
  readonly onHealthChange?: (upstream: string, target: string, healthy: boolean) => void;
}

export class Upstream {
  readonly targets: readonly Target[];
  private rr = 0;
  private healthTimer: NodeJS.Timeout | undefined;
  /** Weighted round-robin sequence of target indexes. */
  private readonly sequence: readonly number[];
  /**
   * Bytes of the request head an upstream reads beyond the method, the path and the forwarded fields: the
   * request line's separators, the longest target's base path and Host line, undici's Connection line and the
   * blank line. The runner adds it to what it forwards to keep the head within the listener's limit.
   */
  readonly headOverhead: number;

  constructor(
    readonly name: string,
    readonly config: Readonly<UpstreamConfig>,
    private readonly deps: UpstreamDeps,
  ) {
    let longestHost = 0; // the longest Host line plus base path among the targets
    this.targets = config.targets.map((t) => {
      const url = new URL(typeof t === 'string' ? t : t.url);
      const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
      // The target's Host line and base path, as undici writes them (headOverhead below).
      longestHost = Math.max(longestHost, 'host: \r\n'.length + url.host.length + basePath.length);
      const pool = new Pool(url.origin, {
        connections: config.connections,
        pipelining: 1,
        keepAliveTimeout: config.keepAliveTimeoutMs,
        keepAliveMaxTimeout: Math.max(config.keepAliveTimeoutMs, 600_000),
        headersTimeout: config.responseTimeoutMs,
        bodyTimeout: config.bodyTimeoutMs,
        connect: { timeout: config.connectTimeoutMs },
      });
      return {
        url: url.href,
        origin: url.origin,
        basePath,
        weight: typeof t === 'string' ? 1 : (t.weight ?? 1),
        pool,
        inflight: 0,
        consecutiveFailures: 0,
        ejectedUntil: 0,
        activeHealthy: true,
        activeStreak: 0,
      } satisfies Target;
    });
    const seq: number[] = [];
    this.targets.forEach((t, i) => {
      for (let w = 0; w < t.weight; w++) seq.push(i);
    });
    this.sequence = seq;
    this.headOverhead = '  HTTP/1.1\r\n'.length + longestHost + 'connection: keep-alive\r\n'.length + '\r\n'.length;
  }

  /** A target is usable when it is not ejected by passive health and passes its active check. */
  isHealthy(t: Target, now = this.deps.now()): boolean {
    return t.activeHealthy && t.ejectedUntil <= now;
  }

  /**
   * Choose a target: round robin (weighted) or least in-flight among healthy targets not yet tried. When none
   * is healthy every target is a candidate again (panic mode, as Envoy does): failing fast beats refusing.
   */
  pick(tried: ReadonlySet<Target> | undefined): Target | undefined {
    const now = this.deps.now();
    const n = this.sequence.length;
    if (this.config.balance === 'least-busy') {
      let best: Target | undefined;
      for (const t of this.targets) {
        if (tried?.has(t) || !this.isHealthy(t, now)) continue;
        if (best === undefined || t.inflight / t.weight < best.inflight / best.weight) best = t;
      }
      if (best !== undefined) return best;
    } else {
      for (let k = 0; k < n; k++) {
        const t = this.targets[this.sequence[(this.rr++ & 0x3fffffff) % n] as number] as Target;
        if (!tried?.has(t) && this.isHealthy(t, now)) return t;
      }
    }
    for (const t of this.targets) if (!tried?.has(t)) return t;
    return undefined;
  }

  /**
   * Send a request to a target and stream the answer into `h`. Connection failures of idempotent requests
   * with a replayable body are retried on another target (never a request that may have reached the
   * application). Passive health is updated from every outcome.
   */
  forward(req: ForwardRequest, h: ExchangeHandler): Exchange {
    const replayable = req.body === null || Buffer.isBuffer(req.body);
    const maxAttempts = IDEMPOTENT.has(req.method) && replayable ? 1 + this.config.retries : 1;
    let tried: Set<Target> | undefined;
    let abortCurrent: ((reason?: Error) => void) | undefined;
    let aborted = false;
    let attempt = 0;

    const start = (): void => {
      attempt++;
      const target = this.pick(tried);
      if (target === undefined) {
        h.onFail({ kind: 'connect', code: 'NO_TARGET' }, undefined, false);
        return;
      }
      const started = performance.now();
      let headSeen = false;
      let settled = false;
      target.inflight++;
      const settle = (failed: boolean) => {
        if (settled) return;
        settled = true;
        target.inflight--;
        if (failed) this.recordFailure(target);
      };
      target.pool.dispatch(
        { origin: target.origin, method: req.method as 'GET', path: target.basePath + req.path, headers: req.headers, body: req.body },
        {
          onConnect: (abort: (reason?: Error) => void) => {
            abortCurrent = abort;
            if (aborted) abort();
          },
          onHeaders: (status: number, rawHeaders: Buffer[], resume: () => void): boolean => {
            if (status < 200) return true; // 1xx: informational, not forwarded
            headSeen = true;
            if (status === 502 || status === 503 || status === 504) this.recordFailure(target);
            else target.consecutiveFailures = 0;
            return h.onHead(status, responseHeadersFromRaw(rawHeaders), resume, target, performance.now() - started);
          },
          onData: (chunk: Buffer): boolean => {
            return h.onData(chunk);
          },
          onComplete: () => {
            settle(false);
            h.onEnd();
          },
          onError: (err: Error) => {
            const failure = classifyUpstreamError(err);
            const counts = !headSeen && failure.kind !== 'body-limit' && failure.kind !== 'aborted' && failure.kind !== 'local';
            settle(counts || (headSeen && failure.kind !== 'aborted'));
            // Retry only what never reached the upstream application: a refused or timed-out connect.
            const retryable = !headSeen && !aborted && (failure.kind === 'connect' || (failure.kind === 'timeout' && failure.phase === 'connect'));
            if (retryable && attempt < maxAttempts) {
              (tried ??= new Set()).add(target);
              this.deps.logger.debug({ upstream: this.name, target: target.origin, code: failure.code, attempt }, 'upstream connect failed, retrying');
              start();
              return;
            }
            h.onFail(failure, target, headSeen);
          },
        },
      );
    };
    start();
    return {
      abort() {
        aborted = true;
        abortCurrent?.();
      },
    };
  }

  /** Passive health: eject a target after N consecutive failures, for a while. */
  recordFailure(t: Target): void {
    t.consecutiveFailures++;
    const { failures, ejectMs } = this.config.passiveHealth;
    if (t.consecutiveFailures >= failures && t.ejectedUntil <= this.deps.now()) {
      t.ejectedUntil = this.deps.now() + ejectMs;
      t.consecutiveFailures = 0;
      this.deps.logger.warn({ upstream: this.name, target: t.origin, ejectMs }, 'upstream target ejected after consecutive failures');
      this.deps.onHealthChange?.(this.name, t.origin, false);
    }
  }

  /** Start active health checks (when configured). Timers are unref'd: they never keep the process alive. */
  startHealthChecks(): void {
    const hc = this.config.activeHealth;
    if (hc === undefined || this.healthTimer !== undefined) return;
    const probe = async (t: Target) => {
      let ok: boolean;
      try {
        const res = await t.pool.request({ method: 'GET', path: t.basePath + hc.path, headersTimeout: hc.timeoutMs, bodyTimeout: hc.timeoutMs });
        ok = hc.expectStatus.includes(res.statusCode);
        await res.body.dump();
      } catch {
        ok = false;
      }
      if (ok === t.activeHealthy) {
        t.activeStreak = 0;
        return;
      }
      t.activeStreak++;
      const needed = ok ? hc.healthyThreshold : hc.unhealthyThreshold;
      if (t.activeStreak >= needed) {
        t.activeHealthy = ok;
        t.activeStreak = 0;
        if (ok) t.ejectedUntil = 0;
        this.deps.logger.warn({ upstream: this.name, target: t.origin, healthy: ok }, 'upstream target health changed (active check)');
        this.deps.onHealthChange?.(this.name, t.origin, ok);
      }
    };
    const run = () => {
      for (const t of this.targets) void probe(t);
    };
    this.healthTimer = setInterval(run, hc.intervalMs);
    this.healthTimer.unref();
    run();
  }

  async close(): Promise<void> {
    if (this.healthTimer !== undefined) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    await Promise.all(this.targets.map((t) => t.pool.close().catch(() => undefined)));
  }

  /** Health summary for /readyz. */
  health(): { target: string; healthy: boolean; inflight: number }[] {
    const now = this.deps.now();
    return this.targets.map((t) => ({ target: t.origin, healthy: this.isHealthy(t, now), inflight: t.inflight }));
  }
}
