import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../core/config/schema.js';
import { generateApiKey } from '../../../core/stores/keys/api-key.js';
import { openSqliteKeyStore } from '../../../core/stores/keys/sqlite-store.js';
import type { Decision } from '../../pipeline/types.js';
import { authenticationModule } from './authentication.js';
import { hashPassword } from './basic.js';
import { HMAC_DATE_HEADER, HMAC_DIGEST_HEADER, sha256Hex, sign } from './hmac.js';
import { fakeContext, run, testConfig, testEnv, type FakeRequest, type TestEnv } from './testing/context.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-auth-'));
const dbFile = join(dir, 'keys.db');
const HMAC_SECRET = 'hmac-secret-of-at-least-thirty-two-chars';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.dispose();
  env = undefined;
});

async function stageFor(routeAuth: Record<string, unknown>, auth: Record<string, unknown> = {}, extra: Partial<RouteConfig> = {}) {
  env = testEnv(dir);
  const config = testConfig([{ ...extra, authentication: { methods: [], anonymous: false, ...routeAuth } as RouteConfig['authentication'] }], { keyStore: { kind: 'sqlite', path: dbFile, cacheMs: 0 }, ...auth });
  const build = await authenticationModule.build(config, env);
  return build.forRoute(config.routes[0]!);
}

const reason = (d: Decision) => (d.kind === 'reject' ? d.problem.reason : undefined);

describe('API keys', () => {
  const alice = generateApiKey();
  const revoked = generateApiKey();
  const expired = generateApiKey();
  beforeAll(async () => {
    const s = openSqliteKeyStore(dbFile);
    await s.create({ prefix: alice.prefix, consumer: 'alice', hash: alice.hash, createdAt: Date.now() });
    await s.create({ prefix: revoked.prefix, consumer: 'bob', hash: revoked.hash, createdAt: Date.now(), revokedAt: Date.now() });
    await s.create({ prefix: expired.prefix, consumer: 'bob', hash: expired.hash, createdAt: 0, expiresAt: 1 });
    await s.close();
  });
  const auth = { consumers: { alice: { groups: ['users'], roles: ['owner'], scopes: ['orders:read'] } }, groups: { beta: { members: ['alice'] } } };

  it('authenticates a key from the header and enriches the principal from its consumer', async () => {
    const stage = await stageFor({ methods: ['api-key'] }, auth);
    const d = await run(stage, fakeContext({ headers: { 'x-api-key': alice.key } }));
    expect(d).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'alice', consumer: 'alice', method: 'api-key', credentialId: alice.prefix, scopes: ['orders:read'], roles: ['owner'] } } });
    if (d.kind === 'continue') expect([...(d.facts?.principal?.groups ?? [])].sort()).toEqual(['beta', 'users']);
  });

  it('refuses wrong, revoked, expired and malformed keys with a challenge', async () => {
    const stage = await stageFor({ methods: ['api-key'] }, auth);
    const wrong = alice.key.slice(0, -2) + (alice.key.endsWith('AA') ? 'BB' : 'AA');
    for (const [key, why] of [
      [wrong, /hash mismatch/],
      [revoked.key, /revoked/],
      [expired.key, /expired/],
      ['not-a-key', /malformed/],
    ] as const) {
      const d = await run(stage, fakeContext({ headers: { 'x-api-key': key } }));
      expect(d).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', headers: { 'www-authenticate': expect.stringMatching(/^ApiKey realm="rampart", header="x-api-key", error="invalid_token"/) } } });
      expect(reason(d)).toMatch(why);
    }
  });

  it('denies by default: no credentials is 401 naming every accepted method', async () => {
    const stage = await stageFor({ methods: ['api-key', 'basic'] }, { basic: { users: [{ username: 'u', hash: await hashPassword('pw', 1024) }] } });
    const d = await run(stage, fakeContext());
    expect(d).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', headers: { 'www-authenticate': 'ApiKey realm="rampart", header="x-api-key", Basic realm="rampart", charset="UTF-8"' } } });
  });

  it('reads the query parameter only when the route opts in', async () => {
    const off = await stageFor({ methods: ['api-key'] }, auth);
    expect((await run(off, fakeContext({ query: `api_key=${alice.key}` }))).kind).toBe('reject');
    const on = await stageFor({ methods: ['api-key'], apiKeyQuery: 'api_key' }, auth);
    expect((await run(on, fakeContext({ query: `api_key=${alice.key}` }))).kind).toBe('continue');
    expect(await run(on, fakeContext({ query: `api_key=${alice.key}&api_key=x` }))).toMatchObject({ kind: 'reject' });
  });

  it('lets anonymous callers through only where the route says so, still refusing bad credentials', async () => {
    const stage = await stageFor({ methods: ['api-key'], anonymous: true }, auth);
    expect(await run(stage, fakeContext())).toMatchObject({ kind: 'continue', facts: { principal: { method: 'anonymous' } } });
    expect((await run(stage, fakeContext({ headers: { 'x-api-key': 'rk_000000000000_' + 'A'.repeat(43) } }))).kind).toBe('reject');
  });

  it('locks out brute force per client IP with 429 and Retry-After, before checking credentials', async () => {
    const stage = await stageFor({ methods: ['api-key'] }, { ...auth, bruteForce: { maxFailures: 3, lockMs: 2000 } });
    const guess = (i: number, ip = '198.51.100.7') => run(stage, fakeContext({ clientIp: ip, headers: { 'x-api-key': `rk_${i.toString(16).padStart(12, '0')}_${'A'.repeat(43)}` } }));
    for (let i = 0; i < 3; i++) expect(await guess(i)).toMatchObject({ problem: { code: 'unauthorized' } });
    const locked = await guess(99);
    expect(locked).toMatchObject({ kind: 'reject', problem: { code: 'too-many-requests', headers: { 'retry-after': '2' } } });
    // Even the right key is refused from a locked-out address until the lock ends...
    expect(await run(stage, fakeContext({ clientIp: '198.51.100.7', headers: { 'x-api-key': alice.key } }))).toMatchObject({ problem: { code: 'too-many-requests' } });
    // ...while another address is unaffected; after the lock, the key works again.
    expect((await guess(5, '198.51.100.8')).kind).toBe('reject');
    env!.clock.now += 2001;
    expect((await run(stage, fakeContext({ clientIp: '198.51.100.7', headers: { 'x-api-key': alice.key } }))).kind).toBe('continue');
  });

  it('locks out one credential id attacked from many addresses', async () => {
    const stage = await stageFor({ methods: ['api-key'] }, { ...auth, bruteForce: { maxFailures: 3 } });
    const wrong = `rk_${alice.prefix}_${'B'.repeat(43)}`;
    for (let i = 0; i < 3; i++) await run(stage, fakeContext({ clientIp: `203.0.113.${i}`, headers: { 'x-api-key': wrong } }));
    expect(await run(stage, fakeContext({ clientIp: '203.0.113.99', headers: { 'x-api-key': wrong } }))).toMatchObject({ problem: { code: 'too-many-requests' } });
  });
});

