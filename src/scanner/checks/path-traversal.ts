import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, stringParams, validRequest, withParam } from './util.js';

const TARGETS: ReadonlyArray<readonly [string, RegExp]> = [
  ['etc/passwd', /root:[^:\n]*:0:0:/],
  ['windows/win.ini', /\[(fonts|extensions)\]/i],
];
const PREFIXES = ['../../../../../../../../', '..%2f..%2f..%2f..%2f..%2f..%2f..%2f', '....//....//....//....//....//....//', '/'];

/**
 * Path traversal (API8). Confirmed by content: the answer contains the unmistakable text of a system file
 * (/etc/passwd's root line, win.ini's sections) that the normal answer does not contain.
 */
export const pathTraversal = defineCheck({
  id: 'path-traversal',
  title: 'Path traversal',
  owasp: 'API8:2023',
  cwe: 22,
  severity: 'critical',
  description: 'Points string parameters at system files through ../ sequences (plain, encoded, doubled) and looks for their content.',
  remediation: 'Map request values to files through an allow-list or an id; resolve paths and refuse anything outside the base directory.',
  scope: 'operation',
  appliesTo: (op) => op.safe && stringParams(op).length > 0,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      const normal = await ctx.client.send(base);
      params: for (const p of stringParams(op).slice(0, 4)) {
        for (const [file, proof] of TARGETS) {
          if (proof.test(normal.response.body)) continue;
          for (const prefix of PREFIXES) {
            // Encoded prefixes are sent as-is: decode first so withParam's encoding restores them.
            const value = prefix.includes('%') ? decodeURIComponent(prefix) + file : prefix + file;
            const ex = await ctx.client.send(withParam(base, op, p, value, ctx.api));
            if (!proof.test(ex.response.body)) continue;
            out.push({ title: `Path traversal in "${p.name}" of ${op.id}`, operation: op.id, key: p.name, detail: `"${p.name}"=${JSON.stringify(value)} returned the content of /${file}.`, evidence: [ex, normal], suggestion: { key: 'detection', value: { pathTraversal: 'block' }, proposed: true, note: 'the attack-detection stage\'s config key is not in the schema yet' } });
            continue params;
          }
        }
      }
    }
    return out;
  },
});
