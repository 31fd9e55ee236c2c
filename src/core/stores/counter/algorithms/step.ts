import type { CheckResult, LimitCheck } from '../types.js';

/**
 * One algorithm step: a pure function of (stored state, now, check). `next` is the state to store if the
 * request is counted (whatever the outcome, so `force` can count a denied request); `ttlMs` is how long that
 * state matters. States are small number tuples so the Redis scripts can mirror them field for field.
 */
export interface Step {
  readonly result: CheckResult;
  readonly next: readonly number[];
  readonly ttlMs: number;
}

export type StepFn = (state: readonly number[] | undefined, now: number, check: LimitCheck) => Step;

/** Float tolerance (ms or tokens) for comparisons; the Lua scripts use the same value. */
export const EPS = 1e-6;

// Results speak whole milliseconds, rounded up (never promise a retry earlier than it would pass); the Lua
// script rounds the same float the same way.
export function denied(remaining: number, resetMs: number, retryAfterMs: number): CheckResult {
  return { allowed: false, remaining, resetMs: Math.ceil(resetMs), retryAfterMs: Math.ceil(retryAfterMs), delayMs: 0 };
}

export function allowed(remaining: number, resetMs: number, delayMs = 0): CheckResult {
  return { allowed: true, remaining, resetMs: Math.ceil(resetMs), retryAfterMs: 0, delayMs: Math.ceil(delayMs) };
}