describe('identity headers', () => {
  it('drops client-sent copies in every spelling, on routes with and without authentication', async () => {
    const k = generateApiKey();
    const s = openSqliteKeyStore(dbFile);
    await s.create({ prefix: k.prefix, consumer: 'carol', hash: k.hash, createdAt: Date.now() });
    await s.close();
    const stage = await stageFor({ methods: ['api-key'] });
    const spoof = { 'x-api-key': k.key, 'X-Rampart-Subject': 'admin', x_rampart_subject: 'admin', 'x.rampart.consumer': 'admin', 'X_RAMPART_SCOPES': 'all' };
    const d = await run(stage, fakeContext({ headers: spoof }));
    expect(d.kind).toBe('continue');
    if (d.kind !== 'continue') return;
    expect(new Set(d.facts?.dropHeaders)).toEqual(new Set(['x-rampart-subject', 'x-rampart-consumer', 'x-rampart-scopes', 'x_rampart_subject', 'x.rampart.consumer', 'x_rampart_scopes']));
    expect(d.facts?.upstreamHeaders).toMatchObject({ 'x-rampart-subject': 'carol' });

    env = testEnv(dir);
    const config = testConfig([{}], {});
    const open = (await authenticationModule.build(config, env)).forRoute(config.routes[0]!);
    expect(await run(open, fakeContext({ headers: { 'x-rampart-subject': 'admin' } }))).toMatchObject({ kind: 'continue', facts: { dropHeaders: ['x-rampart-subject', 'x-rampart-consumer', 'x-rampart-scopes'] } });
  });
});

