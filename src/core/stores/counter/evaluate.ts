import { STEPS } from './algorithms/index.js';
import type { Step } from './algorithms/step.js';
import type { CheckResult, ConsumeMode, LimitCheck, Verdict } from './types.js';

/**
 * Evaluate all checks against their states, then decide what to commit: nothing unless every check allows
 * (mode consume), nothing (peek), or everything (force). Shared by the memory store and the local fallback;
 * the Redis script (lua.ts) does the same in one EVALSHA.
 */
export function evaluate(
  checks: readonly LimitCheck[],
  now: number,
  read: (check: LimitCheck) => readonly number[] | undefined,
  write: (check: LimitCheck, state: readonly number[], ttlMs: number) => void,
  mode: ConsumeMode,
): Verdict {
  const steps: Step[] = [];
  let ok = true;
  let delayMs = 0;
  for (const c of checks) {
    const s = STEPS[c.algorithm](read(c), now, c);
    steps.push(s);
    if (!s.result.allowed) ok = false;
    else if (s.result.delayMs > delayMs) delayMs = s.result.delayMs;
  }
  if ((ok && mode === 'consume') || mode === 'force') {
    for (let i = 0; i < checks.length; i++) {
      const s = steps[i];
      const c = checks[i];
      if (s !== undefined && c !== undefined) write(c, s.next, s.ttlMs);
    }
  }
  const results: CheckResult[] = steps.map((s) => s.result);
  return { allowed: ok, delayMs: ok ? delayMs : 0, results };
}
