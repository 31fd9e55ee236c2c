import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from './memory.js';
import { runCounterStoreContract } from './testing/contract.js';

runCounterStoreContract('memory', async () => {
  let t = 1_700_000_000_000;
  const store = createMemoryCounterStore({ now: () => t });
  return { store, now: () => t, advance: (ms) => void (t += ms), close: () => store.close() };
});

describe('memory counter store', () => {
  it('answers synchronously (no promise on the hot path)', () => {
    const store = createMemoryCounterStore();
    const v = store.consume([{ key: 'a', algorithm: 'gcra', limit: 1, periodMs: 1000, burst: 1, cost: 1, maxDelayMs: 0 }]);
    expect(v).not.toBeInstanceOf(Promise);
  });

  it('drops the least recently used key beyond maxKeys, keeping active ones', () => {
    const store = createMemoryCounterStore({ maxKeys: 3, now: () => 0 });
    const hit = (key: string) => store.consume([{ key, algorithm: 'fixed-window', limit: 1, periodMs: 60_000, burst: 1, cost: 1, maxDelayMs: 0 }]);
    hit('victim');
    for (let i = 0; i < 10; i++) {
      hit(`rotating-${i}`);
      store.consume([{ key: 'victim', algorithm: 'fixed-window', limit: 1, periodMs: 60_000, burst: 1, cost: 0, maxDelayMs: 0 }], 'force');
    }
    expect(store.size).toBe(3);
    expect(hit('victim').allowed).toBe(false);
  });

  it('forgets a key once its state expired', () => {
    let t = 0;
    const store = createMemoryCounterStore({ now: () => t });
    const c = { key: 'e', algorithm: 'fixed-window' as const, limit: 1, periodMs: 1000, burst: 1, cost: 1, maxDelayMs: 0 };
    store.consume([c]);
    expect(store.consume([c]).allowed).toBe(false);
    t = 1000;
    expect(store.consume([c]).allowed).toBe(true);
  });
});