describe('credentials to the upstream', () => {
  it('never forwards an unverified Authorization header; hides the verified one on request; keeps earlier drops', async () => {
    const k = generateApiKey();
    const s = openSqliteKeyStore(dbFile);
    await s.create({ prefix: k.prefix, consumer: 'dan', hash: k.hash, createdAt: Date.now() });
    await s.close();
    const forged = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.';
    const stage = await stageFor({ methods: ['api-key'] });
    const d = await run(stage, fakeContext({ headers: { 'x-api-key': k.key, authorization: forged }, facts: { dropHeaders: ['x-earlier'] } }));
    expect(d.kind === 'continue' && d.facts?.dropHeaders).toEqual(['x-earlier', 'x-rampart-subject', 'x-rampart-consumer', 'x-rampart-scopes', 'authorization']);
    const anon = await stageFor({ methods: ['api-key'], anonymous: true });
    expect(await run(anon, fakeContext({ headers: { authorization: forged } }))).toMatchObject({ kind: 'continue', facts: { dropHeaders: expect.arrayContaining(['authorization']) } });
    const bearerOnly = await stageFor({ methods: ['basic'] }, { basic: { users: [{ username: 'u', hash: await hashPassword('pw', 1024) }] } });
    const basic = 'Basic ' + Buffer.from('u:pw').toString('base64');
    expect(await run(bearerOnly, fakeContext({ headers: { authorization: basic, 'x-api-key': 'rk_forged' } }))).toMatchObject({ kind: 'continue', facts: { dropHeaders: expect.arrayContaining(['x-api-key']) } });
    const hide = await stageFor({ methods: ['api-key'] }, { hideCredentials: true });
    expect(await run(hide, fakeContext({ headers: { 'x-api-key': k.key } }))).toMatchObject({ kind: 'continue', facts: { dropHeaders: expect.arrayContaining(['x-api-key']) } });
  });
});

describe('Basic', () => {
  it('verifies scrypt hashes and refuses wrong passwords and unknown users alike', async () => {
    const stage = await stageFor({ methods: ['basic'] }, { basic: { users: [{ username: 'dora', hash: await hashPassword('s3cret', 1024), consumer: 'dora-app' }] } });
    const basic = (u: string, p: string) => fakeContext({ headers: { authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') } });
    expect(await run(stage, basic('dora', 's3cret'))).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'dora-app', method: 'basic', credentialId: 'dora' } } });
    expect(await run(stage, basic('dora', 'wrong'))).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', detail: 'invalid user name or password' } });
    expect(await run(stage, basic('eve', 's3cret'))).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', detail: 'invalid user name or password' } });
  });

  it('refuses a malformed hash at build', async () => {
    await expect(stageFor({ methods: ['basic'] }, { basic: { users: [{ username: 'x', hash: 'scrypt$3$1$1$AAAA$AAAA' }] } })).rejects.toThrow(/scrypt/);
  });
});

