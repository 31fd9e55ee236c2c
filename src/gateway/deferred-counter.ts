import type { Counter } from 'prom-client';

/**
 * A label child of a prom-client Counter that counts in a plain number and hands the sum to the counter when the
 * registry is read (the metric's `collect` hook, which `registry.metrics()` and `counter.get()` both call).
 *
 * prom-client 15 re-hashes and re-validates a child's labels on every `inc()` (`labels()` only binds the label
 * object), which is measurable on per-request counters. Values are exact at every scrape; nothing is sampled.
 */
export interface CounterChild {
  inc(): void;
}

interface Pending {
  readonly labels: Record<string, string>;
  n: number;
}

type Collectable = { collect?: (this: Counter<string>) => unknown };

const pendingByCounter = new WeakMap<object, Map<string, Pending>>();

export function deferredChild<T extends string>(counter: Counter<T>, labels: Readonly<Record<T, string>>): CounterChild {
  let pending = pendingByCounter.get(counter);
  if (pending === undefined) {
    const own = new Map<string, Pending>();
    pending = own;
    pendingByCounter.set(counter, own);
    const target = counter as unknown as Collectable;
    const prior = target.collect;
    target.collect = function flush(this: Counter<string>) {
      for (const p of own.values()) {
        if (p.n === 0) continue;
        const n = p.n;
        p.n = 0;
        this.inc(p.labels, n);
      }
      return prior?.call(this);
    };
  }
  const key = JSON.stringify(labels);
  let p = pending.get(key);
  if (p === undefined) pending.set(key, (p = { labels: { ...labels }, n: 0 }));
  const entry = p;
  return {
    inc() {
      entry.n++;
    },
  };
}
