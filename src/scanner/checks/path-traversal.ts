import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, hasInputs, inputsOf, validRequest } from './util.js';

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
  appliesTo: hasInputs,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      const inputs = inputsOf(ctx, op, base, { strings: true });
      if (inputs.length === 0) continue;
      const normal = await ctx.client.send(base);
      params: for (const p of inputs) {
        for (const [file, proof] of TARGETS) {
          if (proof.test(normal.response.body)) continue;
          for (const prefix of PREFIXES) {
            // In a URL the encoded prefix is restored by the parameter's own encoding (%2f → %252f would be
            // double encoding); in a body it is sent as written, for servers that decode it themselves.
            const value = prefix.includes('%') && p.where !== 'body' ? decodeURIComponent(prefix) + file : prefix + file;
            const ex = await ctx.client.send(p.build(value));
            if (!proof.test(ex.response.body)) continue;
            out.push({ title: `Path traversal in "${p.name}" of ${op.id}`, operation: op.id, key: p.name, detail: `"${p.name}"=${JSON.stringify(value)} returned the content of /${file}.`, evidence: [ex, normal], suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks path traversal on this route; fix the API too' } });
            continue params;
          }
        }
      }
    }
    return out;
  },
});
