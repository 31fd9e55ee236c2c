import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import type { ScanRequest } from '../http/client.js';
import type { Operation } from '../model/operations.js';
import { propertiesOf, typeOf } from '../model/sample.js';
import { caller, isObject, stringParams, validRequest, withParam } from './util.js';

function stringFields(op: Operation): string[] {
  if (op.requestBody === undefined) return [];
  const props = propertiesOf(op.requestBody.schema);
  return Object.keys(props).filter((k) => typeOf(props[k]!) === 'string' && props[k]!.enum === undefined && !/pass/i.test(k));
}

/** Inputs that make backtracking regexes explode: a run of one class followed by a character that fails the match. */
const FAMILIES: ReadonlyArray<(n: number) => string> = [(n) => `${'a'.repeat(n)}!`, (n) => `${'0'.repeat(n)}x`];
/** Growing lengths; the walk stops at the first slow answer, so an explosive regex costs one slow request. */
const SIZES = [12, 20, 24, 27, 30, 33, 36] as const;
const MAX_TARGETS = 16;
/** Below this, a slow answer is network noise, not a regex. */
const SLOW_MS = 600;
const CHECK_BUDGET_MS = 25_000;
/** The least growth of the answer time over one step of SIZES that counts as super-linear. */
const GROWTH = 2;
/** A slow answer that could not be confirmed stops the walk at this time: longer inputs would only be slower. */
const STOP_MS = 2_500;

interface Sample {
  readonly n: number;
  readonly ex: Exchange;
}

/** A shorter input's cost: its answer time, or the faster of two answers when that one is too slow to tell (noise only adds time). */
async function fastest(msAt: (n: number) => Promise<number>, n: number, ms: number, against: number, factor: number): Promise<number> {
  return ms * factor <= against ? ms : Math.min(ms, await msAt(n));
}

/**
 * The repeat time of the slow length when the step to it from `prev` is confirmed super-linear, else undefined.
 * Noise only ever adds time (a loaded machine; a slow input still being matched after the client gave up on it,
 * when the server shares the client's process), so comparisons are relative and shorter inputs count their
 * fastest answer.
 */
async function confirmed(msAt: (n: number) => Promise<number>, first: Sample, prev: Sample, slow: Sample): Promise<number | undefined> {
  const slowMs = slow.ex.response.durationMs;
  // The shortest input is timed again first, which also lets the server finish what it was doing.
  const firstMs = Math.min(first.ex.response.durationMs, await msAt(first.n));
  if (firstMs * 5 > slowMs) return undefined;
  // A few more characters doubled the time at least: not linear (which grows by n/prev, about 1.1), nor
  // quadratic or cubic (1.3, 1.4). Backtracking measured here grows 3-8x per step, so 2 leaves room for noise.
  if ((await fastest(msAt, prev.n, prev.ex.response.durationMs, slowMs, GROWTH)) * GROWTH > slowMs) return undefined;
  // Confirm in the other order: the long input slow again (at least half as slow: the first answer may have been
  // just over SLOW_MS), the shorter one still GROWTH times faster right after it.
  const again = await msAt(slow.n);
  if (again < slowMs / 2) return undefined;
  await msAt(first.n);
  return (await fastest(msAt, prev.n, await msAt(prev.n), again, GROWTH)) * GROWTH > again ? undefined : again;
}

/**
 * API4: a parameter or body field whose handling time grows super-linearly with its length (ReDoS). Lengths grow
 * until an answer is slow; confirmed when the last step of a few characters at least doubled the time (a linear
 * algorithm grows by about 1.1), the shortest input was fast, and a repeat is slow again. A slow answer that does
 * not confirm (noise) lets the walk go one length further, up to STOP_MS. Every request has a strict time budget,
 * and the check as a whole one too.
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
  appliesTo: (op) => (op.safe && stringParams(op).length > 0) || stringFields(op).length > 0,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const until = Date.now() + CHECK_BUDGET_MS;
    let budget = MAX_TARGETS;
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      // Body fields too, where sending the operation is allowed (reads, or --destructive).
      const targets: Array<{ name: string; where: string; build: (v: string) => ScanRequest }> = op.safe ? stringParams(op).slice(0, 4).map((p) => ({ name: p.name, where: p.in, build: (v: string) => withParam(base, op, p, v, ctx.api) })) : [];
      // Writes with --destructive, but never DELETE, and never a field a scan identity logs in with: a payload
      // the server accepts would lock the identity out.
      const loginFields = new Set((ctx.identities?.names() ?? []).flatMap((n) => Object.keys(ctx.identities!.spec(n).login?.body ?? {})));
      if ((op.safe || (ctx.destructive && op.method !== 'DELETE')) && isObject(base.body)) {
        for (const f of stringFields(op).filter((x) => !loginFields.has(x)).slice(0, 4)) targets.push({ name: f, where: 'body', build: (v: string) => ({ ...base, body: { ...(base.body as Record<string, unknown>), [f]: v } }) });
      }
      for (const t of targets) {
        if (Date.now() > until || budget-- <= 0) return out;
        const time = async (v: string): Promise<Exchange> => ctx.client.send({ ...t.build(v), timeoutMs: 4_000 });
        for (const fam of FAMILIES) {
          const msAt = async (n: number): Promise<number> => (await time(fam(n))).response.durationMs;
          const seen: Sample[] = [];
          let again: number | undefined;
          for (const n of SIZES) {
            const ex = await time(fam(n));
            seen.push({ n, ex });
            const ms = ex.response.durationMs;
            if (ms < SLOW_MS || seen.length < 2) continue;
            again = await confirmed(msAt, seen[0]!, seen[seen.length - 2]!, seen[seen.length - 1]!);
            // Not confirmed (noise on a loaded machine): one more length makes a real explosion plainer, unless the
            // answers are already this slow.
            if (again !== undefined || ms >= STOP_MS || Date.now() > until) break;
          }
          if (again === undefined) continue;
          const slow = seen[seen.length - 1]!;
          const times = seen.map((x) => `${x.n}: ${x.ex.response.durationMs} ms`).join(', ');
          out.push({
            title: `${op.id}: "${t.name}" takes super-linear time (ReDoS)`,
            operation: op.id,
            key: t.name,
            detail: `"${t.name}" (${t.where}) timed by length: ${times}; the repeat at ${slow.n} took ${again} ms. Each few characters multiply the time.`,
            evidence: [slow.ex, seen[0]!.ex],
            suggestion: { key: 'validation', value: { mode: 'strict' }, note: `declare "maxLength" on ${t.name} in the OpenAPI document; the regex itself must be fixed` },
          });
          break;
        }
      }
    }
    return out;
  },
});
