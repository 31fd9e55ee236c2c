import type { LimitCheck } from '../types.js';
import { allowed, denied, type Step } from './step.js';

/**
 * Fixed window: a counter per period-aligned window (a `1d` window is a UTC day; `calendar: 'month'` makes
 * the windows UTC calendar months, for monthly quotas). Exact within a window; up
 * to twice the limit can pass around a window edge (that is what the sliding window is for).
 * State: [window, count]. Mirrored by FIXED_WINDOW in ../lua.ts.
 */
export function fixedWindowStep(state: readonly number[] | undefined, now: number, c: LimitCheck): Step {
  let w: number;
  let resetMs: number;
  if (c.calendar === 'month') {
    // Window = months since 1970-01; it ends at the first instant of the next UTC month.
    const d = new Date(now);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    w = (y - 1970) * 12 + m;
    resetMs = Date.UTC(y, m + 1, 1) - now;
  } else {
    w = Math.floor(now / c.periodMs);
    resetMs = (w + 1) * c.periodMs - now;
  }
  const count = state !== undefined && state[0] === w ? (state[1] ?? 0) : 0;
  const next = [w, count + c.cost];
  const ttlMs = Math.ceil(resetMs);
  if (count + c.cost <= c.limit) return { result: allowed(c.limit - count - c.cost, resetMs), next, ttlMs };
  return { result: denied(Math.max(0, c.limit - count), resetMs, c.cost > c.limit ? resetMs + c.periodMs : resetMs), next, ttlMs };
}
