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

  // recheck (https://makenowjust-labs.github.io/recheck/) decides by automata theory where it can and fuzzes
  // otherwise; "vulnerable" means a polynomial or exponential backtracking input exists.
  it.each(registeredPatterns().map((r) => [r.source.slice(0, 60), r] as const))('%s is not vulnerable to ReDoS', async (_name, r) => {
    const result = await check(r.source, r.flags, { timeout: 8000 });
    if (result.status === 'vulnerable') throw new Error(`${r.source}: ${result.complexity.summary}, attack ${JSON.stringify(result.attack.pattern)}`);
    expect(['safe', 'unknown']).toContain(result.status);
  }, 30_000);
});
