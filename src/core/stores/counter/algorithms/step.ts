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

export function denied(remaining: number, resetMs: number, retryAfterMs: number): CheckResult {
  return { allowed: false, remaining, resetMs, retryAfterMs, delayMs: 0 };
}

export function allowed(remaining: number, resetMs: number, delayMs = 0): CheckResult {
  return { allowed: true, remaining, resetMs, retryAfterMs: 0, delayMs };
}
