import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalizeTarget } from './canonical-path.js';

const strict = { allowEncodedSlash: false, allowMatrixParams: false, allowDoubleEncoding: false };
const canon = (t: string) => canonicalizeTarget(t, strict);
const pathOf = (t: string) => {
  const r = canon(t);
  return r.ok ? r.path : `REJECT: ${r.reason}`;
};

describe('canonicalizeTarget', () => {
  it.each([
    ['/', '/'],
    ['/users', '/users'],
    ['/users/42', '/users/42'],
    ['/users/', '/users/'],
    ['//admin', '/admin'],
    ['/users//42', '/users/42'],
    ['/users/../admin', '/admin'],
    ['/users/./42', '/users/42'],
    ['/a/b/../../admin', '/admin'],
    ['/users/%2e%2e/admin', '/admin'],
    ['/users/%2E%2E/admin', '/admin'],
    ['/users/.%2e/admin', '/admin'],
    ['/%61dmin', '/admin'],
    ['/users/%7e', '/users/~'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/a%20b', '/a%20b'],
    ['/users/.', '/users/'],
    ['/users/..', '/'],
    ['/users/.hidden', '/users/.hidden'],
  ])('%s -> %s', (input, expected) => {
    expect(pathOf(input)).toBe(expected);
  });

  it.each([
    ['/users/%2fadmin', 'encoded slash'],
    ['/users/%2Fadmin', 'encoded slash'],
    ['/users/%5cadmin', 'encoded slash'],
    ['/users\\admin', 'backslash'],
    ['/users/%00', 'NUL'],
    ['/users/%0d%0a', 'control'],
    ['/users;jsessionid=1', 'matrix'],
    ['/users/1;/admin', 'matrix'],
    ['/users/%3b', 'encoded ";"'],
    ['/users/%252e%252e/admin', 'double'],
    ['/users/%25252e', 'double'],
    ['/users/%zz', 'malformed'],
    ['/users/%4', 'malformed'],
    ['/users/%', 'malformed'],
    ['/..', 'above the root'],
    ['/%2e%2e/etc/passwd', 'above the root'],
    ['/a/../../etc', 'above the root'],
    ['/users#frag', 'fragment'],
    ['users', 'must start'],
    ['http://evil/admin', 'must start'],
    ['*', 'must start'],
  ])('rejects %s (%s)', (input, why) => {
    const r = canon(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });

  it('splits the query and keeps it raw', () => {
    expect(canon('/users?limit=10&offset=0')).toEqual({ ok: true, path: '/users', query: 'limit=10&offset=0' });
    expect(canon('/users?')).toEqual({ ok: true, path: '/users', query: '' });
    expect(canon('/a/../b?x=/../y')).toEqual({ ok: true, path: '/b', query: 'x=/../y' });
  });

  it('keeps %25 not followed by hex', () => {
    expect(pathOf('/a%25b')).toBe('/a%25b');
  });

  it('allows encoded slashes and matrix parameters when configured', () => {
    const lax = { allowEncodedSlash: true, allowMatrixParams: true, allowDoubleEncoding: true };
    expect(canonicalizeTarget('/files/a%2fb', lax)).toMatchObject({ ok: true, path: '/files/a%2Fb' });
    expect(canonicalizeTarget('/files;v=1', lax)).toMatchObject({ ok: true, path: '/files;v=1' });
    expect(canonicalizeTarget('/x/%252e', lax)).toMatchObject({ ok: true, path: '/x/%252e' });
  });

  it('is idempotent and never yields dot segments, empty segments or decodable unreserved escapes', () => {
    const chars = fc.constantFrom('/', '.', '%2e', '%2E', 'a', 'B', '%41', '%7e', '~', '-', '%c3%a9', '%20', '//', '..', '%25');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }), (parts) => {
        const r = canon('/' + parts.join(''));
        if (!r.ok) return;
        const again = canon(r.path);
        expect(again).toEqual(r);
        const segs = r.path.split('/').slice(1);
        segs.forEach((s, i) => {
          expect(s === '.' || s === '..').toBe(false);
          if (i < segs.length - 1) expect(s).not.toBe('');
        });
        expect(r.path).not.toMatch(/%(2[eEdD]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9]|5[fF]|7[eE])/);
      }),
      { numRuns: 2000 },
    );
  });
});
