import { describe, expect, it } from 'vitest';
import { patternIsInert, shapeOf } from './shape.js';

describe('patternIsInert: anchored patterns of inert characters only', () => {
  it.each([
    '^[a-z][a-z0-9_.-]{2,31}$',
    '^[a-z]{2}(-[A-Z]{2})?$',
    '^\\+?[0-9 ()-]{5,30}$',
    '^[A-Z]{2}$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^[A-Za-z0-9_-]+$',
    '^(?:[a-f0-9]{8})(?:-[a-f0-9]{4}){3}$',
    '^\\w+$',
  ])('inert: %s', (p) => expect(patternIsInert(p)).toBe(true));

  it.each([
    ['[a-z]+', 'not anchored'],
    ['^[a-z]+', 'open end'],
    ['^.+$', 'any character'],
    ['^[^<>]+$', 'negated class'],
    ['^\\S+$', 'non-space: anything'],
    ['^[a-z ]+$', 'letters with spaces (prose: "x or y")'],
    ["^[a-z']+$", 'a quote'],
    ['^[a-z./]+$', 'letters with a slash (paths)'],
    ['^[a-z()]+$', 'letters with parentheses (calls)'],
    ['^\\s*[a-z]+$', '\\s admits line breaks'],
    ['^a|b$', 'top-level alternative: not anchored at both ends'],
    ['^(?=x)[a-z]+$', 'lookaround'],
    ['^[a-z]{1,}\\1$', 'back-reference'],
    ['^[!-~]+$', 'a range over punctuation'],
  ])('not inert: %s (%s)', (p) => expect(patternIsInert(p)).toBe(false));
});

describe('shape.inert', () => {
  const doc = {};
  it('enum, const, numbers, booleans, strict formats and inert patterns are inert; free text is not', () => {
    const s = shapeOf(
      {
        type: 'object',
        properties: {
          role: { type: 'string', enum: ['a', 'b'] },
          kind: { const: 'x' },
          n: { type: 'integer' },
          flag: { type: ['boolean', 'null'] },
          id: { type: 'string', format: 'uuid' },
          day: { type: 'string', format: 'date' },
          code: { type: 'string', pattern: '^[A-Z]{2}$' },
          email: { type: 'string', format: 'email' },
          bio: { type: 'string', maxLength: 200 },
          url: { type: 'string', format: 'uri' },
          tags: { type: 'array', items: { type: 'string', enum: ['x'] } },
          either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
          both: { allOf: [{ type: 'string' }, { enum: ['a'] }] },
        },
      },
      doc,
    );
    const inert = (k: string) => s.properties?.get(k)?.inert;
    for (const k of ['role', 'kind', 'n', 'flag', 'id', 'day', 'code', 'both']) expect(inert(k), k).toBe(true);
    for (const k of ['email', 'bio', 'url', 'either', 'tags']) expect(inert(k), k).toBe(false);
    expect(s.properties?.get('tags')?.items?.inert).toBe(true);
    expect(s.inert).toBe(false);
  });
});

describe('patternIsInert is sound: what an inert pattern matches holds no injection characters', () => {
  it('every string fast-check draws from an inert pattern uses only identifier characters, or no letters at all', async () => {
    const fc = await import('fast-check');
    const patterns = [
      '^[a-z][a-z0-9_.-]{2,31}$',
      '^[a-z]{2}(-[A-Z]{2})?$',
      '^\\+?[0-9 ()-]{5,30}$',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^(?:[a-f0-9]{8})(?:-[a-f0-9]{4}){3}$',
      '^\\w+$',
      '^[A-Z]{3}(?:[0-9]{2}|[a-z])?$',
    ];
    for (const p of patterns) {
      expect(patternIsInert(p), p).toBe(true);
      fc.assert(
        fc.property(fc.stringMatching(new RegExp(p)), (s) => {
          const letters = /[A-Za-z]/.test(s);
          const identifier = /^[A-Za-z0-9_.-]*$/.test(s);
          return letters ? identifier : identifier || /^[0-9 ()+\-.:,/]*$/.test(s);
        }),
        { numRuns: 500 },
      );
    }
  });
});
