import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMITS, type JsonLimits } from './limits.js';
import { parseJsonBounded } from './parse.js';
import { scanJson } from './scan.js';

const L = DEFAULT_JSON_LIMITS;
const issueOf = (text: string, limits: JsonLimits = L) => {
  const r = parseJsonBounded(text, limits);
  return r.ok ? undefined : r.issue;
};

describe('parseJsonBounded', () => {
  it('parses ordinary documents like JSON.parse', () => {
    const text = '{"a":[1,2.5,-3e2,true,false,null,"x\\u0041\\n"],"b":{"c":{}},"d":[]}';
    expect(parseJsonBounded(text, L)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseJsonBounded(Buffer.from('\uFEFF[1]'), L)).toEqual({ ok: true, value: [1] });
  });

  it('refuses a 100,000-deep nesting quickly, at the depth limit', () => {
    const bomb = '['.repeat(100_000) + ']'.repeat(100_000);
    const t0 = performance.now();
    const issue = issueOf(bomb);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(issue?.rule).toBe('depth');
    expect(issue?.offset).toBe(L.maxDepth);
    expect(issueOf('{"a":'.repeat(100_000))?.rule).toBe('depth');
  });

  it('refuses a 10 MB string without reading all of it', () => {
    const issue = issueOf(`{"name":"${'a'.repeat(10 * 1024 * 1024)}"}`);
    expect(issue).toMatchObject({ rule: 'string-length', pointer: '/name' });
  });

  it('counts escapes once toward the string limit', () => {
    const limits = { ...L, maxStringLength: 3 };
    expect(issueOf('"\\u0041\\n\\t"', limits)).toBeUndefined();
    expect(issueOf('"abcd"', limits)?.rule).toBe('string-length');
    expect(issueOf('{"abcd":1}', limits)?.rule).toBe('string-length');
  });

  it('refuses too many keys and too long arrays, pointing at the container', () => {
    const many = '{' + Array.from({ length: 300 }, (_, k) => `"k${k}":1`).join(',') + '}';
    expect(issueOf(many)).toMatchObject({ rule: 'keys', pointer: '/k256' });
    expect(issueOf(`{"list":[${'0,'.repeat(10_000)}0]}`)).toMatchObject({ rule: 'array-length', pointer: '/list/10000' });
    expect(issueOf(`[${'0,'.repeat(9_999)}0]`)).toBeUndefined();
  });

  it('refuses duplicate keys, also when spelt with escapes', () => {
    expect(issueOf('{"a":{"b":1,"b":2}}')).toMatchObject({ rule: 'duplicate-key', pointer: '/a/b' });
    expect(issueOf('{"ab":1,"\\u0061b":2}')).toMatchObject({ rule: 'duplicate-key', pointer: '/ab' });
    expect(issueOf('[{"a":1},{"a":1}]')).toBeUndefined();
  });

  it('refuses prototype-pollution keys anywhere', () => {
    for (const k of ['__proto__', 'constructor', 'prototype', '\\u005f_proto__']) {
      expect(issueOf(`{"x":[{"${k}":{"isAdmin":true}}]}`)?.rule).toBe('forbidden-key');
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses numbers that overflow or are too long', () => {
    expect(issueOf('{"n":1e400}')).toMatchObject({ rule: 'number', pointer: '/n' });
    expect(issueOf('[-1E+400]')).toMatchObject({ rule: 'number', pointer: '/0' });
    expect(issueOf('1' + '0'.repeat(400))?.rule).toBe('number');
    expect(issueOf('1e308')).toBeUndefined();
    expect(issueOf('1e-400')).toBeUndefined();
  });

  it('refuses malformed JSON and bad UTF-8 with a syntax issue', () => {
    for (const bad of ['', ' ', '{', '[1,]', '{"a" 1}', '{"a":1,}', '01', '1.', '-', '.5', '"\t"', "'a'", 'nul', '[1] 2', '"\\x"', '{,}', '[,1]', 'NaN', '{"a":1}}']) {
      expect(issueOf(bad)?.rule, bad).toBe('syntax');
    }
    expect(parseJsonBounded(Buffer.from([0x22, 0xc3, 0x28, 0x22]), L)).toMatchObject({ ok: false, issue: { rule: 'encoding' } });
  });

  it('agrees with JSON.parse on arbitrary JSON values within the limits', () => {
    const roomy = { ...L, maxStringLength: 1e6, maxKeys: 1e6, maxArrayLength: 1e6 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v);
        const r = parseJsonBounded(text, roomy);
        if (text.includes('"__proto__"') || text.includes('"constructor"') || text.includes('"prototype"')) return;
        expect(r).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, and agrees with JSON.parse on syntax', () => {
    const jsonish = fc.stringMatching(/^[[\]{}",:0-9eE.+\-tfrulnas\\ u]{0,40}$/);
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string({ maxLength: 40 })), (text) => {
        const issue = scanJson(text, L);
        let engineOk = true;
        try {
          JSON.parse(text);
        } catch {
          engineOk = false;
        }
        if (!engineOk) expect(issue).toBeDefined();
        // What the engine accepts, the scanner refuses only for a limit or a key rule, never as a syntax error.
        else if (issue !== undefined) expect(issue.rule).not.toBe('syntax');
      }),
      { numRuns: 2000 },
    );
  });
});
