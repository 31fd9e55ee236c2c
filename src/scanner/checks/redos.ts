import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import { caller, stringParams, validRequest, withParam } from './util.js';

/** Inputs that make backtracking regexes explode: a run of one class followed by a character that fails the match. */
const FAMILIES: ReadonlyArray<(n: number) => string> = [(n) => `${'a'.repeat(n)}!`, (n) => `${'0'.repeat(n)}x`];
const SMALL = 12;
const MEDIUM = 20;
const LARGE = 27;
/** Below this, a slow answer is network noise, not a regex. */
const SLOW_MS = 600;
const CHECK_BUDGET_MS = 25_000;

/**
 * API4: a parameter whose handling time grows super-linearly with its length (ReDoS). Confirmed by three sizes
 * and a repeat: the large input is slow twice, and the step from 20 to 27 characters costs far more than the
 * 27/20 a linear algorithm would. Every request has a strict time budget.
 */
export const redos = defineCheck({
  id: 'redos',
  title: 'Super-linear input handling (ReDoS)',
  owasp: 'API4:2023',
  cwe: 1333,
  severity: 'high',
  description: 'Sends inputs of growing length built to trigger catastrophic regex backtracking and times the answers.',
  remediation: 'Use linear-time regexes (no nested quantifiers over the same characters), cap input length, or a RE2-style engine.',
  scope: 'operation',
  appliesTo: (op) => op.safe && stringParams(op).length > 0,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const until = Date.now() + CHECK_BUDGET_MS;
    const who = caller(ctx);
    for (const op of ops) {
      for (const p of stringParams(op).slice(0, 4)) {
        if (Date.now() > until) return out;
        const base = await validRequest(ctx, op, who);
        const time = async (v: string): Promise<Exchange> => ctx.client.send({ ...withParam(base, op, p, v, ctx.api), timeoutMs: 5_000 });
        for (const fam of FAMILIES) {
          const small = await time(fam(SMALL));
          const large = await time(fam(LARGE));
          if (large.response.durationMs < SLOW_MS || large.response.durationMs < 5 * Math.max(small.response.durationMs, 20)) continue;
          const medium = await time(fam(MEDIUM));
          const again = await time(fam(LARGE));
          if (again.response.durationMs < SLOW_MS || medium.response.durationMs * 3 > again.response.durationMs) continue;
          out.push({
            title: `${op.id}: "${p.name}" takes super-linear time (ReDoS)`,
            operation: op.id,
            key: p.name,
            detail: `"${p.name}" of ${SMALL}, ${MEDIUM} and ${LARGE} characters took ${small.response.durationMs}, ${medium.response.durationMs} and ${large.response.durationMs} ms (repeat: ${again.response.durationMs} ms): each few characters multiply the time.`,
            evidence: [large, small],
            suggestion: { key: 'validation', value: { mode: 'strict' }, note: `declare "maxLength" on ${p.name} in the OpenAPI document; the regex itself must be fixed` },
          });
          break;
        }
      }
    }
    return out;
  },
});