describe('HMAC signing', () => {
  const auth = { hmac: { keys: [{ id: 'partner', secret: HMAC_SECRET, consumer: 'partner-co' }], clockSkewSec: 60, requiredHeaders: ['host'] } };
  let n = 0;
  function signed(over: { date?: string; body?: string; nonce?: string; digest?: string; tamperBody?: string; secret?: string } = {}): FakeRequest {
    const body = over.body ?? '{"a":1}';
    const date = over.date ?? new Date(env?.clock.now ?? Date.now()).toISOString();
    const nonce = over.nonce ?? `nonce-${Date.now()}-${n++}-abcdef`;
    const headers: [string, string][] = [['host', 'api.test']];
    const signature = sign(over.secret ?? HMAC_SECRET, 'sha256', { scheme: 'RAMPART-HMAC-SHA256', method: 'POST', path: '/orders', query: 'b=2&a=1', headers, date, nonce, bodySha256: sha256Hex(Buffer.from(body)) });
    return {
      method: 'POST',
      path: '/orders',
      query: 'a=1&b=2',
      body: over.tamperBody ?? body,
      headers: {
        host: 'api.test',
        [HMAC_DATE_HEADER]: date,
        ...(over.digest === undefined ? {} : { [HMAC_DIGEST_HEADER]: over.digest }),
        authorization: `RAMPART-HMAC-SHA256 keyId="partner", headers="host", nonce="${nonce}", signature="${signature}"`,
      },
    };
  }

  it('accepts a correctly signed request (query order does not matter) and asks for the body', async () => {
    const stage = await stageFor({ methods: ['hmac'] }, auth);
    expect(stage?.needsBody).toBe(true);
    expect(await run(stage, fakeContext(signed()))).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'partner-co', method: 'hmac', credentialId: 'partner' } } });
  });

  it('refuses a replay of the same signed request', async () => {
    const stage = await stageFor({ methods: ['hmac'] }, auth);
    const req = signed();
    expect((await run(stage, fakeContext(req))).kind).toBe('continue');
    expect(await run(stage, fakeContext(req))).toMatchObject({ kind: 'reject', problem: { detail: 'replayed request: nonce already used' } });
  });

  it('refuses stale and future dates with a clock-skew error', async () => {
    const stage = await stageFor({ methods: ['hmac'] }, auth);
    const now = env!.clock.now;
    for (const date of [new Date(now - 120_000).toISOString(), new Date(now + 120_000).toUTCString()]) {
      const d = await run(stage, fakeContext(signed({ date })));
      expect(d).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', detail: expect.stringMatching(/^clock skew/) } });
    }
  });

  it('reports a body digest mismatch, and refuses a tampered body or wrong secret', async () => {
    const stage = await stageFor({ methods: ['hmac'] }, auth);
    const d = await run(stage, fakeContext(signed({ digest: sha256Hex(Buffer.from('{"a":1}')), tamperBody: '{"a":2}' })));
    expect(d).toMatchObject({ problem: { detail: expect.stringMatching(/^body digest mismatch/) } });
    expect(await run(stage, fakeContext(signed({ tamperBody: '{"a":2}' })))).toMatchObject({ problem: { detail: 'invalid signature' } });
    expect(await run(stage, fakeContext(signed({ secret: 'x'.repeat(40) })))).toMatchObject({ problem: { detail: 'invalid signature' } });
  });
});

describe('introspection (RFC 7662)', () => {
  let server: Server;
  let url = '';
  let calls = 0;
  let down = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      calls++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (down) return void res.writeHead(500).end();
        const token = new URLSearchParams(body).get('token');
        const okClient = req.headers.authorization === 'Basic ' + Buffer.from('gw:gw-secret').toString('base64');
        const active = okClient && token === 'good-token';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(active ? { active: true, sub: 'erin', client_id: 'app9', scope: 'a b', exp: Math.floor(Date.now() / 1000) + 600 } : { active: false }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const auth = () => ({ introspection: [{ name: 'idp', url, clientId: 'gw', clientSecret: 'gw-secret', timeoutMs: 500 }] });

  it('accepts an active token, caches it, refuses inactive ones, fails closed when the endpoint is down', async () => {
    const stage = await stageFor({ methods: ['introspection'], introspection: 'idp' }, auth());
    calls = 0;
    const bearer = (t: string) => fakeContext({ headers: { authorization: `Bearer ${t}` } });
    const [a, b] = await Promise.all([run(stage, bearer('good-token')), run(stage, bearer('good-token'))]);
    expect(a).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'erin', consumer: 'app9', scopes: ['a', 'b'], method: 'introspection' } } });
    expect(b.kind).toBe('continue');
    expect(calls).toBe(1);
    expect(await run(stage, bearer('bad-token'))).toMatchObject({ kind: 'reject', problem: { code: 'unauthorized', detail: 'token is not active' } });
    down = true;
    expect(await run(stage, bearer('other-token'))).toMatchObject({ kind: 'reject', problem: { code: 'service-unavailable' } });
    expect((await run(stage, bearer('good-token'))).kind).toBe('continue'); // still cached
    down = false;
  });
});

describe('config checks at build', () => {
  it('refuses routes naming unknown issuers or methods without credentials configured', async () => {
    await expect(stageFor({ methods: ['jwt'] })).rejects.toThrow(/jwt needs auth.jwt.issuers/);
    await expect(stageFor({ methods: ['hmac'] })).rejects.toThrow(/hmac needs/);
    await expect(stageFor({ methods: ['introspection'], introspection: 'nope' })).rejects.toThrow(/introspection/);
    await expect(stageFor({ methods: ['api-key'] }, { bruteForce: { maxFailures: 0 } })).rejects.toThrow(/auth\.bruteForce\.maxFailures/);
  });
});
