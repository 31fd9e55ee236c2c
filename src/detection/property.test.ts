import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from './index.js';

const inspector = createInspector({ paranoia: 4, maxInspectBytes: 1 << 20 });
const req = (v: string): InspectRequest => ({ method: 'POST', path: '/a', query: 'q=' + encodeURIComponent(v.slice(0, 2000)), headers: { 'content-type': 'application/json', 'user-agent': v.slice(0, 500) }, body: JSON.stringify({ v }) });

/** Pieces that drive the lexers and patterns to their worst cases when repeated. */
const HOSTILE = ["'", '"', '`', '<', '>', '(', ')', '{{', '${', '%25', '%', '\\', '/*', '*/', '--', '#', ';', '|', '&', '$(', '../', 'on', '=', ' ', '\t', '\n', 'select ', 'union ', 'or ', '1', 'a', '&#', '&lt', '\\u00', '+AD', 'java.', 'http://', '0x', ':', '[', ']', '!', '*', '?'];

describe('property: bounded work on adversarial input', () => {
  it('never throws and always answers a well-formed result', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
        const r = inspector.inspect(req(s));
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.blocked).toBe(r.score >= 5);
        for (const f of r.findings) expect(f.fragment.length).toBeLessThanOrEqual(120);
      }),
      { numRuns: 300 },
    );
  });

  it('stays linear on long repetitions of hostile pieces (64 KB in well under a second)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 4 }), (pieces) => {
        const unit = pieces.join('');
        const value = unit.repeat(Math.ceil(65_536 / unit.length)).slice(0, 65_536);
        const t0 = performance.now();
        inspector.inspect({ method: 'POST', path: '/a', query: '', headers: { 'content-type': 'text/plain' }, body: value });
        const ms = performance.now() - t0;
        expect(ms).toBeLessThan(1500);
      }),
      { numRuns: 40 },
    );
  });

  it('time grows about linearly with input size (no quadratic blow-up)', () => {
    for (const unit of ["'or 1=1 ", '<a onx=', '$(a;', '{{a', '../', '%25%', 'union select ', 'a'.repeat(7) + '(']) {
      // The fastest of three runs: the machine is shared, and noise only ever adds time.
      const run = (n: number) => {
        const body = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          inspector.inspect({ method: 'POST', path: '/a', query: '', headers: { 'content-type': 'text/plain' }, body });
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      };
      run(4096);
      const small = Math.max(run(16_384), 2);
      const large = run(131_072);
      // 8x the input: allow generous noise on a shared machine, but not the 64x of a quadratic.
      expect(large / small, unit).toBeLessThan(30);
    }
  });
});
