import type { LimitCheck } from '../types.js';
import { EPS, allowed, denied, type Step } from './step.js';

/**
 * Token bucket: `burst` tokens of capacity, refilled at limit/period per ms. Throttling lets the balance go
 * negative by at most maxDelay worth of refill (the request waits for its tokens).
 * State: [tokens, updatedAt]. Mirrored by TOKEN_BUCKET in ../lua.ts.
 */
export function tokenBucketStep(state: readonly number[] | undefined, now: number, c: LimitCheck): Step {
  const rate = c.limit / c.periodMs;
  const cap = c.burst;
  const last = state?.[1] ?? now;
  const tokens = Math.min(cap, (state?.[0] ?? cap) + Math.max(0, now - last) * rate);
  const left = tokens - c.cost;
  const ttlMs = Math.ceil((cap - left) / rate);
  const next = [left, Math.max(now, last)];
  // EPS absorbs float error in the refill product (a retry after exactly Retry-After must pass).
  if (left >= -EPS) return { result: allowed(Math.max(0, Math.floor(left)), (cap - left) / rate), next, ttlMs };
  const wait = -left / rate;
  if (c.cost <= cap && wait <= c.maxDelayMs) return { result: allowed(0, (cap - left) / rate, wait), next, ttlMs };
  // A cost above the capacity can never pass: tell the client to come back after a full period.
  const retry = c.cost > cap ? c.periodMs : wait - c.maxDelayMs;
  return { result: denied(Math.max(0, Math.floor(tokens)), (cap - tokens) / rate, retry), next, ttlMs };
}
