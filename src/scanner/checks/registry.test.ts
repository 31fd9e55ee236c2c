import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OWASP_CATEGORIES, SEVERITIES } from '../types.js';
import { CHECKS } from './registry.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const HELPERS = new Set(['registry.ts', 'util.ts', 'login.ts']);

describe('check registry', () => {
  it('lists every check module exactly once', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !HELPERS.has(f));
    // One file per check, named after its id.
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))('%s declares its category, CWE, severity and texts', (_id, c) => {
    expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(Object.keys(OWASP_CATEGORIES)).toContain(c.owasp);
    expect(Number.isInteger(c.cwe) && c.cwe > 0).toBe(true);
    expect(SEVERITIES).toContain(c.severity);
    expect(c.title.length).toBeGreaterThan(5);
    expect(c.description.length).toBeGreaterThan(20);
    expect(c.remediation.length).toBeGreaterThan(20);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('has checks for every OWASP category (API6 and API10 only partly: reported as partial, with the reason)', () => {
    const covered = new Set(CHECKS.map((c) => c.owasp));
    const missing = Object.keys(OWASP_CATEGORIES).filter((k) => !covered.has(k as keyof typeof OWASP_CATEGORIES));
    expect(missing).toEqual([]);
  });

  it('is documented: every check id appears in docs/status/scanner.md', () => {
    const doc = readFileSync(new URL('../../../docs/status/scanner.md', import.meta.url), 'utf8');
    const undocumented = CHECKS.filter((c) => !doc.includes(`\`${c.id}\``)).map((c) => c.id);
    expect(undocumented).toEqual([]);
  });
});
