/**
 * The `CounterStore` port: where rate-limit state lives. An implementation evaluates a set of limit checks
 * atomically (all of a request's policies at once), so a request that one policy rejects consumes nothing
 * from the others, and two gateway instances sharing a store can never both take the last unit.
 */

export type Algorithm = 'gcra' | 'token-bucket' | 'sliding-window' | 'fixed-window';

export const ALGORITHMS: readonly Algorithm[] = ['gcra', 'token-bucket', 'sliding-window', 'fixed-window'];

/** One limit on one key: `limit` units per `periodMs`, with `burst` units of instant capacity (GCRA, token bucket). */
export interface LimitCheck {
  /** The counter's identity (already namespaced by policy and client). */
  readonly key: string;
  readonly algorithm: Algorithm;
  /** Units allowed per period (> 0). */
  readonly limit: number;
  /** Period in milliseconds (> 0). */
  readonly periodMs: number;
  /** Instant capacity for GCRA and the token bucket (>= 1); windows ignore it. */
  readonly burst: number;
  /** Units this request takes (>= 0). */
  readonly cost: number;
  /** Throttling: admit a request that would exceed the rate by delaying it up to this long (GCRA, token bucket). */
  readonly maxDelayMs: number;
  /** Fixed window only: windows are UTC calendar months (periodMs then stands for 30 days elsewhere). */
  readonly calendar?: 'month';
}

export interface CheckResult {
  readonly allowed: boolean;
  /** Units left after this decision. */
  readonly remaining: number;
  /** Milliseconds until the counter is back to full (the RateLimit `t` parameter). */
  readonly resetMs: number;
  /** When denied: milliseconds until the request could pass (Retry-After). 0 when allowed. */
  readonly retryAfterMs: number;
  /** When admitted by throttling: milliseconds the request must wait before it proceeds. */
  readonly delayMs: number;
}

export interface Verdict {
  /** True when every check allowed the request (possibly after `delayMs`). */
  readonly allowed: boolean;
  /** The longest delay any check asked for (throttling). */
  readonly delayMs: number;
  /** One result per check, in order. */
  readonly results: readonly CheckResult[];
  /** Set when the store could not decide and a failure policy did (fail-open local limit / fail-closed). */
  readonly degraded?: 'open' | 'closed';
}

/**
 * consume: commit only when every check allows (the default); peek: never commit (what would happen);
 * force: commit whatever the outcome (count a failure after the fact, e.g. a brute-force guard).
 */
export type ConsumeMode = 'consume' | 'peek' | 'force';

export interface CounterStore {
  readonly kind: 'memory' | 'sqlite' | 'redis' | 'resilient';
  /** Synchronous for the memory store (no promise on the hot path); a promise for remote stores. */
  consume(checks: readonly LimitCheck[], mode?: ConsumeMode): Verdict | Promise<Verdict>;
  close(): Promise<void>;
}

/** Raised by remote stores when they cannot answer in time or at all; the resilient wrapper turns it into a policy. */
export class CounterStoreError extends Error {
  readonly code = 'ERR_RAMPART_COUNTER_STORE';
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unavailable' | 'script',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
