import type { LimitCheck } from '../types.js';
import { EPS, allowed, denied, type Step } from './step.js';

/**
 * GCRA (the generic cell rate algorithm, ITU-T I.371): a request is conforming when the theoretical arrival
 * time (TAT) of the next request, less the capacity (burst x emission interval T = period / limit), is not
 * after now. Smooth (no window edges) and exact.
 *
 * State: [debt, at], the TAT kept as `at + debt`. Adding a tiny T to an epoch-ms TAT (~1.7e12, resolution
 * 0.24 us) would drift at high rates; `now - at` is exact (two close doubles) and the debt is small, so this
 * form counts 1,000,000/s exactly. Mirrored by GCRA in ../lua.ts.
 */
export function gcraStep(state: readonly number[] | undefined, now: number, c: LimitCheck): Step {
  const t = c.periodMs / c.limit;
  const capacity = c.burst * t;
  const debt = state === undefined ? 0 : Math.max(0, (state[0] ?? 0) - Math.max(0, now - (state[1] ?? now)));
  const newDebt = debt + c.cost * t;
  const ttlMs = Math.ceil(newDebt);
  const next = [newDebt, now];
  const wait = newDebt - capacity;
  if (wait <= EPS) return { result: allowed(cells(capacity - newDebt, t), newDebt), next, ttlMs };
  if (wait <= c.maxDelayMs) return { result: allowed(0, newDebt, wait), next, ttlMs };
  return { result: denied(cells(capacity - debt, t), debt, wait - c.maxDelayMs), next, ttlMs };
}

/** Whole cells (requests) in a span, tolerant of float error just below an integer. */
function cells(span: number, t: number): number {
  return Math.max(0, Math.floor(span / t + 1e-9));
}
