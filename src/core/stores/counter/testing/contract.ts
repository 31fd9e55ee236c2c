import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.js';
import type { Algorithm, CounterStore, LimitCheck, Verdict } from '../types.js';

/** What each implementation gives the contract suite: a store whose clock the suite moves. */
export interface ContractSubject {
  readonly store: CounterStore;
  advance(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

let seq = 0;
/** A key no other test (or parallel test file) uses. */
export const uniqueKey = (label: string) => `${label}:${process.pid}:${Date.now().toString(36)}:${seq++}`;

const spec = (over: Partial<LimitCheck>): LimitCheck => ({
  key: uniqueKey('k'),
  algorithm: 'gcra',
  limit: 5,
  periodMs: 60_000,
  burst: 5,
  cost: 1,
  maxDelayMs: 0,
  ...over,
});

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Note for remote stores: the clock is injected, but Redis expires keys in real time with TTLs computed from
 * that clock, so every period here is long enough (a minute or more) for state to outlive a slow run.
 *
 * The one suite every CounterStore implementation runs (memory, Redis): same inputs, same answers. The
 * reference is the pure algorithm code (evaluate), so the Redis Lua is held to it number for number.
 */
export function runCounterStoreContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`CounterStore contract: ${name}`, () => {
    const withStore = (fn: (s: ContractSubject) => Promise<void>) => async () => {
      const s = await setup();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it(
      'admits exactly the burst, then denies with Retry-After, and refills',
      withStore(async (s) => {
        const c = spec({ limit: 5, periodMs: 60_000, burst: 5 });
        const remaining: number[] = [];
        for (let i = 0; i < 5; i++) {
          const v = await s.store.consume([c]);
          expect(v.allowed).toBe(true);
          remaining.push(v.results[0]?.remaining ?? -1);
        }
        expect(remaining).toEqual([4, 3, 2, 1, 0]);
        const denied = await s.store.consume([c]);
        expect(denied.allowed).toBe(false);
        expect(denied.results[0]?.retryAfterMs).toBe(12_000);
        s.advance(12_000);
        expect((await s.store.consume([c])).allowed).toBe(true);
      }),
    );

    it(
      'evaluates several checks atomically: a request one check denies consumes nothing from the others',
      withStore(async (s) => {
        const wide = spec({ limit: 10, burst: 10, periodMs: 60_000 });
        const narrow = spec({ limit: 2, burst: 2, periodMs: 60_000 });
        expect((await s.store.consume([wide, narrow])).allowed).toBe(true);
        expect((await s.store.consume([wide, narrow])).allowed).toBe(true);
        const v = await s.store.consume([wide, narrow]);
        expect(v.allowed).toBe(false);
        expect(v.results.map((r) => r.allowed)).toEqual([true, false]);
        expect((await s.store.consume([wide])).results[0]?.remaining).toBe(7);
      }),
    );

    it(
      'peek never commits and force always does',
      withStore(async (s) => {
        const c = spec({ limit: 2, burst: 2, periodMs: 60_000 });
        for (let i = 0; i < 3; i++) expect((await s.store.consume([c], 'peek')).results[0]?.remaining).toBe(1);
        await s.store.consume([c], 'force');
        await s.store.consume([c], 'force');
        await s.store.consume([c], 'force');
        const v = await s.store.consume([c], 'peek');
        expect(v.allowed).toBe(false);
        expect(v.results[0]?.retryAfterMs).toBe(60_000);
      }),
    );

    it(
      'keeps keys apart',
      withStore(async (s) => {
        const a = spec({ limit: 1, burst: 1 });
        const b = { ...a, key: uniqueKey('other') };
        expect((await s.store.consume([a])).allowed).toBe(true);
        expect((await s.store.consume([a])).allowed).toBe(false);
        expect((await s.store.consume([b])).allowed).toBe(true);
      }),
    );

    it(
      'throttles: admits with a growing delay up to maxDelay',
      withStore(async (s) => {
        const c = spec({ limit: 10, periodMs: 10_000, burst: 1, maxDelayMs: 3000 });
        const delays: number[] = [];
        for (let i = 0; i < 4; i++) delays.push((await s.store.consume([c])).delayMs);
        expect(delays).toEqual([0, 1000, 2000, 3000]);
        const v = await s.store.consume([c]);
        expect(v.allowed).toBe(false);
        expect(v.delayMs).toBe(0);
      }),
    );

    it(
      'admits exactly the limit under concurrent calls',
      withStore(async (s) => {
        const c = spec({ limit: 10, burst: 10, periodMs: 60_000 });
        const all = await Promise.all(Array.from({ length: 40 }, () => s.store.consume([c])));
        expect(all.filter((v) => v.allowed)).toHaveLength(10);
      }),
    );

    it(
      'counts monthly quotas per UTC calendar month',
      withStore(async (s) => {
        // Move the clock to 2027-01-31T23:59:00Z, a minute before February. (Not closer: Redis expires keys in
        // real time, and the TTL it is given comes from this injected clock.)
        s.advance(Date.UTC(2027, 0, 31, 23, 59) - s.now());
        const c = spec({ algorithm: 'fixed-window', limit: 2, periodMs: 30 * 86_400_000, calendar: 'month' });
        expect((await s.store.consume([c])).results[0]?.resetMs).toBe(60_000);
        await s.store.consume([c]);
        expect((await s.store.consume([c])).allowed).toBe(false);
        s.advance(60_000);
        const feb = await s.store.consume([c]);
        expect(feb.allowed).toBe(true);
        // February 2027 has 28 days.
        expect(feb.results[0]?.resetMs).toBe(28 * 86_400_000);
        s.advance(28 * 86_400_000 - 60_000);
        await s.store.consume([c]);
        expect((await s.store.consume([c])).allowed).toBe(false);
        s.advance(60_000);
        expect((await s.store.consume([c])).allowed).toBe(true);
        // A leap year: 2028-02 has 29 days.
        s.advance(Date.UTC(2028, 1, 10) - s.now());
        expect((await s.store.consume([c])).results[0]?.resetMs).toBe(Date.UTC(2028, 2, 1) - Date.UTC(2028, 1, 10));
      }),
    );

    const algorithms: Algorithm[] = ['gcra', 'token-bucket', 'fixed-window', 'sliding-window'];
    it.each(algorithms)(
      '%s: answers exactly like the reference algorithm over a random timeline',
      async (algorithm) => {
        const s = await setup();
        try {
          const rnd = prng(algorithm.length * 7919);
          // Periods of a minute and ten: Redis expires keys in real time, so state must outlive a slow test run.
          const checks = [spec({ algorithm, limit: 7, burst: 4, periodMs: 60_000 }), spec({ algorithm, limit: 30, burst: 30, periodMs: 600_000 })];
          const ref = new Map<string, readonly number[]>();
          for (let i = 0; i < 80; i++) {
            s.advance(Math.floor(rnd() * 24_000));
            const cost = rnd() < 0.2 ? 2 : 1;
            const maxDelayMs = (algorithm === 'gcra' || algorithm === 'token-bucket') && rnd() < 0.3 ? 9000 : 0;
            const batch = checks.map((c) => ({ ...c, cost, maxDelayMs }));
            const expected: Verdict = evaluate(batch, s.now(), (c) => ref.get(c.key), (c, st) => ref.set(c.key, st), 'consume');
            const got = await s.store.consume(batch);
            expect({ step: i, ...got }).toEqual({ step: i, ...expected });
          }
        } finally {
          await s.close();
        }
      },
    );
  });
}
