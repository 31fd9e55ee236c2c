import { evaluate } from './evaluate.js';
import type { ConsumeMode, CounterStore, LimitCheck, Verdict } from './types.js';

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
  state: readonly number[];
  expiresAt: number;
}

const SWEEP_EVERY = 4096;
const SWEEP_BATCH = 256;

/**
 * The in-process store (the default for one instance): synchronous, so the hot path needs no promise. Map
 * order doubles as an LRU (an updated key is re-inserted at the end), which bounds memory without letting
 * key rotation evict an active client's counter before idle ones. Expired keys are swept a batch at a time.
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): MemoryCounterStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const map = new Map<string, Entry>();
  let ops = 0;

  const id = (c: LimitCheck) => c.algorithm + ':' + c.key;

  function read(c: LimitCheck, t: number): readonly number[] | undefined {
    const e = map.get(id(c));
    if (e === undefined || e.expiresAt <= t) return undefined;
    return e.state;
  }

  function write(c: LimitCheck, state: readonly number[], ttlMs: number, t: number): void {
    const k = id(c);
    map.delete(k);
    map.set(k, { state, expiresAt: t + Math.max(1, ttlMs) });
    if (map.size > maxKeys) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
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
      return evaluate(
        checks,
        t,
        (c) => read(c, t),
        (c, s, ttl) => write(c, s, ttl, t),
        mode,
      );
    },
    async close() {
      map.clear();
    },
  };
}
