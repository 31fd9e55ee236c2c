import { STEPS } from './algorithms/index.js';
import { evaluate } from './evaluate.js';
import type { Algorithm, ConsumeMode, CounterStore, LimitCheck, Verdict } from './types.js';

export interface MemoryCounterStoreOptions {
  /** Wall clock in ms (injectable for tests). */
  readonly now?: () => number;
  /** Most keys kept; beyond it the least recently used key is dropped. */
  readonly maxKeys?: number;
}

/** The memory store answers synchronously. */
export interface MemoryCounterStore extends CounterStore {
  readonly size: number;
  consume(checks: readonly LimitCheck[], mode?: ConsumeMode): Verdict;
}

interface Entry {
  algorithm: Algorithm;
  state: readonly number[];
  expiresAt: number;
  /** Used since it last reached the head of the eviction queue (CLOCK's reference bit). */
  touched: boolean;
}

const SWEEP_EVERY = 4096;
const SWEEP_BATCH = 256;

/**
 * The in-process store (the default for one instance): synchronous, so the hot path needs no promise.
 * Memory is bounded by maxKeys with CLOCK eviction (second chance): the Map's order is the queue, an entry
 * used since it last reached the head is moved to the back instead of dropped, so rotating through fresh keys
 * evicts idle counters before an active client's. Expired keys are swept a batch at a time.
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): MemoryCounterStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const map = new Map<string, Entry>();
  let ops = 0;

  function read(c: LimitCheck, t: number): readonly number[] | undefined {
    const e = map.get(c.key);
    // A key reused by another algorithm (a config change) starts afresh rather than misreading a state.
    if (e === undefined || e.expiresAt <= t || e.algorithm !== c.algorithm) return undefined;
    return e.state;
  }

  function write(c: LimitCheck, state: readonly number[], ttlMs: number, t: number): void {
    const e = map.get(c.key);
    const expiresAt = t + Math.max(1, ttlMs);
    if (e !== undefined) {
      e.algorithm = c.algorithm;
      e.state = state;
      e.expiresAt = expiresAt;
      e.touched = true;
      return;
    }
    map.set(c.key, { algorithm: c.algorithm, state, expiresAt, touched: false });
    if (map.size > maxKeys) evict(t);
  }

  function evict(t: number): void {
    for (const [k, e] of map) {
      map.delete(k);
      if (e.touched && e.expiresAt > t) {
        e.touched = false;
        map.set(k, e);
        continue;
      }
      return;
    }
  }

  function sweep(t: number): void {
    let seen = 0;
    for (const [k, e] of map) {
      if (e.expiresAt <= t) map.delete(k);
      if (++seen >= SWEEP_BATCH) break;
    }
  }

  return {
    kind: 'memory',
    get size() {
      return map.size;
    },
    consume(checks: readonly LimitCheck[], mode: ConsumeMode = 'consume'): Verdict {
      const t = now();
      if (++ops % SWEEP_EVERY === 0) sweep(t);
      const only = checks.length === 1 ? checks[0] : undefined;
      if (only !== undefined) {
        // The common case, one policy: no closures, no intermediate arrays.
        const s = STEPS[only.algorithm](read(only, t), t, only);
        const ok = s.result.allowed;
        if ((ok && mode === 'consume') || mode === 'force') write(only, s.next, s.ttlMs, t);
        return { allowed: ok, delayMs: ok ? s.result.delayMs : 0, results: [s.result] };
      }
      return evaluate(
        checks,
        t,
        (c) => read(c, t),
        (c, st, ttl) => write(c, st, ttl, t),
        mode,
      );
    },
    async close() {
      map.clear();
    },
  };
}
