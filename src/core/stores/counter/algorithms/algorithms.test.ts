import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Algorithm, LimitCheck } from '../types.js';
import { STEPS, fixedWindowStep, gcraStep, slidingWindowStep, tokenBucketStep } from './index.js';
import type { StepFn } from './step.js';

const check = (over: Partial<LimitCheck> = {}): LimitCheck => ({
  key: 'k',
  algorithm: 'gcra',
  limit: 10,
  periodMs: 1000,
  burst: 10,
  cost: 1,
  maxDelayMs: 0,
  ...over,
});

/** Drive a step function like a store in consume mode: commit only allowed requests. */
function driver(step: StepFn, c: LimitCheck, start = 1_000_000) {
  let state: readonly number[] | undefined;
  let now = start;
  return {
    advance(ms: number) {
      now += ms;
    },
    hit(over: Partial<LimitCheck> = {}) {
      const s = step(state, now, { ...c, ...over });
      if (s.result.allowed) state = s.next;
      return s.result;
    },
  };
}

describe('GCRA', () => {
  it('admits the burst, then one request per emission interval', () => {
    const d = driver(gcraStep, check({ limit: 10, periodMs: 1000, burst: 3 }));
    expect([d.hit(), d.hit(), d.hit()].map((r) => r.remaining)).toEqual([2, 1, 0]);
    const denied = d.hit();
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeCloseTo(100);
    d.advance(99);
    expect(d.hit().allowed).toBe(false);
    d.advance(1);
    expect(d.hit().allowed).toBe(true);
    expect(d.hit().allowed).toBe(false);
  });

  it('a denied request consumes nothing', () => {
    const d = driver(gcraStep, check({ limit: 1, periodMs: 1000, burst: 1 }));
    expect(d.hit().allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(d.hit().allowed).toBe(false);
    d.advance(1000);
    expect(d.hit().allowed).toBe(true);
  });

  it('throttles within maxDelay and rejects beyond it', () => {
    const d = driver(gcraStep, check({ limit: 10, periodMs: 1000, burst: 1, maxDelayMs: 300 }));
    expect([d.hit(), d.hit(), d.hit(), d.hit()].map((r) => [r.allowed, Math.round(r.delayMs)])).toEqual([
      [true, 0],
      [true, 100],
      [true, 200],
      [true, 300],
    ]);
    const r = d.hit();
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBeCloseTo(100);
  });

  it('reports the time until full as reset', () => {
    const d = driver(gcraStep, check({ limit: 4, periodMs: 1000, burst: 4 }));
    d.hit();
    expect(d.hit().resetMs).toBeCloseTo(500);
  });
});

describe('token bucket', () => {
  it('starts full, refills continuously and caps at burst', () => {
    const d = driver(tokenBucketStep, check({ algorithm: 'token-bucket', limit: 10, periodMs: 1000, burst: 5 }));
    for (let i = 0; i < 5; i++) expect(d.hit().allowed).toBe(true);
    expect(d.hit().retryAfterMs).toBeCloseTo(100);
    d.advance(250);
    expect(d.hit().remaining).toBe(1);
    d.advance(60_000);
    expect(d.hit().remaining).toBe(4);
  });

  it('never admits a cost above the capacity', () => {
    const d = driver(tokenBucketStep, check({ algorithm: 'token-bucket', burst: 5 }));
    const r = d.hit({ cost: 6, maxDelayMs: 10_000 });
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(1000);
  });
});

describe('fixed window', () => {
  it('counts per aligned window and resets at its end', () => {
    const d = driver(fixedWindowStep, check({ algorithm: 'fixed-window', limit: 3, periodMs: 1000 }), 5_000);
    d.advance(900);
    for (let i = 0; i < 3; i++) expect(d.hit().allowed).toBe(true);
    const r = d.hit();
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(100);
    d.advance(100);
    // The edge effect that motivates the sliding window: a fresh window right away.
    expect(d.hit().remaining).toBe(2);
  });
});

describe('sliding window', () => {
  it('weights the previous window by its overlap', () => {
    const d = driver(slidingWindowStep, check({ algorithm: 'sliding-window', limit: 10, periodMs: 1000 }), 10_000);
    for (let i = 0; i < 10; i++) expect(d.hit().allowed).toBe(true);
    d.advance(1000); // next window starts: previous weight 1
    expect(d.hit().allowed).toBe(false);
    d.advance(500); // previous weight 0.5: 5 used
    const rs = Array.from({ length: 6 }, () => d.hit().allowed);
    expect(rs).toEqual([true, true, true, true, true, false]);
  });
});

const algorithms: Algorithm[] = ['gcra', 'token-bucket', 'fixed-window', 'sliding-window'];

describe('precision at high rates', () => {
  it.each<Algorithm>(['gcra', 'token-bucket'])('%s: counts 1,000,000/s exactly at a 2026 wall clock', (algorithm) => {
    const limit = 1_000_000;
    const d = driver(STEPS[algorithm], check({ algorithm, limit, periodMs: 1000, burst: limit }), Date.UTC(2026, 10, 28, 15));
    let ok = 0;
    for (let i = 0; i < limit + 10; i++) if (d.hit().allowed) ok++;
    expect(ok).toBe(limit);
  });
});

describe('every algorithm', () => {
  it.each(algorithms)('%s: a request retried after Retry-After passes, and not more than 1 ms earlier', (algorithm) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 100, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 }),
        (limit, periodMs, gaps) => {
          const c = check({ algorithm, limit, periodMs, burst: limit });
          const step = STEPS[algorithm];
          const d = driver(step, c, 1_700_000_000_000);
          for (const g of gaps) {
            d.advance(g);
            const r = d.hit();
            if (!r.allowed) {
              const wait = Math.ceil(r.retryAfterMs);
              d.advance(wait);
              if (!d.hit().allowed) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each(algorithms)('%s: never admits more than the limit (twice for windows at an edge) in any period', (algorithm) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }), (limit, gaps) => {
        const periodMs = 1000;
        const d = driver(STEPS[algorithm], check({ algorithm, limit, periodMs, burst: limit }), 1_700_000_000_000);
        const admitted: number[] = [];
        let t = 0;
        for (const g of gaps) {
          d.advance(g);
          t += g;
          if (d.hit().allowed) admitted.push(t);
        }
        // gcra / token bucket: a full burst plus one period of refill; windows: two windows meeting at an edge.
        const bound = 2 * limit;
        for (let i = 0; i < admitted.length; i++) {
          let n = 0;
          for (let j = i; j < admitted.length && (admitted[j] ?? 0) - (admitted[i] ?? 0) < periodMs; j++) n++;
          if (n > bound) return false;
        }
        // In any window starting at a burst-empty moment, the long-run rate holds: total <= limit*(span/period) + limit.
        return admitted.length <= limit * (t / periodMs) + 2 * limit;
      }),
      { numRuns: 200 },
    );
  });
});
