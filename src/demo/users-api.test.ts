import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { UnsecuredJWT, jwtVerify } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createRoutes } from './routes.js';
import { openDemoStore } from './store.js';
import { DEFAULT_DEMO_JWT_SECRET, demoOpenApiPath, isLoopbackAddress, startDemoApi } from './users-api.js';
import type { DemoApi, DemoLogger } from './users-api.js';

interface Json {
  [key: string]: unknown;
}
interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

async function call(api: DemoApi, method: string, path: string, opts: { body?: unknown; raw?: string; token?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.raw;
  if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(api.url + path, { method, headers, body: payload, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body: Json = {};
  if (res.headers.get('content-type')?.includes('json') && text !== '') {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = Object.fromEntries(Object.entries(parsed));
  }
  return { status: res.status, headers: res.headers, body, text };
}

function items(a: Answer): Json[] {
  const list = a.body.items;
  if (!Array.isArray(list)) throw new Error(`no items in ${a.text}`);
  return list.map((x: unknown) => (typeof x === 'object' && x !== null ? Object.fromEntries(Object.entries(x)) : {}));
}

async function login(api: DemoApi, username: string, password: string): Promise<string> {
  const a = await call(api, 'POST', '/login', { body: { username, password } });
  expect(a.status).toBe(200);
  if (typeof a.body.token !== 'string') throw new Error('no token');
  return a.body.token;
}

/** A server per describe: the mutating tests must not see each other's changes. */
function useApi(logger?: DemoLogger): { api: () => DemoApi } {
  let api: DemoApi | undefined;
  beforeAll(async () => {
    api = await startDemoApi({ port: 0, ...(logger === undefined ? {} : { logger }) });
  });
  afterAll(async () => {
    await api?.close();
  });
  return {
    api: () => {
      if (api === undefined) throw new Error('not started');
      return api;
    },
  };
}

describe('listener', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'localhost', 'example.com', '::ffff:10.0.0.1'])('refuses to bind %s', async (host) => {
    await expect(startDemoApi({ host, port: 0 })).rejects.toThrow(/loopback only/);
  });

  it('accepts only loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '128.0.0.1', '::', '::2', 'localhost', ''].some(isLoopbackAddress)).toBe(false);
  });

  it('takes a pino logger', async () => {
    const logger: DemoLogger = pino({ enabled: false });
    const api = await startDemoApi({ port: 0, logger });
    await api.close();
  });

  it('refuses a bad port or an empty secret', async () => {
    await expect(startDemoApi({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(startDemoApi({ port: 0, jwtSecret: '' })).rejects.toThrow(/jwtSecret/);
  });

  it('listens on 127.0.0.1 and is not reachable on the machine’s other addresses', async () => {
    const api = await startDemoApi({ port: 0 });
    try {
      expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
        .map((i) => i?.address ?? '');
      for (const address of others) {
        const reached = await new Promise<boolean>((resolve) => {
          const s = connect({ host: address, port: api.port, timeout: 1000 });
          s.once('connect', () => (s.destroy(), resolve(true)));
          s.once('error', () => resolve(false));
          s.once('timeout', () => (s.destroy(), resolve(false)));
        });
        expect(reached, address).toBe(false);
      }
    } finally {
      await api.close();
    }
  });

  it('frees its port on close, and a busy port is an error, not a crash', async () => {
    const api = await startDemoApi({ port: 0 });
    await expect(startDemoApi({ port: api.port })).rejects.toThrow(/EADDRINUSE/);
    await api.close();
    await api.close();
    const again = await startDemoApi({ port: api.port });
    await again.close();
  });
});

describe('meta endpoints', () => {
  const { api } = useApi();

  it('GET /health', async () => {
    const a = await call(api(), 'GET', '/health');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ status: 'ok' });
  });

  it('serves its OpenAPI document as YAML and JSON', async () => {
    const yaml = await call(api(), 'GET', '/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(yaml.text).toBe(readFileSync(demoOpenApiPath(), 'utf8'));
    const json = await call(api(), 'GET', '/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(parseYaml(yaml.text));
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    expect((await call(api(), 'GET', '/admin')).status).toBe(404);
    const a = await call(api(), 'PATCH', '/users/1');
    expect(a.status).toBe(405);
    expect(a.headers.get('allow')).toBe('GET, PUT, DELETE');
  });
});

describe('login', () => {
  const { api } = useApi();

  it('issues an HS256 JWT with the documented claims', async () => {
    const token = await login(api(), 'alice', 'alice-password');
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(DEFAULT_DEMO_JWT_SECRET), {
      issuer: 'rampart-demo',
      audience: 'rampart-demo',
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: '1', role: 'user', scope: 'users:read users:write' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    const adminToken = await login(api(), 'admin', 'admin-password');
    expect((await jwtVerify(adminToken, new TextEncoder().encode(DEFAULT_DEMO_JWT_SECRET))).payload).toMatchObject({ sub: '3', role: 'admin' });
  });

  it('signs with the configured secret', async () => {
    const other = await startDemoApi({ port: 0, jwtSecret: 'another-secret-for-this-test-0123456789' });
    try {
      const token = await login(other, 'bob', 'bob-password');
      await expect(jwtVerify(token, new TextEncoder().encode(DEFAULT_DEMO_JWT_SECRET))).rejects.toThrow();
      const { payload } = await jwtVerify(token, new TextEncoder().encode('another-secret-for-this-test-0123456789'));
      expect(payload.sub).toBe('2');
    } finally {
      await other.close();
    }
  });

  it('refuses a wrong password or an unknown user with 401, and never rate limits (naive)', async () => {
    for (let i = 0; i < 8; i++) {
      const a = await call(api(), 'POST', '/login', { body: { username: 'bob', password: `guess-${i}` } });
      expect(a.status).toBe(401);
    }
    expect((await call(api(), 'POST', '/login', { body: { username: 'nobody', password: 'x' } })).status).toBe(401);
    expect((await call(api(), 'POST', '/login', { body: { username: 'bob', password: 42 } })).status).toBe(401);
    expect(await login(api(), 'bob', 'bob-password')).toMatch(/^eyJ/);
  });
});

describe('users: the naive behaviours', () => {
  const { api } = useApi();

  it('lists users a page at a time, every column included (excessive data exposure)', async () => {
    const page = await call(api(), 'GET', '/users');
    expect(page.status).toBe(200);
    expect(items(page).map((u) => u.username)).toEqual(['alice', 'bob', 'admin']);
    expect(page.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
    for (const u of items(page)) expect(u.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    const second = await call(api(), 'GET', '/users?limit=1&offset=1');
    expect(items(second).map((u) => u.username)).toEqual(['bob']);
  });

  it('takes any limit, past the documented maximum of 100', async () => {
    const a = await call(api(), 'GET', '/users?limit=100000');
    expect(a.status).toBe(200);
    expect(items(a)).toHaveLength(3);
  });

  it('lets anyone read anyone (BOLA) and believes an unsigned token (broken authentication)', async () => {
    const alice = await login(api(), 'alice', 'alice-password');
    const asAlice = await call(api(), 'GET', '/users/2', { token: alice });
    expect(asAlice.status).toBe(200);
    expect(asAlice.body).toMatchObject({ id: 2, username: 'bob' });
    expect(asAlice.headers.get('x-demo-caller')).toBe('1');
    const anonymous = await call(api(), 'GET', '/users/3');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('x-demo-caller')).toBe('anonymous');
    const forged = new UnsecuredJWT({ role: 'admin' }).setSubject('3').encode();
    const asForged = await call(api(), 'GET', '/users/1', { token: forged });
    expect(asForged.status).toBe(200);
    expect(asForged.headers.get('x-demo-caller')).toBe('3');
  });

  it('persists any field on POST, role included (mass assignment), and hashes the password', async () => {
    const created = await call(api(), 'POST', '/users', {
      body: { username: 'mallory', email: 'm@example.test', password: 'mallory-password', role: 'admin', shoe_size: 44 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'mallory', role: 'admin' });
    expect(created.body.password).toBeUndefined();
    expect(created.body.shoe_size).toBeUndefined();
    expect(created.body.password_hash).toMatch(/^scrypt\$/);
    const token = await login(api(), 'mallory', 'mallory-password');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(DEFAULT_DEMO_JWT_SECRET));
    expect(payload.role).toBe('admin');
  });

  it('lets one user change another on PUT, role included', async () => {
    const alice = await login(api(), 'alice', 'alice-password');
    const a = await call(api(), 'PUT', '/users/2', { token: alice, body: { email: 'pwned@example.test', role: 'admin' } });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ id: 2, email: 'pwned@example.test', role: 'admin' });
    expect((await call(api(), 'GET', '/users/2')).body.role).toBe('admin');
    expect((await call(api(), 'PUT', '/users/99', { body: { name: 'x' } })).status).toBe(404);
  });

  it('lets a plain user delete anyone, orders and all (BFLA)', async () => {
    const alice = await login(api(), 'alice', 'alice-password');
    expect((await call(api(), 'GET', '/users/3/orders')).status).toBe(200);
    const a = await call(api(), 'DELETE', '/users/3', { token: alice });
    expect(a.status).toBe(204);
    expect(a.text).toBe('');
    expect((await call(api(), 'GET', '/users/3')).status).toBe(404);
    expect((await call(api(), 'GET', '/users/3/orders')).status).toBe(404);
    expect((await call(api(), 'DELETE', '/users/3')).status).toBe(404);
  });
});

describe('orders', () => {
  const { api } = useApi();

  it('lists, reads and places a user’s orders, for any caller', async () => {
    const list = await call(api(), 'GET', '/users/1/orders');
    expect(list.status).toBe(200);
    expect(items(list).map((o) => o.user_id)).toEqual([1, 1]);
    const first = items(list)[0];
    const one = await call(api(), 'GET', `/users/1/orders/${String(first?.id)}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(first);
    const bob = await login(api(), 'bob', 'bob-password');
    const placed = await call(api(), 'POST', '/users/1/orders', { token: bob, body: { item: 'Notebook', quantity: 2, total_cents: 1198 } });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ user_id: 1, item: 'Notebook', quantity: 2, total_cents: 1198, status: 'placed' });
    expect(items(await call(api(), 'GET', '/users/1/orders'))).toHaveLength(3);
  });

  it('answers 404 for an order under the wrong user or an unknown user', async () => {
    const bobs = items(await call(api(), 'GET', '/users/2/orders'));
    expect((await call(api(), 'GET', `/users/1/orders/${String(bobs[0]?.id)}`)).status).toBe(404);
    expect((await call(api(), 'GET', '/users/99/orders')).status).toBe(404);
    expect((await call(api(), 'POST', '/users/99/orders', { body: { item: 'x', total_cents: 1 } })).status).toBe(404);
  });

  it('takes status and even user_id from the body (mass assignment)', async () => {
    const a = await call(api(), 'POST', '/users/1/orders', { body: { item: 'Gift', total_cents: 0, status: 'delivered', user_id: 2 } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ user_id: 2, status: 'delivered' });
  });
});

describe('bad input: verbose 500s, never a crash', () => {
  const errors: unknown[] = [];
  const { api } = useApi({ info: () => undefined, error: (obj) => errors.push(obj) });

  const verbose = async (method: string, path: string, opts: { body?: unknown; raw?: string }, name: string, message: RegExp) => {
    const a = await call(api(), method, path, opts);
    expect(a.status, a.text).toBe(500);
    expect(a.body.error).toBe(name);
    expect(a.body.message).toMatch(message);
    expect(a.body.stack).toMatch(/\n\s+at /);
    return a;
  };

  it('quotes SQLite on a malformed id or limit', async () => {
    const a = await verbose('GET', '/users/abc', {}, 'SqliteError', /malformed JSON/);
    expect(a.body.code).toBe('SQLITE_ERROR');
    await verbose('GET', "/users/1'", {}, 'SqliteError', /malformed JSON/);
    await verbose('DELETE', '/users/1%20OR%201=1', {}, 'SqliteError', /malformed JSON/);
    await verbose('GET', '/users/1/orders/x', {}, 'SqliteError', /malformed JSON/);
    await verbose('GET', '/users?limit=abc', {}, 'SqliteError', /datatype mismatch/);
  });

  it('quotes the parser or SQLite on a malformed body', async () => {
    await verbose('POST', '/users', { raw: '{"username":' }, 'SyntaxError', /JSON/);
    await verbose('POST', '/users', { raw: '' }, 'SyntaxError', /JSON/);
    await verbose('POST', '/users', { body: [1, 2] }, 'TypeError', /JSON object/);
    await verbose('POST', '/users', { body: null }, 'TypeError', /JSON object/);
    await verbose('POST', '/users', { body: { username: 'nopass' } }, 'SqliteError', /NOT NULL constraint failed: users\.password_hash/);
    await verbose('POST', '/users', { body: { username: 'alice', password: 'long-enough' } }, 'SqliteError', /UNIQUE constraint failed: users\.username/);
    await verbose('POST', '/users', { body: { username: 'x', password: 12345678 } }, 'TypeError', /password must be a string/);
    await verbose('PUT', '/users/1', { body: { name: { nested: true } } }, 'RangeError', /parameter/);
    await verbose('POST', '/users/1/orders', { body: { item: 'x', total_cents: 'lots' } }, 'SqliteError', /cannot store TEXT value in INTEGER column orders\.total_cents/);
    await verbose('POST', '/login', { raw: 'not json' }, 'SyntaxError', /JSON/);
    expect(errors.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const a = await call(api(), 'POST', '/users', { raw: JSON.stringify({ username: 'big', name: 'x'.repeat(1024 * 1024 + 10) }) });
    expect(a.status).toBe(413);
  });

  it('survives garbage on the socket and a malformed percent-escape', async () => {
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: api().port });
      s.once('connect', () => s.end('GARBAGE / HTTP/9.9\r\n\x00\x01\r\n\r\n'));
      s.once('close', () => resolve());
      s.once('error', () => resolve());
      s.resume();
    });
    expect((await call(api(), 'GET', '/users/%E0%A4%A')).status).toBe(500);
    expect((await call(api(), 'GET', '/health')).status).toBe(200);
  });
});

describe('database file', () => {
  it('keeps data across restarts and seeds only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
    try {
      const dbFile = join(dir, 'demo.db');
      const first = await startDemoApi({ port: 0, dbFile });
      expect((await call(first, 'POST', '/users', { body: { username: 'carol', password: 'carol-password' } })).status).toBe(201);
      await first.close();
      const second = await startDemoApi({ port: 0, dbFile });
      try {
        const page = await call(second, 'GET', '/users');
        expect(items(page).map((u) => u.username)).toEqual(['alice', 'bob', 'admin', 'carol']);
        expect(await login(second, 'carol', 'carol-password')).toMatch(/^eyJ/);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The value at `path` inside parsed JSON/YAML, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? Object.entries(v).find(([k]) => k === key)?.[1] : undefined;
  return v;
}
const keys = (value: unknown): string[] => (typeof value === 'object' && value !== null ? Object.keys(value) : []);

describe('the OpenAPI document', () => {
  const doc: unknown = parseYaml(readFileSync(demoOpenApiPath(), 'utf8'));
  const methods = ['get', 'put', 'post', 'delete', 'patch'];
  const operations = keys(at(doc, 'paths')).flatMap((path) => keys(at(doc, 'paths', path)).filter((m) => methods.includes(m)).map((m) => ({ path, m, op: at(doc, 'paths', path, m) })));

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(at(doc, 'openapi')).toMatch(/^3\.1\./);
    const result = await validate(demoOpenApiPath());
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes exactly the routes the server implements', async () => {
    const store = await openDemoStore();
    try {
      const served = createRoutes({ store, jwtKey: new Uint8Array(32), openApiYaml: '', openApiJson: '' }).flatMap((r) => Object.keys(r.methods).map((m) => `${m} ${r.pattern}`));
      const documented = operations.map(({ path, m }) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '*')}`);
      expect(documented.sort()).toEqual(served.sort());
    } finally {
      store.close();
    }
  });

  it('states the intended contract: operationIds, security, closed bodies, limits, integer ids', () => {
    const open = ['/health', '/login', '/openapi.yaml', '/openapi.json'];
    expect(at(doc, 'security')).toEqual([{ bearerAuth: [] }]);
    expect(at(doc, 'components', 'securitySchemes', 'bearerAuth')).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const { path, m, op } of operations) {
      expect(at(op, 'operationId'), `${m} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
      if (open.includes(path)) expect(at(op, 'security'), `${m} ${path}`).toEqual([]);
      else expect(at(op, 'security') ?? at(doc, 'security'), `${m} ${path}`).not.toEqual([]);
    }
    expect(at(doc, 'paths', '/users/{id}', 'delete', 'security')).toEqual([{ bearerAuth: ['admin'] }]);
    for (const name of ['UserCreate', 'UserUpdate', 'OrderCreate', 'LoginRequest', 'User', 'Order']) {
      expect(at(doc, 'components', 'schemas', name, 'additionalProperties'), name).toBe(false);
    }
    expect(at(doc, 'components', 'parameters', 'Limit', 'schema')).toMatchObject({ type: 'integer', maximum: 100 });
    expect(at(doc, 'components', 'parameters', 'UserId', 'schema')).toMatchObject({ type: 'integer' });
  });

  it('keeps secrets out of responses and marks them', () => {
    expect(JSON.stringify([at(doc, 'paths'), at(doc, 'components')])).not.toContain('password_hash');
    expect(at(doc, 'components', 'schemas', 'Password')).toMatchObject({ writeOnly: true, 'x-rampart-sensitive': true });
    expect(at(doc, 'components', 'schemas', 'User', 'properties', 'role', 'readOnly')).toBe(true);
    expect(at(doc, 'components', 'schemas', 'User', 'properties', 'password')).toBeUndefined();
    expect(at(doc, 'components', 'schemas', 'UserCreate', 'properties', 'role')).toBeUndefined();
    expect(at(doc, 'components', 'schemas', 'Token', 'properties', 'token', 'x-rampart-sensitive')).toBe(true);
  });
});
