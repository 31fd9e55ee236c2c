import type { LimitCheck } from '../types.js';
import { allowed, denied, type Step } from './step.js';

/**
 * Sliding window, weighted counter (Cloudflare's approximation): the previous window's count, weighted by
 * how much of it still overlaps the sliding period, plus the current count. Two numbers per key; smooth at
 * window edges. Bound: it assumes the previous window's requests were spread evenly, so over any sliding
 * period at most `limit` pass when traffic is even, and never more than 2*limit in the worst case (all of the
 * previous window's requests bunched at its end).
 * State: [window, current, previous]. Mirrored by SLIDING_WINDOW in ../lua.ts.
 */
export function slidingWindowStep(state: readonly number[] | undefined, now: number, c: LimitCheck): Step {
  const p = c.periodMs;
  const w = Math.floor(now / p);
  const elapsed = now - w * p;
  let cur = 0;
  let prev = 0;
  if (state !== undefined) {
    if (state[0] === w) {
      cur = state[1] ?? 0;
      prev = state[2] ?? 0;
    } else if (state[0] === w - 1) prev = state[1] ?? 0;
  }
  const weight = 1 - elapsed / p;
  const used = prev * weight + cur;
  const next = [w, cur + c.cost, prev];
  const ttlMs = Math.ceil(2 * p - elapsed);
  const toWindowEnd = p - elapsed;
  if (used + c.cost <= c.limit) {
    return { result: allowed(Math.max(0, Math.floor(c.limit - used - c.cost)), toWindowEnd), next, ttlMs };
  }
  return { result: denied(Math.max(0, Math.floor(c.limit - used)), toWindowEnd, slidingRetry(c, elapsed, cur, prev)), next, ttlMs };
}

/** When the weighted count will have dropped far enough for `cost` more units. */
function slidingRetry(c: LimitCheck, elapsed: number, cur: number, prev: number): number {
  const p = c.periodMs;
  if (c.cost > c.limit) return 2 * p - elapsed;
  // Still in this window: prev*(1 - e/p) + cur + cost <= limit.
  if (prev > 0 && cur + c.cost <= c.limit) {
    const e = p * (1 - (c.limit - cur - c.cost) / prev);
    if (e <= p) return Math.max(0, e - elapsed);
  }
  // In the next window, where cur becomes prev: cur*(1 - e/p) + cost <= limit.
  const e2 = cur > 0 ? Math.max(0, p * (1 - (c.limit - c.cost) / cur)) : 0;
  return p - elapsed + e2;
}
