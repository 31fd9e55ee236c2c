import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ScanClient } from '../http/client.js';
import { Identities } from './identities.js';
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

describe('identities', () => {
  it('log in, find a token outside the configured pointer or a session cookie, and read the subject', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/login-token') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { jwt: signHmac({ alg: 'HS256' }, { sub: '42', exp: Math.floor(Date.now() / 1000) + 60 }, 'k') } }));
      if (req.url === '/login-opaque') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"access_token":"opaque-1234567890"}}');
      if (req.url === '/login-cookie') return void res.writeHead(200, { 'set-cookie': ['sid=abc; HttpOnly; Path=/', 'csrf=x1; Path=/'], 'content-type': 'application/json' }).end('{"id":7}');
      res.writeHead(200).end(JSON.stringify({ cookie: req.headers.cookie ?? null, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new ScanClient({ target: url, rate: 1000, maxRequests: 20, deadline: Date.now() + 10_000 });
    const file = parseAuthFile(`identities:\n  t: { login: { path: /login-token, body: { u: a, p: b } } }\n  c: { login: { path: /login-cookie, body: { u: a, p: b } } }\n  o: { login: { path: /login-opaque, body: { u: a, p: b } } }\n`, 'x');
    const ids = new Identities(file, client);
    client.setCredentials(ids);
    try {
      expect(await ids.subject('t')).toBe('42');
      expect((await ids.headersFor('t')).authorization).toMatch(/^Bearer ey/);
      expect(await ids.subject('c')).toBe('7');
      expect((await ids.headersFor('o')).authorization).toBe('Bearer opaque-1234567890');
      const me = await client.send({ method: 'GET', path: '/me', identity: 'c' });
      expect(JSON.parse(me.response.body)).toEqual({ cookie: 'sid=abc; csrf=x1', auth: null });
      expect(me.request.headers.cookie).toBe('<credentials of c>');
    } finally {
      await client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
