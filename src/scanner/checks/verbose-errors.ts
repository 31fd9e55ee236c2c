import { defineCheck } from '../check.js';
import type { ScanRequest } from '../http/client.js';
import type { FindingDraft } from '../types.js';
import { caller, injectableParams, validRequest, withParam } from './util.js';

/** Traces of internals in an error answer, with what each reveals. */
export const LEAK_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\n?\s*at (?:async )?[\w$.<>[\]]+ \(?(?:file:\/\/)?[/\\]?[\w./\\-]+\.(?:js|ts|mjs|cjs):\d+:\d+\)?/, 'a Node.js stack trace'],
  [/Traceback \(most recent call last\)/, 'a Python traceback'],
  [/(?:java|javax|org\.springframework)\.[\w.]+(?:Exception|Error)[\s\S]{0,200}\tat /, 'a Java stack trace'],
  [/SQLITE_ERROR|SqliteError|near "[^"]*": syntax error/, 'an SQLite error'],
  [/You have an error in your SQL syntax|mysqli?_|MySqlException/, 'a MySQL error'],
  [/PG::|psycopg2|pg_query|syntax error at or near "/, 'a PostgreSQL error'],
  [/ORA-\d{5}|Microsoft OLE DB|SqlException|Unclosed quotation mark/, 'a database error'],
  [/<title>Werkzeug Debugger|Whoops! There was an error|Django Version:|<h2>Exception Details|\bDEBUG = True\b/, 'a framework debug page'],
  [/node_modules[/\\]|\/home\/\w+\/|\/usr\/src\/app\/|C:\\\\Users\\\\/, 'server file paths'],
];

export function leaks(body: string): string | undefined {
  return LEAK_PATTERNS.find(([re]) => re.test(body))?.[1];
}

/**
 * API8: verbose errors. Malformed input (broken JSON, wrong types, quotes in ids) must not answer with stack traces,
 * SQL errors or debug pages. Confirmed by a repeat, and only when the normal answer carries no such text.
 */
export const verboseErrors = defineCheck({
  id: 'verbose-errors',
  title: 'Verbose error messages',
  owasp: 'API8:2023',
  cwe: 209,
  severity: 'medium',
  description: 'Sends malformed JSON and wrongly typed parameters and looks for stack traces, SQL errors and debug pages.',
  remediation: 'Answer errors with a generic problem document and a correlation id; log the details server-side only.',
  scope: 'operation',
  appliesTo: (op) => injectableParams(op).length > 0 || op.requestBody !== undefined,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      const probes: ScanRequest[] = [];
      // Writing operations only get broken JSON, which cannot create or change anything.
      if (op.safe) {
        const normal = await ctx.client.send(base);
        if (leaks(normal.response.body) !== undefined) continue;
        probes.push(...injectableParams(op).slice(0, 3).map((p) => withParam(base, op, p, `'"\\rmp{{[`, ctx.api)));
      }
      if (op.requestBody !== undefined) probes.push({ ...base, body: undefined, rawBody: '{"rampart": ', contentType: 'application/json' });
      for (const probe of probes) {
        const ex = await ctx.client.send(probe);
        const what = leaks(ex.response.body);
        if (what === undefined) continue;
        const again = await ctx.client.send(probe);
        if (leaks(again.response.body) !== what) continue;
        out.push({
          title: `${op.id} leaks ${what} on bad input`,
          operation: op.id,
          detail: `Malformed input got HTTP ${ex.response.status} with ${what} in the body (twice)${op.safe ? '; the normal answer has none' : ''}.`,
          evidence: [ex],
          suggestion: { key: 'responseProtection', value: { errorBodies: 'scan' } },
        });
        break;
      }
    }
    return out;
  },
});
