import type { LimitCheck } from '../types.js';
import { EPS, allowed, denied, type Step } from './step.js';

/**
 * GCRA (the generic cell rate algorithm, ITU-T I.371): one timestamp per key, the theoretical arrival time
 * (TAT) of the next request. Emission interval T = period / limit; capacity = burst * T. A request is
 * conforming when TAT + cost*T - capacity <= now. Smooth (no window edges) and exact.
 * State: [tat]. Mirrored by GCRA in ../lua.ts.
 */
export function gcraStep(state: readonly number[] | undefined, now: number, c: LimitCheck): Step {
  const t = c.periodMs / c.limit;
  const capacity = c.burst * t;
  const tat = Math.max(state?.[0] ?? now, now);
  const newTat = tat + c.cost * t;
  const allowAt = newTat - capacity;
  const ttlMs = Math.ceil(newTat - now);
  if (allowAt - now <= EPS) {
    return { result: allowed(Math.max(0, Math.floor((capacity - (newTat - now)) / t)), newTat - now), next: [newTat], ttlMs };
  }
  const wait = allowAt - now;
  if (wait <= c.maxDelayMs) return { result: allowed(0, newTat - now, wait), next: [newTat], ttlMs };
  return { result: denied(Math.max(0, Math.floor((capacity - (tat - now)) / t)), tat - now, wait - c.maxDelayMs), next: [newTat], ttlMs };
}
