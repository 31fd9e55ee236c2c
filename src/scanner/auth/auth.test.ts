import { describe, expect, it } from 'vitest';
import { AuthFileError, parseAuthFile, pointer } from './identities.js';
import { decodeJwt, signHmac, verifiesWith } from './jwt.js';
import { crackSecret } from '../checks/jwt-weak-secret.js';

describe('auth file', () => {
  it('fills defaults', () => {
    const f = parseAuthFile('identities:\n  a:\n    login: { path: /login, body: { u: a, p: b } }\n  k:\n    role: admin\n    headers: { x-api-key: s }\n', 't.yaml');
    expect(f.identities.a).toMatchObject({ role: 'user', headers: {}, owns: {}, login: { method: 'POST', token: '/token', header: 'authorization', prefix: 'Bearer ' } });
    expect(f.identities.k!.role).toBe('admin');
  });
  it('names every problem with its path', () => {
    expect(() => parseAuthFile('identities:\n  a:\n    role: root\n    extra: 1\n', 't.yaml')).toThrow(AuthFileError);
    expect(() => parseAuthFile('identities:\n  a:\n    role: root\n', 't.yaml')).toThrow(/t\.yaml: \/identities\/a\/role/);
    expect(() => parseAuthFile(': [', 't.yaml')).toThrow(/t\.yaml/);
  });
  it('reads JSON pointers', () => {
    expect(pointer({ a: { 'b/c': [1, 2] } }, '/a/b~1c/1')).toBe(2);
    expect(pointer({ a: 1 }, '/a/b')).toBeUndefined();
  });
});

describe('jwt helpers', () => {
  it('decode, sign, verify, and find a weak secret offline', () => {
    const token = signHmac({ alg: 'HS256', typ: 'JWT' }, { sub: '1' }, 'changeme');
    const jwt = decodeJwt(token)!;
    expect(jwt.payload.sub).toBe('1');
    expect(verifiesWith(jwt, 'changeme')).toBe(true);
    expect(verifiesWith(jwt, 'other')).toBe(false);
    expect(crackSecret(jwt)).toBe('changeme');
    expect(crackSecret(decodeJwt(signHmac({ alg: 'HS512' }, { sub: '1' }, 'a-long-random-secret-nobody-guesses-1f9c'))!)).toBeUndefined();
    expect(decodeJwt('not.a.jwt')).toBeUndefined();
  });
});
