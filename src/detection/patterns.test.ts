import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import './index.js';
import { registeredPatterns } from './patterns.js';

/** Engine source files (not tests, not the corpus). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('regular expressions of the engine', () => {
  it('are all made through re() (so the ReDoS check below sees every one)', () => {
    const offenders: string[] = [];
    for (const file of sources(import.meta.dirname)) {
      if (file.endsWith('patterns.ts')) continue;
      const text = readFileSync(file, 'utf8');
      // new RegExp(...) outside patterns.ts, or a regex literal used as a value: `= /x/`, `(/x/`, `, /x/`.
      if (/new RegExp\(/.test(text) || /[=(,]\s*\/(?![/*])[^/\n]+\/[dgimsuy]*[.;,)\s]/.test(text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, ''))) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('registers a non-trivial number of patterns', () => {
    expect(registeredPatterns().length).toBeGreaterThan(20);
  });

  // recheck (https://makenowjust-labs.github.io/recheck/): the automaton checker decides ambiguity exactly
  // (deterministic; every quantifier here is bounded or unambiguous, so "safe" means linear time), and the
  // fuzz checker must find no exponential input. Fuzz also reports "2nd degree" for long bounded repetitions
  // (O(n*k) with a constant k): those are bounded work, and the property tests measure them.
  it.each(registeredPatterns().map((r) => [r.source.slice(0, 60), r] as const))('%s is not vulnerable to ReDoS', async (_name, r) => {
    const exact = await check(r.source, r.flags, { timeout: 8000, checker: 'automaton' });
    if (exact.status === 'vulnerable') throw new Error(`${r.source}: ${exact.complexity.summary}, attack ${JSON.stringify(exact.attack.pattern)}`);
    expect(exact.status).toBe('safe');
    const fuzz = await check(r.source, r.flags, { timeout: 4000, checker: 'fuzz' });
    if (fuzz.status === 'vulnerable' && fuzz.complexity.type === 'exponential') throw new Error(`${r.source}: ${fuzz.complexity.summary}`);
  }, 30_000);
});
