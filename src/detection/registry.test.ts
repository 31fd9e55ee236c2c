import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REQUEST_DETECTORS, VALUE_DETECTORS } from './registry.js';
import { CATEGORIES } from './types.js';

const rules = [...VALUE_DETECTORS, ...REQUEST_DETECTORS].flatMap((d) => d.rules.map((r) => ({ detector: d.name, ...r })));

describe('detector registry', () => {
  it('has unique rule ids', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds every rule to a known category, a paranoia level, a positive score and a reason', () => {
    for (const r of rules) {
      expect(CATEGORIES).toContain(r.category);
      expect([1, 2, 3, 4]).toContain(r.pl);
      expect(r.score).toBeGreaterThan(0);
      expect(r.reason.length).toBeGreaterThan(8);
    }
  });

  it('covers every category the issue names', () => {
    const covered = new Set(rules.map((r) => r.category));
    for (const c of ['sqli', 'xss', 'cmdi', 'traversal', 'ssrf', 'nosqli', 'ldapi', 'xxe', 'ssti', 'jndi', 'crlf', 'mail', 'ssi', 'prototype-pollution'] as const) {
      expect(covered.has(c)).toBe(true);
    }
  });

  it('documents every rule id in docs/status/detection.md', () => {
    const doc = readFileSync(new URL('../../docs/status/detection.md', import.meta.url), 'utf8');
    const missing = rules.filter((r) => !doc.includes('`' + r.id + '`')).map((r) => r.id);
    expect(missing).toEqual([]);
  });
});
