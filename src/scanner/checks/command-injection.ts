import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { caller, hasInputs, inputsOf, validRequest } from './util.js';

const DELAY_S = 2;
const PAYLOADS: readonly string[] = [`;sleep ${DELAY_S};`, `$(sleep ${DELAY_S})`, `|sleep ${DELAY_S}`, `\`sleep ${DELAY_S}\``];
const SLOW_MS = DELAY_S * 1000 * 0.9;

/**
 * OS command injection (API8), time-based and confirmed by repetition: the sleep payload is slow, the same payload
 * with `sleep 0` is fast, and the sleep payload is slow again. A fast target costs one request per payload.
 */
export const commandInjection = defineCheck({
  id: 'command-injection',
  title: 'OS command injection',
  owasp: 'API8:2023',
  cwe: 78,
  severity: 'critical',
  description: `Appends shell sleep commands (${DELAY_S} s) to string parameters and times the answers, with a zero-sleep control.`,
  remediation: 'Never pass request values to a shell; call programs with argument arrays and validate inputs against allow-lists.',
  scope: 'operation',
  appliesTo: hasInputs,
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    const who = caller(ctx);
    for (const op of ops) {
      const base = await validRequest(ctx, op, who);
      for (const p of inputsOf(ctx, op, base, { strings: true })) {
        const send = (payload: string) => ctx.client.send({ ...p.build(p.value + payload), timeoutMs: DELAY_S * 1000 + 5000 });
        for (const payload of PAYLOADS) {
          const slow = await send(payload);
          if (slow.response.durationMs < SLOW_MS) continue;
          const control = await send(payload.replace(String(DELAY_S), '0'));
          // The sleep must account for the difference (relative: load slows both alike).
          if (slow.response.durationMs - control.response.durationMs < DELAY_S * 1000 * 0.75) continue;
          const again = await send(payload);
          if (again.response.durationMs < SLOW_MS) continue;
          out.push({ title: `OS command injection in "${p.name}" of ${op.id}`, operation: op.id, key: p.name, detail: `"${p.name}" with ${JSON.stringify(payload)} took ${slow.response.durationMs} ms and ${again.response.durationMs} ms; with sleep 0 it took ${control.response.durationMs} ms.`, evidence: [slow, control], suggestion: { key: 'detection', value: { mode: 'block' }, note: 'attack detection blocks command injection on this route; fix the API too' } });
          break;
        }
      }
    }
    return out;
  },
});
