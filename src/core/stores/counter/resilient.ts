import { createMemoryCounterStore } from './memory.js';
import { CounterStoreError, type ConsumeMode, type CounterStore, type LimitCheck, type Verdict } from './types.js';

export type FailureMode = 'open' | 'closed';

export interface ResilientEvents {
  /** Every failed call (for a metric). */
  failure?(err: CounterStoreError): void;
  /** The primary went from healthy to failing (log once, not per request). */
  down?(err: CounterStoreError): void;
  /** The primary answered again after failing. */
  up?(downForMs: number): void;
}

export interface ResilientCounterStoreOptions {
  readonly primary: CounterStore;
  /** open: decide with a local per-instance store while the primary fails; closed: deny (the stage sends 503). */
  readonly onFailure: FailureMode;
  /** After a failure, skip the primary this long before one request probes it again (no timeout per request meanwhile). */
  readonly probeAfterMs?: number;
  readonly now?: () => number;
  readonly events?: ResilientEvents;
  /** The local store used when failing open (default: a fresh memory store). */
  readonly fallback?: CounterStore;
  /**
   * Failing open, each instance alone admits this fraction of every limit (e.g. 1/3 with three instances, so
   * the cluster as a whole stays near the limit). 1: each instance admits the full limit.
   */
  readonly fallbackFactor?: number;
}

/**
 * Wraps a remote store with its failure policy. While the primary is down, requests do not each wait for a
 * timeout: they go straight to the policy (synchronously), and one request every `probeAfterMs` tries the
 * primary again; the first success restores it.
 */
export function createResilientCounterStore(options: ResilientCounterStoreOptions): CounterStore & { readonly healthy: boolean } {
  const now = options.now ?? Date.now;
  const probeAfterMs = options.probeAfterMs ?? 1000;
  const fallback = options.fallback ?? createMemoryCounterStore({ now });
  const ev = options.events ?? {};
  let downSince = 0;
  let probeAt = 0;
  let probing = false;

  function degrade(checks: readonly LimitCheck[], mode: ConsumeMode): Verdict | Promise<Verdict> {
    if (options.onFailure === 'closed') return { allowed: false, delayMs: 0, results: [], degraded: 'closed' };
    const f = options.fallbackFactor ?? 1;
    const local = f >= 1 ? checks : checks.map((c) => ({ ...c, limit: Math.max(1, Math.floor(c.limit * f)), burst: Math.max(1, Math.floor(c.burst * f)) }));
    const v = fallback.consume(local, mode);
    return v instanceof Promise ? v.then((r) => ({ ...r, degraded: 'open' as const })) : { ...v, degraded: 'open' };
  }

  function failed(err: unknown, checks: readonly LimitCheck[], mode: ConsumeMode): Verdict | Promise<Verdict> {
    const e = err instanceof CounterStoreError ? err : new CounterStoreError(String(err), 'unavailable', { cause: err });
    ev.failure?.(e);
    if (downSince === 0) {
      downSince = now();
      ev.down?.(e);
    }
    probeAt = now() + probeAfterMs;
    return degrade(checks, mode);
  }

  function recovered(): void {
    if (downSince === 0) return;
    ev.up?.(now() - downSince);
    downSince = 0;
  }

  /** Synchronous when the primary is (SQLite): no promise on the hot path unless the store needs one. */
  function viaPrimary(checks: readonly LimitCheck[], mode: ConsumeMode, probe: boolean): Verdict | Promise<Verdict> {
    let r: Verdict | Promise<Verdict>;
    try {
      r = options.primary.consume(checks, mode);
    } catch (err) {
      if (probe) probing = false;
      return failed(err, checks, mode);
    }
    if (!(r instanceof Promise)) {
      if (probe) probing = false;
      recovered();
      return r;
    }
    return r.then(
      (v) => {
        if (probe) probing = false;
        recovered();
        return v;
      },
      (err: unknown) => {
        if (probe) probing = false;
        return failed(err, checks, mode);
      },
    );
  }

  return {
    kind: 'resilient',
    get healthy() {
      return downSince === 0;
    },
    consume(checks: readonly LimitCheck[], mode: ConsumeMode = 'consume') {
      if (downSince === 0) return viaPrimary(checks, mode, false);
      if (probing || now() < probeAt) return degrade(checks, mode);
      probing = true;
      return viaPrimary(checks, mode, true);
    },
    async close() {
      await fallback.close();
      await options.primary.close();
    },
  };
}
